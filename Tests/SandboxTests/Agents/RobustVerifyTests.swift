import Sandbox
import Scenarios
import Testing
import WorldModel

/// The robust agent finds out whether an ambiguous write applied before sending it again, and
/// tries a write it gave up on during an outage again before it answers.
@Suite("The robust agent verifies ambiguous writes and does not drop writes during an outage")
struct RobustVerifyTests {
    /// Writes one note; its `verify` reads the notes and looks for it.
    static let verifiedNote: JSON = [
        [
            "tool": "add_note", "args": ["text": "hello"], "save": "note",
            "verify": [
                "tool": "list_notes", "applied": "any(body.items, n -> n.text == 'hello')",
            ],
        ],
        ["answer": "done"],
    ]
    static let checks: JSON = RobustAgentTests.oneNote

    static func scenario(_ kind: String, calls: [Int] = [1], solution: JSON = verifiedNote) throws -> Scenario {
        try ScenarioFixtures.tiny(
            data: RobustAgentTests.items, tools: SolutionStateChecksTests.tools,
            faults: [
                [
                    "id": "fault", "tool": "add_note", "kind": .string(kind), "calls": .array(calls.map(JSON.int)),
                    "p": 1.0,
                ]
            ],
            checks: checks, solution: solution)
    }

    @Test("a write that applied before its answer was lost is confirmed by the read, not sent again")
    func appliedWriteIsNotResent() throws {
        let (engine, verdict) = try playReference("robust", on: try Self.scenario("timeout_after_commit"))
        #expect(engine.steps.map(\.tool) == ["add_note", "list_notes"])
        #expect(engine.state.data["notes"]?.count == 1)
        #expect(verdict.passed, "\(verdict)")
    }

    @Test("a write that did not apply is sent again once the read shows it missing")
    func missingWriteIsResent() throws {
        let (engine, verdict) = try playReference("robust", on: try Self.scenario("timeout"))
        #expect(engine.steps.map(\.tool) == ["add_note", "list_notes", "add_note"])
        #expect(engine.steps.map(\.status) == [504, 200, 201])
        #expect(verdict.passed, "\(verdict)")
        let (_, naive) = try playReference("naive", on: try Self.scenario("timeout"))
        #expect(!naive.passed, "naive trusts the lost write")
    }

    @Test("without verify, an ambiguous unkeyed write is still never sent twice")
    func withoutVerify() throws {
        let scenario = try Self.scenario("timeout", solution: RobustAgentTests.writeNote)
        let (engine, _) = try playReference("robust", on: scenario)
        #expect(engine.steps.map(\.tool) == ["add_note"])
    }

    @Test("a write given up on during a long outage is tried again before the answer, not dropped")
    func outageWriteIsRetried() throws {
        let scenario = try Self.scenario("server_error", calls: Array(1...12), solution: RobustAgentTests.writeNote)
        // A 503 is not applied, so the agent retries it; 12 answers in a row exhaust one round.
        guard case .array(var faults) = scenario.document["faults"] else { return }
        faults[0] = ScenarioFixtures.setting(["status"], to: 503, in: faults[0])
        let document = ScenarioFixtures.setting(["faults"], to: .array(faults), in: scenario.document)
        let outage = try ScenarioLoader.load(document, file: "tiny.json")
        let (engine, verdict) = try playReference("robust", on: outage)
        #expect(engine.steps.count == 13)
        #expect(engine.steps.last?.status == 201)
        #expect(verdict.passed, "\(verdict)")
    }

    @Test("verify must name a read-only tool and give a condition")
    func verifyLoadErrors() throws {
        let cases: [(JSON, String, String)] = [
            (["tool": "add_note", "applied": "true"], "solution[0].verify.tool", "read-only"),
            (["tool": "list_notes"], "solution[0].verify", "missing required key 'applied'"),
            (["tool": "list_notes", "applied": "'yes'"], "solution[0].verify.applied", "condition"),
            (["tool": "list_notse", "applied": "true"], "solution[0].verify.tool", "did you mean 'list_notes'"),
        ]
        for (verify, path, message) in cases {
            let solution: JSON = [["tool": "add_note", "args": ["text": "x"], "verify": verify], ["answer": "done"]]
            do {
                _ = try ScenarioFixtures.tiny(
                    data: RobustAgentTests.items, tools: SolutionStateChecksTests.tools, checks: Self.checks,
                    solution: solution)
                Issue.record("\(verify) loaded")
            } catch let error as ScenarioLoadError {
                #expect(error.issues.first?.path == path, "\(error)")
                #expect(error.issues.first?.message.contains(message) == true, "\(error)")
            }
        }
    }
}
