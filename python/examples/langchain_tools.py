"""LangChain (`langchain-mcp-adapters`): `MultiServerMCPClient.get_tools()` over `simrun.serve`.

`get_tools()` opens a new MCP session for every tool call; over Streamable HTTP they all play
one episode (over stdio each call would start a new server: use `client.session("simrun")` and
`load_mcp_tools(session)` there). The tools are invoked with tool calls, as LangGraph's
`ToolNode` does for a model: the `ToolMessage` each returns is what the model reads. Of an error
result, that is only the body text (`status="error"`), with no HTTP-like status or `_meta`.
"""

import asyncio

from langchain_core.messages import ToolMessage
from langchain_mcp_adapters.client import MultiServerMCPClient
from refund_plan import ANSWER, MISSING_TICKET, PLAN, play_episode


async def play(url: str) -> None:
    client = MultiServerMCPClient({"simrun": {"transport": "streamable_http", "url": url}})
    tools = {tool.name: tool for tool in await client.get_tools()}  # hand these to your agent
    script = [MISSING_TICKET, *PLAN, ("submit_answer", {"answer": ANSWER})]
    messages = []
    for turn, (name, arguments) in enumerate(script):
        call = {"type": "tool_call", "id": f"call-{turn}", "name": name, "args": arguments}
        message = await tools[name].ainvoke(call)  # what the model reads next
        assert isinstance(message, ToolMessage)
        messages.append(message)
    error = messages[0]
    print(f"langchain shows the model, for an error result: status={error.status} {error.content!r:.200}")
    assert "not_found" in str(error.content) and "404" not in str(error.content)
    assert all(message.status == "success" for message in messages[1:])


if __name__ == "__main__":
    play_episode("langchain", lambda url: asyncio.run(play(url)))
