"""smolagents: a `ToolCallingAgent` with `MCPClient` tools over `simrun.serve`, driven by a scripted `Model`.

`ScriptedModel` stands in for the LLM and plays the episode through smolagents' own agent loop;
the observation of each step is what the model reads next. Of an error result, that is only the
body text, as an ordinary observation (not an error step): no status, no `_meta`.
"""


from smolagents import ChatMessage, MCPClient, Model, ToolCallingAgent
from smolagents.models import ChatMessageToolCall, ChatMessageToolCallFunction
from smolagents.monitoring import LogLevel
from refund_plan import ANSWER, MISSING_TICKET, PLAN, play_episode

# smolagents requires every argument its schema does not mark `nullable`, and it does not read
# `{"type": ["string", "null"]}` as nullable: a list tool's optional `cursor` must be sent, as null
# (without it the model is told "Argument cursor is required" and the call is not made).
SCRIPT = [MISSING_TICKET, *[(tool, {**arguments, "cursor": None} if tool == "billing_list_charges" else arguments)
                            for tool, arguments in PLAN],
          ("submit_answer", {"answer": ANSWER}), ("final_answer", {"answer": ANSWER})]


class ScriptedModel(Model):
    def __init__(self) -> None:
        super().__init__(model_id="scripted")
        self.turn = 0

    def generate(self, messages, stop_sequences=None, response_format=None, tools_to_call_from=None, **kwargs):
        tool, arguments = SCRIPT[self.turn]
        call = ChatMessageToolCall(id=f"call-{self.turn}", type="function",
                                   function=ChatMessageToolCallFunction(name=tool, arguments=arguments))
        self.turn += 1
        return ChatMessage(role="assistant", content=None, tool_calls=[call])


def play(url: str) -> None:
    with MCPClient({"url": url, "transport": "streamable-http"}, structured_output=False) as tools:  # one session
        agent = ToolCallingAgent(tools=tools, model=ScriptedModel(), max_steps=len(SCRIPT) + 1,
                                 verbosity_level=LogLevel.OFF)
        output = agent.run("Carry out the task in the server's instructions.")
    assert output == ANSWER, output
    first = agent.memory.steps[1]  # after the task
    assert first.error is None  # an error result is an ordinary observation: the body text alone
    print(f"smolagents shows the model, for an error result: {first.observations:.200}")
    assert "not_found" in first.observations and "404" not in first.observations


if __name__ == "__main__":
    play_episode("smolagents", play)
