#!/usr/bin/env python3
"""openai-agents' strict tool conversion keeps a list tool's `cursor`, and a driver pages with it.

Connects `agents.mcp.MCPServerStreamableHttp` to `simrun serve --http` (URL in argv[1]), converts
every tool with `MCPUtil.to_function_tool(..., convert_schemas_to_strict=True)`, requires that the
conversion is strict and that `tickets_list` keeps `cursor`, then pages through `tickets_list`
with `cursor` as a strict model sends it (null for the first page, then each `next_cursor`)
until the last page, and submits an answer.
Exit status 0 when all of that holds.
"""

from __future__ import annotations

import asyncio
import json
import sys

from agents.mcp import MCPServerStreamableHttp, MCPUtil


async def main(url: str) -> int:
    ok = True
    async with MCPServerStreamableHttp(params={"url": url}, cache_tools_list=True) as server:
        tools = await server.list_tools()
        converted = {tool.name: MCPUtil.to_function_tool(tool, server, convert_schemas_to_strict=True) for tool in tools}
        listing = converted["tickets_list"]
        schema = listing.params_json_schema
        print(f"tickets_list: strict={listing.strict_json_schema} schema={json.dumps(schema, sort_keys=True)}")
        if not listing.strict_json_schema or "cursor" not in schema.get("properties", {}):
            print("strict conversion lost cursor")
            return 1
        if "cursor" not in schema.get("required", []):
            print("strict conversion did not make cursor a required (nullable) property")
            ok = False
        # The first page: cursor null, as a strict model sends an optional nullable property.
        arguments = {"cursor": None}
        seen, pages = [], 0
        while True:
            result = await server.call_tool("tickets_list", arguments)
            if getattr(result, "is_error", None) or getattr(result, "isError", False):
                print(f"page {pages + 1}: error {result.content[0].text[:120]!r}; retrying")
                continue
            body = json.loads(result.content[0].text)
            pages += 1
            seen += [item["id"] for item in body["items"]]
            print(f"page {pages}: {len(body['items'])} items, next_cursor={body['next_cursor']!r}")
            if body["next_cursor"] is None:
                break
            arguments["cursor"] = body["next_cursor"]
        if pages < 2:
            print(f"expected several pages, got {pages}")
            ok = False
        if len(seen) != len(set(seen)):
            print("a page repeated tickets: the cursor was not honoured")
            ok = False
        await server.call_tool("submit_answer", {"answer": f"listed {len(seen)} tickets over {pages} pages"})
    print("agent: ok" if ok else "agent: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
