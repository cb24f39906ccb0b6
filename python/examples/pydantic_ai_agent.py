"""pydantic-ai (V2): an `Agent` with an `MCPToolset` for the URL, driven by a `FunctionModel`.

The `FunctionModel` stands in for the LLM and plays the scripted episode; everything else is
pydantic-ai's own agent loop. An error result reaches the model as a `ToolReturnPart` holding
only the body text (its `outcome` is "retried"): no status, no `_meta` (so no Retry-After).
"""

import asyncio

from pydantic_ai import Agent
from pydantic_ai.mcp import MCPToolset
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from refund_plan import ANSWER, MISSING_TICKET, PLAN, play_episode

SCRIPT = [MISSING_TICKET, *PLAN, ("submit_answer", {"answer": ANSWER})]
seen_errors: list[object] = []


def scripted_model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    turn = sum(isinstance(message, ModelResponse) for message in messages)
    if turn == 1:  # what the model was shown of the failed call
        seen_errors.extend(messages[-1].parts)
    if turn < len(SCRIPT):
        tool, arguments = SCRIPT[turn]
        return ModelResponse(parts=[ToolCallPart(tool_name=tool, args=arguments)])
    return ModelResponse(parts=[TextPart(ANSWER)])


async def play(url: str) -> None:
    agent = Agent(FunctionModel(scripted_model), toolsets=[MCPToolset(url)])
    async with agent:  # one MCP session for the run
        result = await agent.run("Carry out the task in the server's instructions.")
    assert result.output == ANSWER
    (error,) = seen_errors
    print(f"pydantic-ai shows the model, for an error result: {type(error).__name__} {error.content!r:.200}")
    assert isinstance(error, ToolReturnPart) and error.outcome == "retried"
    assert "not_found" in error.content and "404" not in error.content


if __name__ == "__main__":
    play_episode("pydantic-ai", lambda url: asyncio.run(play(url)))
