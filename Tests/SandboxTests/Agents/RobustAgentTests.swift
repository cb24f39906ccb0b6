import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// Plays the reference agent `name` on `scenario` with `seed`; returns the engine and the verdict.
func playReference(_ name: String, on scenario: Scenario, seed: UInt64 = 1) throws -> (EpisodeEngine, Verdict) {
    let agent = try #require(ReferenceAgent(named: name))
    var engine = EpisodeEngine(scenario: scenario, seed: seed)
    let answer = agent.play(&engine)
    return (engine, engine.verdict(answer: answer))
}

@Suite("The robust reference agent handles what DESIGN.md says it handles")
struct RobustAgentTests {
    static let items: JSON = ["items": [["id": "I-1", "name": "one"]], "notes": []]

    static let getItem: JSON = [
        "name": "get_item", "service": "svc", "description": "Fetch an item.",
        "input": [
            "type": "object", "properties": ["id": ["type": "string"]], "required": ["id"],
            "additionalProperties": false,
        ],
        "op": "get", "collection": "items", "key": "args.id",
    ]

    /// A create tool; with `keyed`, it accepts an idempotency key.
    static func addNote(keyed: Bool) -> JSON {
        var properties: JSONObject = ["text": ["type": "string"]]
        if keyed { properties["request_key"] = ["type": "string"] }
        var tool: JSONObject = [
            "name": "add_note", "service": "svc", "description": "Add a note. Not deduplicated.",
            "input": [
                "type": "object", "properties": .object(properties), "required": ["text"],
                "additionalProperties": false,
            ],
            "op": "create", "collection": "notes", "value": ["text": "args.text"],
        ]
        if keyed { tool["idempotency"] = "args.request_key" }
        return .object(tool)
    }

    static let oneNote: JSON = [["name": "exactly one note", "expect": "count('notes', true) == 1"]]
    static let writeNote: JSON = [["tool": "add_note", "args": ["text": "hello"], "save": "note"], ["answer": "done"]]

    @Test("a 429 is retried after exactly the Retry-After the service asked for")
    func honoursRetryAfter() throws {
        let scenario = try ScenarioFixtures.tiny(
            data: Self.items, tools: [Self.getItem],
            faults: [
                [
                    "id": "throttle", "tool": "get_item", "kind": "rate_limited", "retry_after_ms": 3000, "calls": [1],
                    "p": 1.0,
                ]
            ],
            checks: [["name": "names the item", "answer": ["contains": ["one"]]]],
            solution: [["tool": "get_item", "args": ["id": "I-1"], "save": "item"], ["answer": "{{saved.item.name}}"]])

        let (engine, verdict) = try playReference("robust", on: scenario)
        #expect(engine.steps.map(\.status) == [429, 200])
        #expect(engine.steps[0].header("Retry-After") == "3")
        #expect(engine.steps[1].thinkMs == 3000)
        #expect(verdict.passed, "\(verdict)")

        let (naive, naiveVerdict) = try playReference("naive", on: scenario)
        #expect(naive.steps.map(\.status) == [429])
        #expect(!naiveVerdict.passed)
    }

    @Test("server errors are retried with growing backoff")
    func backoff() throws {
        let scenario = try ScenarioFixtures.tiny(
            data: Self.items, tools: [Self.getItem],
            faults: [
                [
                    "id": "flaky", "tool": "get_item", "kind": "server_error", "status": 500, "calls": [1, 2, 3],
                    "p": 1.0,
                ]
            ],
            checks: [["name": "names the item", "answer": ["contains": ["one"]]]],
            solution: [["tool": "get_item", "args": ["id": "I-1"], "save": "item"], ["answer": "{{saved.item.name}}"]])
        let (engine, _) = try playReference("robust", on: scenario)
        #expect(engine.steps.map(\.status) == [500, 500, 500, 200])
        let waits = engine.steps.map(\.thinkMs)
        #expect(waits[0] == 0 && waits[1] > 0 && waits[2] > waits[1] && waits[3] > waits[2])
    }

    @Test("a write without idempotency is never sent again after an ambiguous 504")
    func noResendAfterTimeout() throws {
        let scenario = try ScenarioFixtures.tiny(
            data: Self.items, tools: [Self.addNote(keyed: false)],
            faults: [["id": "lost", "tool": "add_note", "kind": "timeout_after_commit", "calls": [1], "p": 1.0]],
            checks: Self.oneNote, solution: Self.writeNote)
        let (engine, verdict) = try playReference("robust", on: scenario)
        #expect(engine.steps.map(\.status) == [504])
        #expect(engine.state.data["notes"]?.count == 1)
        #expect(verdict.passed, "\(verdict)")
    }

    @Test("a write without idempotency is never sent again after a damaged 2xx answer")
    func noResendAfterDamagedSuccess() throws {
        for kind in ["malformed_json", "error_in_ok"] {
            let scenario = try ScenarioFixtures.tiny(
                data: Self.items, tools: [Self.addNote(keyed: false)],
                faults: [["id": "damaged", "tool": "add_note", "kind": .string(kind), "calls": [1], "p": 1.0]],
                checks: Self.oneNote, solution: Self.writeNote)
            let (engine, verdict) = try playReference("robust", on: scenario)
            #expect(engine.steps.count == 1, "\(kind): \(engine.steps.map(\.status))")
            #expect(engine.state.data["notes"]?.count == 1, "\(kind)")
            #expect(verdict.passed, "\(kind): \(verdict)")
        }
    }

    @Test("a keyed tool called without a key gets one, the same on every retry, so a 504 is retried safely")
    func addsIdempotencyKey() throws {
        let scenario = try ScenarioFixtures.tiny(
            data: Self.items, tools: [Self.addNote(keyed: true)],
            faults: [["id": "lost", "tool": "add_note", "kind": "timeout_after_commit", "calls": [1], "p": 1.0]],
            checks: Self.oneNote, solution: Self.writeNote)
        let (engine, verdict) = try playReference("robust", on: scenario)
        #expect(engine.steps.map(\.status) == [504, 201])
        let keys = engine.steps.map { $0.arguments["request_key"] }
        #expect(keys[0] != nil && keys[0] == keys[1])
        #expect(engine.state.data["notes"]?.count == 1)
        #expect(verdict.passed, "\(verdict)")

        let (naive, _) = try playReference("naive", on: scenario)
        #expect(naive.steps.first?.arguments["request_key"] == nil, "only robust adds keys")
    }

    @Test("a listing read right after the agent's own write is read again until a stale page is gone")
    func staleListing() throws {
        // Seed 1 serves a pre-receipt page after the receipt; robust must not trust it.
        let scenario = try loadScenario("inventory-sync")
        let (engine, verdict) = try playReference("robust", on: scenario, seed: 1)
        #expect(engine.steps.contains { $0.faults.contains("wms-stale-after-receipt") })
        #expect(verdict.passed, "\(verdict)")
        let (_, naive) = try playReference("naive", on: scenario, seed: 1)
        #expect(!naive.passed)
    }

    @Test("a long outage with throttling is outlasted within the step budget")
    func outlastsOutage() throws {
        // Seed 32: billing is down and throttled for 8 attempts at one credit.
        let (engine, verdict) = try playReference("robust", on: try loadScenario("billing-outage"), seed: 32)
        #expect(verdict.passed, "\(verdict)")
        #expect(engine.steps.count <= engine.scenario.task.maxSteps)
    }
}
