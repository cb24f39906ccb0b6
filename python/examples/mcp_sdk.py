"""The official MCP Python SDK (`mcp` 2.x): one session for the whole episode over `simrun.serve`.

An error result reaches the agent whole: `is_error`, the body as text content and as structured
content, and `_meta` with the HTTP-like `status` (and `retry_after` on a 429). (mcp 1.x spells
the fields `isError`, `structuredContent`.)
"""

import asyncio

from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client  # mcp 1.x: streamablehttp_client
from refund_plan import ANSWER, MISSING_TICKET, PLAN, play_episode


async def play(url: str) -> None:
    async with streamable_http_client(url) as (read, write, *_):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            assert "T-7031" in init.instructions  # the task is in the instructions
            missing = await session.call_tool(*MISSING_TICKET)
            assert missing.is_error and missing.meta["status"] == 404
            assert missing.structured_content["error"]["code"] == "not_found"
            for tool, arguments in PLAN:
                result = await session.call_tool(tool, arguments)
                assert not result.is_error, result.content[0].text
            await session.call_tool("submit_answer", {"answer": ANSWER})


if __name__ == "__main__":
    play_episode("mcp", lambda url: asyncio.run(play(url)))
