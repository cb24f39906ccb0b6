import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// `{"state": "solution"}` and `{"unchanged": […]}` checks, solution steps with `expect_status`,
/// validation that says where the solution stopped, and scenario errors attributed as such.
@Suite("State checks, expected statuses and scenario errors")
struct SolutionStateChecksTests {
    static let listNotes: JSON = [
        "name": "list_notes", "service": "svc", "description": "List notes.",
        "input": ["type": "object", "properties": [:], "additionalProperties": false],
        "op": "list", "collection": "notes", "filter": "true",
    ]
    static let divide: JSON = [
        "name": "divide", "service": "svc", "description": "Divide.", "op": "custom", "returns": "args.a / args.b",
        "input": [
            "type": "object", "properties": ["a": ["type": "number"], "b": ["type": "number"]],
            "required": ["a", "b"], "additionalProperties": false,
        ],
    ]
    static let tools: JSON = [RobustAgentTests.getItem, RobustAgentTests.addNote(keyed: false), listNotes, divide]

    static func scenario(checks: JSON, solution: JSON = RobustAgentTests.writeNote, faults: JSON = []) throws
        -> Scenario
    {
        try ScenarioFixtures.tiny(
            data: RobustAgentTests.items, tools: tools, faults: faults, checks: checks, solution: solution)
    }

    /// Plays `calls` as an embedding agent would, then answers.
    static func play(_ scenario: Scenario, _ calls: [(String, JSON)]) -> Verdict {
        var engine = EpisodeEngine(scenario: scenario, seed: 1)
        for (tool, arguments) in calls { _ = engine.call(tool, arguments: arguments, thinkMs: 0, approved: nil) }
        return engine.verdict(answer: "done")
    }

    @Test("state: solution passes on the reference outcome and names the first differing paths otherwise")
    func stateSolution() throws {
        let scenario = try Self.scenario(checks: [["name": "as the reference", "state": "solution"]])
        #expect(Self.play(scenario, [("add_note", ["text": "hello"])]).passed)

        let twice = Self.play(scenario, [("add_note", ["text": "hello"]), ("add_note", ["text": "hello"])])
        let extra = try #require(twice.checks.first)
        #expect(!extra.passed)
        #expect(extra.evidence.contains("(only in the final data)"), "\(extra.evidence)")
        #expect(extra.attribution == .agent)

        let wrong = Self.play(scenario, [("add_note", ["text": "bye"])]).checks[0]
        #expect(!wrong.passed)
        #expect(wrong.evidence.contains(#".text: "bye", expected "hello""#), "\(wrong.evidence)")
    }

    @Test("state: solution leaves out the ignored fields, and the reference is computed once per scenario")
    func stateIgnore() throws {
        let scenario = try Self.scenario(checks: [
            ["name": "as the reference", "state": "solution", "ignore": ["notes.text"]]
        ])
        #expect(Self.play(scenario, [("add_note", ["text": "bye"])]).passed)
        // Copies of a loaded scenario share the computed reference.
        let copy = scenario
        #expect(copy.referenceData == scenario.referenceData)
        #expect(copy.referenceData["notes"]?.count == 1)
    }

    @Test("unchanged passes while the collections are as they began and names the change otherwise")
    func unchanged() throws {
        let scenario = try Self.scenario(checks: [
            ["name": "items untouched", "unchanged": ["items"]], ["name": "no notes", "unchanged": ["notes"]],
        ])
        let verdict = Self.play(scenario, [("add_note", ["text": "hello"])])
        #expect(verdict.checks[0].passed)
        #expect(!verdict.checks[1].passed)
        #expect(verdict.checks[1].evidence.hasPrefix("changed at notes"), "\(verdict.checks[1].evidence)")
    }

