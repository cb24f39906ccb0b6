"""LlamaIndex (`llama-index-tools-mcp`): `McpToolSpec` over a `BasicMCPClient` and `simrun.serve`.

`BasicMCPClient` opens a new MCP session for every call; over Streamable HTTP they all play one
episode. The tools are called as LlamaIndex's agents call them (`FunctionTool.acall`); the
`ToolOutput` each returns is what the agent's model reads. Of an error result, that is the whole
result as Python text (`meta={... 'status': 404} content=[...] ... is_error=True`), with the
`ToolOutput`'s own `is_error` false.
"""

import asyncio

from llama_index.tools.mcp import BasicMCPClient, McpToolSpec
from refund_plan import ANSWER, MISSING_TICKET, PLAN, play_episode


async def play(url: str) -> None:
    tools = {tool.metadata.name: tool for tool in await McpToolSpec(client=BasicMCPClient(url)).to_tool_list_async()}
    script = [MISSING_TICKET, *PLAN, ("submit_answer", {"answer": ANSWER})]
    outputs = [await tools[name].acall(**arguments) for name, arguments in script]
    error = outputs[0]
    print(f"llama-index shows the model, for an error result: is_error={error.is_error} {error.content!r:.200}")
    assert "'status': 404" in error.content and "not_found" in error.content and "is_error=True" in error.content


if __name__ == "__main__":
    play_episode("llama-index", lambda url: asyncio.run(play(url)))
