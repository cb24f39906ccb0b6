// What an embedder's suite does beyond the docs' example: its own `Codable` types and names next
// to `import Sandbox`, a trace written and replayed, a seed sweep scored, an overlay's provenance,
// errors that name the place, and the MCP server in-process. Public API only.
import Foundation
import Sandbox
import Testing

/// An embedder's own type named like the expression engine's internals: `import Sandbox` must
/// not make the name ambiguous.
struct Expression: Codable, Equatable {
    var source: String
}

/// An embedder's own `Codable` type with a hand-written `init(from:)`: `Decoder` and `Encoder`
/// here are the standard library's, which simrun's public names must not shadow.
struct AgentStepRecord: Codable, Equatable {
    var tool: String
    var status: Int
    var guard_: Expression?

    enum CodingKeys: String, CodingKey {
        case tool, status
        case guard_ = "guard"
    }

    init(tool: String, status: Int, guard_: Expression? = nil) {
        self.tool = tool
        self.status = status
        self.guard_ = guard_
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tool = try container.decode(String.self, forKey: .tool)
        status = try container.decode(Int.self, forKey: .status)
        guard_ = try container.decodeIfPresent(Expression.self, forKey: .guard_)
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tool, forKey: .tool)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(guard_, forKey: .guard_)
    }
}

/// A fresh directory for one test's files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("simrun-embedding-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("The public surface, as an embedder's suite uses it")
struct PublicSurfaceTests {
    @Test("an embedder's own Codable types and a type named Expression live beside import Sandbox")
    func ownNames() throws {
        let record = AgentStepRecord(tool: "billing_refund", status: 200, guard_: Expression(source: "args.amount > 0"))
        let data = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(AgentStepRecord.self, from: data) == record)
        // And simrun's own JSON value reads the same bytes.
        let json = try JSON(parsing: [UInt8](data))
        #expect(json["guard"]?["source"]?.stringValue == "args.amount > 0")
    }

    @Test("an episode played with a trace replays identically, step for step and verdict")
    func traceAndReplay() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tracePath = directory.appendingPathComponent("refund.jsonl").path
        let scenario = try loadScenario("crm-refund")
        let episode = try Episode(scenario: scenario, seed: 3, tracePath: tracePath)

        let verdict = try await RefundAgent.play(episode)

        #expect(await episode.traceError == nil)
        let trace = try Trace(contentsOfFile: tracePath)
        #expect(trace.header.seed == 3)
        #expect(trace.header.agent == .embedded)
        #expect(trace.steps == (await episode.steps))
        #expect(trace.verdict?.passed == verdict.passed)
        let report = try Replayer.replay(
            trace, scenarioPath: simrunRoot.appendingPathComponent("scenarios/crm-refund.json").path)
        #expect(report.result == .identical)
        #expect(report.isComplete)
        #expect(report.steps.count == trace.steps.count)
        #expect(report.summary(source: tracePath) == "identical (\(trace.steps.count) steps)\n")
        #expect(report.data(afterStep: 0)?["refunds"]?.arrayValue?.isEmpty == true)
    }

    @Test("a seed sweep of a reference agent gives a scorecard, its JUnit report and replay commands")
    func sweep() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = try loadScenario("crm-refund")
        let plan = RunPlan(
            scenario: scenario, agent: .robust, seeds: Array(1...4), traceDirectory: directory.path,
            archivesPassingEpisodes: false)

        let outcomes = try EpisodeRunner.run(plan, parallelism: 1)
        let again = try EpisodeRunner.run(plan, parallelism: 2)

        #expect(outcomes.map(\.summary) == again.map(\.summary))  // determinism, whatever the parallelism
        let scorecard = Scorecard(episodes: outcomes.map(\.summary))
        #expect(scorecard.episodeCount == 4)
        #expect(scorecard.passRate >= 0 && scorecard.passRate <= 1)
        #expect(scorecard.text.contains("crm-refund"))
        let xml = JUnitReport.xml(for: scorecard)
        #expect(xml.hasPrefix("<?xml"))
        #expect(xml.components(separatedBy: "<testcase").count - 1 == 4)
        for outcome in outcomes {
            #expect(outcome.traceError == nil)
            let path = try #require(outcome.summary.tracePath)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(outcome.summary.replayCommand.contains("simrun replay"))
        }
    }

    @Test("a fault overlay that disables a rule loads, and its SHA-256 reaches the trace header")
    func overlayProvenance() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let overlay = directory.appendingPathComponent("no-lost-response.json")
        try Data(#"{"simrun_faults": 1, "disable": ["refund-lost-response"]}"#.utf8).write(to: overlay)
        let path = simrunRoot.appendingPathComponent("scenarios/crm-refund.json").path

        let scenario = try ScenarioLoader.load(contentsOf: path, faults: .overlay(path: overlay.path))
        let sha = try #require(scenario.faultProvenance.overlaySHA256)
        #expect(sha.count == 64)
        #expect(scenario.faultProvenance.overlayPath == overlay.path)
        let tracePath = directory.appendingPathComponent("t.jsonl").path
        let episode = try Episode(scenario: scenario, seed: 1, tracePath: tracePath)
        _ = await episode.finish(answer: nil)
        #expect(try Trace(contentsOfFile: tracePath).header.faults.overlaySHA256 == sha)
    }

    @Test("a broken scenario is a ScenarioLoadError whose issues are Diagnostics naming file and path")
    func diagnostics() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = try String(
            contentsOf: simrunRoot.appendingPathComponent("scenarios/crm-refund.json"), encoding: .utf8)
        let broken = directory.appendingPathComponent("broken.json")
        try Data(source.replacingOccurrences(of: #""max_steps""#, with: #""max_stpes""#).utf8).write(to: broken)

        var issues: [Diagnostic] = []
        do throws(ScenarioLoadError) {
            _ = try ScenarioLoader.load(contentsOf: broken.path)
        } catch {
            issues = error.issues
        }
        let issue = try #require(issues.first, "a misspelt key must not load")
        #expect(issue.file == broken.path)
        #expect(issue.path == "task.max_stpes")
        #expect(issue.message.contains("'max_steps'"), "\(issue)")
        #expect(issue.description.hasPrefix("\(broken.path): task.max_stpes: "))
    }

    @Test("the MCP server answers an initialize, lists the tools and plays a call, in-process")
    func mcpServer() async throws {
        let episode = try Episode(scenario: try loadScenario("crm-refund").idealized(), seed: 1)
        let input = MCPMemoryInput(lines: [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"crm_get_ticket","arguments":{"ticket_id":"T-7031"}}}"#,
        ])
        let output = MCPMemoryOutput()

        await MCPServer.run(session: EpisodeMCPSession(episode: episode), input: input, output: output)

        let replies = try output.lines.map { try JSON(parsing: Array($0.utf8)) }
        #expect(replies.count == 3)
        #expect(replies.first?["result"]?["serverInfo"]?["name"] == "simrun")
        let names = replies[1]["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("billing_refund") && names.contains(MCPServer.submitAnswerToolName))
        #expect(replies[2]["result"]?["isError"] == false)
        #expect(await episode.steps.map(\.tool) == ["crm_get_ticket"])
    }
}