    @Test("unknown collections and fields in state and unchanged checks are load errors with suggestions")
    func loadErrors() throws {
        let cases: [(JSON, String, String)] = [
            (
                ["name": "s", "state": "solution", "ignore": ["nots.text"]], "checks[0].ignore[0]",
                "did you mean 'notes'"
            ),
            (["name": "s", "state": "solution", "ignore": ["notes.txt"]], "checks[0].ignore[0]", "no field 'txt'"),
            (["name": "s", "state": "final"], "checks[0].state", #"expected "solution""#),
            (["name": "u", "unchanged": []], "checks[0].unchanged", "at least one collection"),
            (["name": "u", "unchanged": ["itemz"]], "checks[0].unchanged[0]", "did you mean 'items'"),
            (["name": "u", "unchanged": ["items"], "ignore": ["items"]], "checks[0].ignore", "unknown key 'ignore'"),
        ]
        for (check, path, message) in cases {
            do {
                _ = try Self.scenario(checks: [check])
                Issue.record("\(check) loaded")
            } catch let error as ScenarioLoadError {
                #expect(error.issues.first?.path == path, "\(error)")
                #expect(error.issues.first?.message.contains(message) == true, "\(error)")
                #expect(error.issues.first?.file == "tiny.json")
            }
        }
    }

    @Test("a step with expect_status is done when it answers that status, and every agent carries on")
    func expectStatus() throws {
        let solution: JSON = [
            ["tool": "get_item", "args": ["id": "I-9"], "expect_status": 404],
            ["tool": "add_note", "args": ["text": "hello"]], ["answer": "done"],
        ]
        let scenario = try Self.scenario(
            checks: [["name": "one note", "expect": "count('notes', true) == 1"]], solution: solution)
        for name in ["scripted", "naive", "robust"] {
            let (engine, verdict) = try playReference(name, on: scenario)
            #expect(engine.steps.map(\.status) == [404, 201], "\(name)")
            #expect(verdict.passed, "\(name): \(verdict)")
        }
        #expect(ScenarioValidator.solve(scenario).passed)
    }

    @Test("validate fails a step that answers other than its expect_status, naming step, tool, status and body")
    func expectStatusMismatch() throws {
        let scenario = try Self.scenario(
            checks: [["name": "one note", "expect": "count('notes', true) == 1"]],
            solution: [
                ["tool": "get_item", "args": ["id": "I-1"], "expect_status": 404],
                ["tool": "add_note", "args": ["text": "hello"]], ["answer": "done"],
            ])
        let (verdict, play) = ScenarioValidator.solveRecording(scenario)
        #expect(!verdict.passed)
        let stop = try #require(play.stop)
        #expect(stop.path == "solution[0]" && stop.tool == "get_item" && stop.status == 200 && stop.expected == 404)
        #expect(stop.bodyExcerpt.contains("I-1"))
    }

    @Test("when the scripted solution stops at an error answer, validation says where and why")
    func validationSaysWhereItStopped() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var document = try ScenarioFixtures.document("crm-refund")
        guard case .array(var steps) = document["solution"] else { throw ScratchError.unexpected }
        steps.insert(["tool": "crm_get_ticket", "args": ["ticket_id": "T-0000"]], at: 0)
        document = ScenarioFixtures.setting(["solution"], to: .array(steps), in: document)
        let file = try scratch.write("stops.json", document)
        let result = ScenarioValidator.validate(file: file)
        #expect(!result.isValid)
        let first = try #require(result.issues.first)
        #expect(first.path == "solution[0]")
        #expect(first.message.contains("crm_get_ticket answered 404"), "\(first.message)")
        #expect(first.message.contains("not_found"), "\(first.message)")
    }

    @Test("a scenario_error is marked in the step and the verdict blames the scenario, not the agent")
    func scenarioError() throws {
        let scenario = try Self.scenario(
            checks: [["name": "one note", "expect": "count('notes', true) == 1"]],
            solution: [["tool": "divide", "args": ["a": 1, "b": 0]], ["answer": "done"]])
        var engine = EpisodeEngine(scenario: scenario, seed: 1)
        _ = engine.call("divide", arguments: ["a": 1, "b": 0], thinkMs: 0, approved: nil)
        #expect(engine.steps[0].scenarioError)
        #expect(engine.steps[0].json["scenario_error"] == true)
        #expect(try TraceStep(json: engine.steps[0].json) == engine.steps[0])
        let verdict = engine.verdict(answer: "done")
        #expect(verdict.scenarioAtFault)
        #expect(verdict.failedChecks.allSatisfy { $0.attribution == .scenario })
        #expect(verdict.rendered().contains("the scenario is at fault, not the agent"))

        let summary = EpisodeSummary(
            scenario: "tiny", seed: 1, trial: 1, passed: false, failedChecks: verdict.failedChecks,
            callLatenciesMs: [], faultsFired: [], virtualTimeMs: 0, tracePath: nil, replayCommand: "")
        let passing = EpisodeSummary(
            scenario: "tiny", seed: 2, trial: 1, passed: true, failedChecks: [], callLatenciesMs: [],
            faultsFired: [], virtualTimeMs: 0, tracePath: nil, replayCommand: "")
        let card = Scorecard(episodes: [summary, passing])
        #expect(card.scenarioFaultCount == 1)
        #expect(card.passRate == 1.0, "a scenario's failure does not count against the agent")
        #expect(card.text.contains("not counted against the agent"))
        let xml = JUnitReport.xml(for: card)
        #expect(
            xml.contains(#"errors="1""#) && xml.contains(#"type="scenario_error""#) && xml.contains(#"failures="0""#))

        // An ordinary step is not marked, and its JSON has no scenario_error member.
        _ = engine.call("get_item", arguments: ["id": "I-1"], thinkMs: 0, approved: nil)
        #expect(!engine.steps[1].scenarioError && engine.steps[1].json["scenario_error"] == nil)
    }

    @Test("a failed check in an episode where faults fired is attributed to the injected fault")
    func faultAttribution() throws {
        let scenario = try Self.scenario(
            checks: [["name": "one note", "expect": "count('notes', true) == 1"]],
            faults: [["id": "down", "tool": "add_note", "kind": "server_error", "status": 503, "p": 1.0]])
        let (_, verdict) = try playReference("naive", on: scenario)
        #expect(!verdict.passed)
        #expect(verdict.failedChecks.first?.attribution == .fault)
        #expect(!verdict.scenarioAtFault)
        #expect(try CheckResult(json: verdict.failedChecks[0].json) == verdict.failedChecks[0])
    }
}

/// A scratch directory for files a test writes.
struct Scratch {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("simrun-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `document` as `name` and returns its path.
    func write(_ name: String, _ document: JSON) throws -> String {
        let file = path + "/" + name
        try Data(document.canonicalBytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum ScratchError: Error { case unexpected }
