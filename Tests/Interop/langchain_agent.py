#!/usr/bin/env python3
"""A scripted driver that plays a simrun episode through LangChain's langchain-mcp-adapters.

`MultiServerMCPClient(config["mcpServers"]).get_tools()` is LangChain's first documented usage:
every tool call opens a new MCP session (over stdio, a new server process). The connections are
taken unchanged from the mcpServers config in $SIMRUN_MCP_CONFIG (as `simrun run --agent-cmd`
writes it), so this also proves LangChain accepts the generated config. Over `--http` all those
sessions play one episode; over stdio, `simrun run` fails "one MCP session per episode".

Plan: as mcp_agent.py (--plan FILE, $SIMRUN_AGENT_PLAN, $SIMRUN_AGENT_PLAN_JSON).
Exit status: 0 when every step met its expectation and submit_answer succeeded, 1 when not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mcp_agent  # noqa: E402  (plan loading)
from langchain_core.tools import ToolException  # noqa: E402
from langchain_mcp_adapters.client import MultiServerMCPClient  # noqa: E402


async def main() -> int:
    parser = argparse.ArgumentParser(description="Scripted LangChain MCP driver.")
    parser.add_argument("--plan", help="JSON plan file")
    options = parser.parse_args()
    with open(os.environ["SIMRUN_MCP_CONFIG"], encoding="utf-8") as handle:
        connections = json.load(handle)["mcpServers"]
    plan = mcp_agent.load_plan(options.plan)
    retries = int(os.environ.get("SIMRUN_AGENT_RETRIES", "3"))
    print(f"langchain-mcp-adapters; connections {json.dumps(connections, sort_keys=True)}")

    client = MultiServerMCPClient(connections, handle_tool_errors=False)
    tools = {tool.name: tool for tool in await client.get_tools()}
    print("tools: " + ", ".join(tools))
    ok = "submit_answer" in tools
    answer = "done"
    for step in plan:
        if "answer" in step:
            answer = str(step["answer"])
            continue
        name, args, expect = step["tool"], step.get("args", {}), step.get("expect")
        tool = tools.get(name)
        if tool is None:
            print(f"call {name}: no such tool")
            ok = ok and expect == "rpc_error"
            continue
        for attempt in range(1, (1 if expect else retries + 1) + 1):
            try:
                content = await tool.ainvoke(args)
                print(f"call {name} attempt {attempt}: {str(content)[:160]!r}")
                ok = ok and expect is None
                break
            except ToolException as error:
                print(f"call {name} attempt {attempt}: tool error {str(error)[:160]!r}")
                if expect == "is_error":
                    break
                if attempt > retries:
                    ok = False
                await asyncio.sleep(0.05 * attempt)
    result = await tools["submit_answer"].ainvoke({"answer": answer})
    print(f"submit_answer: {result!r}")
    print("agent: ok" if ok else "agent: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
