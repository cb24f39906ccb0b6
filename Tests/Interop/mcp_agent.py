#!/usr/bin/env python3
"""A small scripted MCP agent for interop tests of `simrun serve`.

Works with both lines of the official Python MCP SDK: `mcp` 1.x (tested with 1.30.0) and
2.x (tested with 2.3.0), through `ClientSession` + `stdio_client`.

Server command, first match wins:
  * argv after `--`:              mcp_agent.py [--plan FILE] -- simrun serve scenario.json
  * $SIMRUN_MCP_CONFIG:           {"mcpServers": {"simrun": {"command": ..., "args": [...]}}}
                                  (the "simrun" entry, else the only entry)
Plan (the same shape as a scenario's "solution"): a JSON list of steps
  {"tool": NAME, "args": {...}}            call; retried while the result isError
  {"tool": NAME, "args": {...}, "expect": "is_error" | "rpc_error"}
                                           call once and require that outcome
  {"answer": TEXT}                         submit_answer (default: "done")
from --plan FILE, $SIMRUN_AGENT_PLAN (a file) or $SIMRUN_AGENT_PLAN_JSON (inline JSON).
Negotiation: with SDK 2.x the agent probes server/discover (2026-07-28) and falls back to
initialize on any JSON-RPC error, like the SDK's own mode="auto"; $SIMRUN_MCP_MODE=legacy
forces initialize. SDK 1.x always uses initialize.
Other settings: $SIMRUN_AGENT_RETRIES (default 3).
Exit status: 0 when every step met its expectation and submit_answer succeeded, 1 when
not, 2 on usage errors. Progress goes to stdout, one line per event.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from importlib.metadata import version as package_version
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

try:  # SDK 2.x
    from mcp import MCPError as RPCError
except ImportError:  # SDK 1.x
    from mcp.shared.exceptions import McpError as RPCError

SDK_VERSION = package_version("mcp")


def field(obj: Any, snake: str, camel: str, default: Any = None) -> Any:
    """Read a result field under its 2.x (snake_case) or 1.x (camelCase) name."""
    if hasattr(obj, snake):
        return getattr(obj, snake)
    return getattr(obj, camel, default)


def usage(message: str) -> None:
    print(f"mcp_agent: {message}", file=sys.stderr)
    sys.exit(2)


def server_from_config(path: str) -> tuple[str, list[str]]:
    try:
        with open(path, encoding="utf-8") as handle:
            servers = json.load(handle)["mcpServers"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        usage(f"{path}: expected {{\"mcpServers\": {{\"simrun\": {{\"command\": ..., \"args\": [...]}}}}}}: {error}")
    entry = servers.get("simrun") or (next(iter(servers.values())) if len(servers) == 1 else None)
    if not isinstance(entry, dict) or not isinstance(entry.get("command"), str):
        usage(f"{path}: mcpServers.simrun.command: expected a string")
    args = entry.get("args", [])
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        usage(f"{path}: mcpServers.simrun.args: expected a list of strings")
    return entry["command"], args


def load_plan(path: str | None) -> list[dict[str, Any]]:
    text = None
    if path or os.environ.get("SIMRUN_AGENT_PLAN"):
        plan_path = path or os.environ["SIMRUN_AGENT_PLAN"]
        try:
            with open(plan_path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as error:
            usage(f"cannot read plan {plan_path}: {error}")
    elif os.environ.get("SIMRUN_AGENT_PLAN_JSON"):
        text = os.environ["SIMRUN_AGENT_PLAN_JSON"]
    if text is None:
        return [{"answer": "done"}]
    try:
        plan = json.loads(text)
    except ValueError as error:
        usage(f"plan is not JSON: {error}")
    if not isinstance(plan, list) or not all(isinstance(s, dict) and ("tool" in s or "answer" in s) for s in plan):
        usage('plan: expected a list of {"tool": ..., "args": {...}} and {"answer": ...} steps')
    return plan


async def negotiate(session: ClientSession) -> str:
    """Connect: probe server/discover on SDK 2.x (falling back to initialize), else initialize."""
    mode = os.environ.get("SIMRUN_MCP_MODE", "auto")
    if mode != "legacy" and hasattr(session, "discover"):
        try:
            result = await session.discover()
            versions = field(result, "supported_versions", "supportedVersions", [])
            print(f"connected via server/discover, supported versions {versions}")
            return "discover"
        except RPCError as error:
            print(f"server/discover failed ({error}); falling back to initialize")
    result = await session.initialize()
    info = field(result, "server_info", "serverInfo")
    print(f"connected via initialize, protocol {field(result, 'protocol_version', 'protocolVersion')}, "
          f"server {info.name} {info.version}")
    return "initialize"


def result_text(result: Any) -> str:
    return "".join(getattr(block, "text", "") for block in result.content)


async def run_step(session: ClientSession, step: dict[str, Any], retries: int) -> bool:
    tool, args, expect = step["tool"], step.get("args", {}), step.get("expect")
    attempts = 1 if expect else retries + 1
    for attempt in range(1, attempts + 1):
        try:
            result = await session.call_tool(tool, args)
        except RPCError as error:
            print(f"call {tool}: JSON-RPC error {error}")
            return expect == "rpc_error"
        is_error = bool(field(result, "is_error", "isError"))
        structured = field(result, "structured_content", "structuredContent")
        print(f"call {tool} attempt {attempt}: isError={is_error} text={result_text(result)[:200]!r}"
              + (f" structured={json.dumps(structured, sort_keys=True)}" if structured is not None else ""))
        if not is_error:
            return expect is None
        if expect == "is_error":
            return True
        await asyncio.sleep(0.05 * attempt)
    return False


async def main() -> int:
    parser = argparse.ArgumentParser(description="Scripted MCP agent for simrun interop tests.")
    parser.add_argument("--plan", help="JSON plan file")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- server command and arguments")
    options = parser.parse_args()
    command = [c for c in options.command if c != "--"] if options.command else []
    if command:
        server_command, server_args = command[0], command[1:]
    elif os.environ.get("SIMRUN_MCP_CONFIG"):
        server_command, server_args = server_from_config(os.environ["SIMRUN_MCP_CONFIG"])
    else:
        usage("no server: pass `-- COMMAND ARGS...` or set SIMRUN_MCP_CONFIG")
    plan = load_plan(options.plan)
    retries = int(os.environ.get("SIMRUN_AGENT_RETRIES", "3"))
    print(f"mcp SDK {SDK_VERSION}; server: {server_command} {' '.join(server_args)}")

    ok = True
    parameters = StdioServerParameters(command=server_command, args=server_args)
    async with stdio_client(parameters) as streams:
        read, write = streams[0], streams[1]
        async with ClientSession(read, write) as session:
            await negotiate(session)

            tools = (await session.list_tools()).tools
            print("tools: " + ", ".join(tool.name for tool in tools))
            for tool in tools:
                schema = field(tool, "input_schema", "inputSchema")
                if not isinstance(schema, dict) or schema.get("type") != "object":
                    print(f"tool {tool.name}: missing or non-object inputSchema {schema!r}")
                    ok = False
            if "submit_answer" not in {tool.name for tool in tools}:
                print("the server does not offer submit_answer")
                ok = False

            prompt = await session.get_prompt("task")
            print(f"task: {prompt.messages[0].content.text}")

            answer = "done"
            for step in plan:
                if "answer" in step:
                    answer = str(step["answer"])
                    continue
                if not await run_step(session, step, retries):
                    print(f"step {step} did not meet its expectation")
                    ok = False

            verdict = await session.call_tool("submit_answer", {"answer": answer})
            print(f"submit_answer: isError={bool(field(verdict, 'is_error', 'isError'))} "
                  f"text={result_text(verdict)!r}")
            ok = ok and not field(verdict, "is_error", "isError")

            after = await session.call_tool("submit_answer", {"answer": "again"})
            if not field(after, "is_error", "isError"):
                print("a second submit_answer was accepted; the episode should be over")
                ok = False
    print("agent: ok" if ok else "agent: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
