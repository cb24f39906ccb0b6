import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// A hand-off task: look the order up, then hand the conversation to a human with
/// `transfer_to_human` (`"ends_episode": true`); the solution has no answer step.
private let handOffText = #"""
    {
      "simrun": 1, "name": "hand-off",
      "task": {"instruction": "The customer wants a human. Hand the conversation off."},
      "data": {"orders": [{"id": "O-1", "status": "pending"}], "handoffs": []},
      "services": {"desk": {"regimes": {"ok": {"latency": {"dist": "fixed", "ms": 5}}}, "initial": "ok"}},
      "tools": [
        {"name": "get_order", "service": "desk", "description": "Read an order.", "op": "get", "collection": "orders",
         "input": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"], "additionalProperties": false}},
        {"name": "transfer_to_human", "service": "desk", "description": "Hand the conversation to a human; ends the episode.",
         "op": "custom", "ends_episode": true,
         "requires": [{"expr": "len(args.summary) >= 3", "status": 422, "message": "summary '{{args.summary}}' is too short"}],
         "effects": [{"create": "handoffs", "value": {"summary": "args.summary"}}],
         "input": {"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"], "additionalProperties": false}}
      ],
      "checks": [{"name": "handed off once", "expect": "count('handoffs', true) == 1"}],
      "solution": [
        {"tool": "get_order", "args": {"id": "O-1"}},
        {"tool": "transfer_to_human", "args": {"summary": "wants a human"}},
        {"tool": "get_order", "args": {"id": "O-1"}}
      ]
    }
    """#

private func handOffScenario() throws -> Scenario {
    try ScenarioLoader.load(try JSON(parsing: handOffText), file: "hand-off.json")
}

@Suite("A tool with ends_episode ends the episode as submit_answer does")
struct EndsEpisodeTests {
    @Test("embedding: a 2xx answer ends the episode with no answer; later calls answer 409 and are not recorded")
    func embedding() async throws {
        let episode = try Episode(scenario: try handOffScenario(), seed: 1)
        let short = await episode.call("transfer_to_human", arguments: ["summary": "hi"])
        #expect(short.status == 422)
        #expect(short.json?["error"]?["message"] == "summary 'hi' is too short")
        #expect(await episode.verdict == nil, "an error answer does not end the episode")
        let handed = await episode.call("transfer_to_human", arguments: ["summary": "wants a human"])
        #expect(handed.status == 200)
        let verdict = try #require(await episode.verdict)
        #expect(verdict.passed)
        #expect(verdict.answer == nil)
        let after = await episode.call("get_order", arguments: ["id": "O-1"])
        #expect(after.status == 409)
        #expect(after.json?["error"]?["code"] == "episode_finished")
        #expect(await episode.steps.count == 2)
        #expect(await episode.finish(answer: "too late") == verdict)
    }

    @Test("reference agents stop at the ending call, and validate accepts a solution without an answer step")
    func referenceAgents() throws {
        let scenario = try handOffScenario()
        for agent in ReferenceAgent.all {
            let plan = RunPlan(scenario: scenario, agent: agent, seeds: [1, 2])
            for outcome in try EpisodeRunner.run(plan) {
                #expect(outcome.verdict.passed, "\(agent)")
                #expect(outcome.verdict.steps == 2, "\(agent): the read after the hand-off is never made")
            }
        }
    }

    @Test("MCP: the ending call answers, then every call is refused as after submit_answer")
    func mcp() async throws {
        let episode = try Episode(scenario: try handOffScenario(), seed: 1)
        let session = EpisodeMCPSession(episode: episode)
        let input = MCPMemoryInput(lines: [
            rpcInitialize(),
            rpcRequest(2, "tools/call", ["name": "transfer_to_human", "arguments": ["summary": "wants a human"]]),
            rpcRequest(3, "tools/call", ["name": "get_order", "arguments": ["id": "O-1"]]),
            rpcRequest(4, "tools/call", ["name": "submit_answer", "arguments": ["answer": "x"]]),
        ])
        let output = MCPMemoryOutput()
        await MCPServer.run(session: session, input: input, output: output, options: MCPServerOptions())
        let out = try output.lines.map { try JSON(parsing: $0) }
        try #require(out.count == 4)
        #expect(out[1]["result"]?["isError"] == false)
        for index in [2, 3] {
            #expect(out[index]["result"]?["isError"] == true)
            #expect(out[index]["result"]?["content"]?[0]?["text"]?.stringValue?.contains("episode is over") == true)
        }
        #expect(await episode.steps.count == 1)
        #expect(await episode.verdict?.passed == true)
    }

    @Test("the trace of an episode a tool ended replays identically")
    func replay() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simrun-ends-episode-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenarioPath = directory.appendingPathComponent("hand-off.json").path
        try handOffText.write(toFile: scenarioPath, atomically: true, encoding: .utf8)
        let tracePath = directory.appendingPathComponent("trace.jsonl").path
        let episode = try Episode(
            scenario: try ScenarioLoader.load(contentsOf: scenarioPath), seed: 3, tracePath: tracePath)
        _ = await episode.call("get_order", arguments: ["id": "O-1"])
        _ = await episode.call("transfer_to_human", arguments: ["summary": "wants a human"])
        let trace = try Trace(contentsOfFile: tracePath)
        #expect(trace.steps.count == 2)
        #expect(trace.verdict?.passed == true)
        #expect(try Replayer.replay(trace).isIdentical)
    }
}
