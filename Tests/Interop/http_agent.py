#!/usr/bin/env python3
"""A scripted MCP agent that plays a simrun episode over Streamable HTTP (`simrun serve --http`).

Works with both lines of the official Python MCP SDK (1.x: `streamablehttp_client`, 2.x:
`streamable_http_client`). Reuses the plan format and helpers of mcp_agent.py.

Server URL, first match wins: --url URL, $SIMRUN_MCP_URL, or the "url" of the "simrun" entry of
the mcpServers config in $SIMRUN_MCP_CONFIG.
Modes:
  (default)           one MCP session for the whole episode
  --session-per-call  a new MCP session (and HTTP connection) for every call, as LangChain's
                      MultiServerMCPClient.get_tools() does; the episode must still be one
Plan: as mcp_agent.py (--plan FILE, $SIMRUN_AGENT_PLAN, $SIMRUN_AGENT_PLAN_JSON).
Exit status: 0 when every step met its expectation and submit_answer succeeded, 1 when not,
2 on usage errors.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mcp_agent  # noqa: E402  (plan loading, negotiation and step helpers)
from mcp import ClientSession  # noqa: E402

try:  # SDK 2.x, and 1.x releases that have the new name
    from mcp.client.streamable_http import streamable_http_client as _client
except ImportError:  # older 1.x
    from mcp.client.streamable_http import streamablehttp_client as _client


def server_url(explicit: str | None) -> str:
    if explicit:
        return explicit
    if os.environ.get("SIMRUN_MCP_URL"):
        return os.environ["SIMRUN_MCP_URL"]
    config = os.environ.get("SIMRUN_MCP_CONFIG")
    if config:
        with open(config, encoding="utf-8") as handle:
            entry = json.load(handle)["mcpServers"]["simrun"]
        if isinstance(entry.get("url"), str):
            return entry["url"]
    mcp_agent.usage("no server URL: pass --url, or set SIMRUN_MCP_URL or SIMRUN_MCP_CONFIG with a url entry")
    raise AssertionError


@contextlib.asynccontextmanager
async def open_session(url: str):
    async with _client(url) as streams:
        async with ClientSession(streams[0], streams[1]) as session:
            await mcp_agent.negotiate(session)
            yield session


async def main() -> int:
    parser = argparse.ArgumentParser(description="Scripted MCP agent over Streamable HTTP.")
    parser.add_argument("--plan", help="JSON plan file")
    parser.add_argument("--url", help="the MCP endpoint, e.g. http://127.0.0.1:8765/mcp")
    parser.add_argument("--session-per-call", action="store_true", help="open a new session for every call")
    options = parser.parse_args()
    url = server_url(options.url)
    plan = mcp_agent.load_plan(options.plan)
    retries = int(os.environ.get("SIMRUN_AGENT_RETRIES", "3"))
    print(f"mcp SDK {mcp_agent.SDK_VERSION}; server: {url}; "
          f"{'a session per call' if options.session_per_call else 'one session'}")

    ok = True
    async with contextlib.AsyncExitStack() as stack:
        shared = None if options.session_per_call else await stack.enter_async_context(open_session(url))

        @contextlib.asynccontextmanager
        async def session_for_call():
            if shared is not None:
                yield shared
            else:
                async with open_session(url) as session:
                    yield session

        async with session_for_call() as session:
            tools = (await session.list_tools()).tools
            names = {tool.name for tool in tools}
            print("tools: " + ", ".join(tool.name for tool in tools))
            if "submit_answer" not in names:
                print("the server does not offer submit_answer")
                ok = False
            for tool in tools:
                schema = mcp_agent.field(tool, "input_schema", "inputSchema")
                if tool.name.startswith(("billing_list", "crm_list")) and "cursor" not in schema.get("properties", {}):
                    print(f"tool {tool.name}: a list tool whose schema does not declare cursor")
                    ok = False
        answer = "done"
        for step in plan:
            if "answer" in step:
                answer = str(step["answer"])
                continue
            async with session_for_call() as session:
                if not await mcp_agent.run_step(session, step, retries):
                    print(f"step {step} did not meet its expectation")
                    ok = False
        async with session_for_call() as session:
            verdict = await session.call_tool("submit_answer", {"answer": answer})
            is_error = bool(mcp_agent.field(verdict, "is_error", "isError"))
            print(f"submit_answer: isError={is_error} text={mcp_agent.result_text(verdict)!r}")
            ok = ok and not is_error
        async with session_for_call() as session:
            after = await session.call_tool("submit_answer", {"answer": "again"})
            if not mcp_agent.field(after, "is_error", "isError"):
                print("a second submit_answer was accepted; the episode should be over")
                ok = False
    print("agent: ok" if ok else "agent: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
