"""OpenAI Agents SDK (`openai-agents`): an `Agent` with `MCPServerStreamableHttp`, driven by a scripted `Model`.

`ScriptedModel` stands in for the LLM (no API key: tracing is off) and plays the episode through
the SDK's own `Runner` loop, with strict tool schemas. Of an error result, the model is shown
only the body text (a `function_call_output` of `input_text`): no status, no `_meta`.
"""

import asyncio
import json

from agents import Agent, Runner, set_tracing_disabled
from agents.items import ModelResponse
from agents.mcp import MCPServerStreamableHttp
from agents.models.interface import Model
from agents.usage import Usage
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText
from refund_plan import ANSWER, MISSING_TICKET, PLAN, play_episode

SCRIPT = [MISSING_TICKET, *PLAN, ("submit_answer", {"answer": ANSWER})]
seen_outputs: list[str] = []


class ScriptedModel(Model):
    async def get_response(self, system_instructions, input, *args, **kwargs) -> ModelResponse:
        outputs = [item["output"] for item in input if isinstance(item, dict) and item.get("type") == "function_call_output"]
        seen_outputs[:] = outputs
        turn = len(outputs)
        if turn < len(SCRIPT):
            tool, arguments = SCRIPT[turn]
            call = ResponseFunctionToolCall(type="function_call", call_id=f"call-{turn}", name=tool,
                                            arguments=json.dumps(arguments), id=f"fc-{turn}", status="completed")
            return ModelResponse(output=[call], usage=Usage(), response_id=None)
        text = ResponseOutputText(type="output_text", text=ANSWER, annotations=[])
        message = ResponseOutputMessage(type="message", id="answer", role="assistant", status="completed", content=[text])
        return ModelResponse(output=[message], usage=Usage(), response_id=None)

    def stream_response(self, *args, **kwargs):
        raise NotImplementedError("this example does not stream")


async def play(url: str) -> None:
    set_tracing_disabled(True)
    async with MCPServerStreamableHttp(params={"url": url}) as server:  # one MCP session for the run
        agent = Agent(name="refunds", instructions="Carry out the task in the server's instructions.",
                      model=ScriptedModel(), mcp_servers=[server],
                      mcp_config={"convert_schemas_to_strict": True})
        result = await Runner.run(agent, "Handle ticket T-7031.", max_turns=len(SCRIPT) + 2)
    assert result.final_output == ANSWER
    error = str(seen_outputs[0])
    print(f"openai-agents shows the model, for an error result: {error:.200}")
    assert "not_found" in error and "404" not in error


if __name__ == "__main__":
    play_episode("openai-agents", lambda url: asyncio.run(play(url)))
