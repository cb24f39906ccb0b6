import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// The `write body` figure: a world-changing tool's answers compared exactly, except the fields
/// the scenario sets from the clock, which are compared by their offset from the time of the
/// call that set them.
@Suite("fidelity: write body, exact but for the clock")
struct WriteBodyTests {
    /// A call of `tool` at `atMs` answered `body` after `latency` ms (nil: its answer was lost).
    static func call(_ tool: String, at atMs: Double, latency: Double?, _ body: JSON, outcome: OutcomeClass = .ok)
        -> RecordedCall
    {
        RecordedCall(
            atMs: atMs, tool: tool, arguments: [:], outcome: outcome, status: outcome == .ok ? 200 : nil,
            latencyMs: latency, body: body.canonicalText)
    }

    static let billing = WriteBodyMatch(scenario: FidelityCheckTests.billing.scenario)

    @Test("clock fields are the fields an op sets with an expression calling now(), in custom effects too")
    func clockFields() throws {
        #expect(Self.billing.fields(of: "billing_issue_credit") == ["issued_at"])
        #expect(Self.billing.fields(of: "billing_list_credits").isEmpty)
        let crm = WriteBodyMatch(scenario: try loadScenario("crm-refund"))
        #expect(crm.fields(of: "crm_add_ticket_note") == ["created_at"])
        #expect(crm.fields(of: "billing_refund") == ["at"])
        #expect(WriteBodyMatch.callsNow("now()") && WriteBodyMatch.callsNow("now () + 86400000"))
        #expect(WriteBodyMatch.callsNow("max(row.due, now())"))
        #expect(!WriteBodyMatch.callsNow("'now()'") && !WriteBodyMatch.callsNow("args.known_now"))
        #expect(!WriteBodyMatch.callsNow("'it\\'s now()' + args.x"))
        #expect(
            crm.note(tool: "crm_add_ticket_note")
                == "write body: 'created_at' (set from the clock by this tool) and 'at' (by other tools) compared by "
                + "their offset from the time of the call that set them (presence and type when not numbers); "
                + "every other field must be equal")
    }

    @Test("a clock field matches when its offset from the call agrees within the recorded call's interval")
    func clockOffsets() {
        let tool = "billing_issue_credit"
        // Recorded at 100 ms, answered at 150: the server stamped it at 130.
        let recorded = [Self.call(tool, at: 100, latency: 50, ["id": "CR-1", "issued_at": 130, "memo": "m"])]
        let answer = { (body: JSON) in [Self.call(tool, at: 400, latency: 20, body)] }
        #expect(Self.billing.matches(recorded, answer(["id": "CR-1", "issued_at": 400, "memo": "m"]), at: 0))
        #expect(Self.billing.matches(recorded, answer(["memo": "m", "issued_at": 430, "id": "CR-1"]), at: 0))
        // 60 ms after the call: the recorded server answered 50 ms after it.
        #expect(!Self.billing.matches(recorded, answer(["id": "CR-1", "issued_at": 460, "memo": "m"]), at: 0))
        #expect(!Self.billing.matches(recorded, answer(["id": "CR-2", "issued_at": 400, "memo": "m"]), at: 0))
        #expect(!Self.billing.matches(recorded, answer(["id": "CR-1", "issued_at": 400, "memo": "x"]), at: 0))
        #expect(!Self.billing.matches(recorded, answer(["id": "CR-1", "issued_at": 400]), at: 0))
        #expect(!Self.billing.matches(recorded, answer(["id": "CR-1", "issued_at": "400", "memo": "m"]), at: 0))
        // A clock formatted as text: presence and type.
        let text = [Self.call(tool, at: 100, latency: 50, ["id": "CR-1", "issued_at": "2026-12-07T08:00:00Z"])]
        #expect(Self.billing.matches(text, answer(["id": "CR-1", "issued_at": "1970-01-01T00:00:00Z"]), at: 0))
    }

    @Test("an idempotent retry answering the first call's row matches by the first call's time")
    func retryAnswersFirstCall() {
        let tool = "billing_issue_credit"
        let row = { (at: Int) in ["id": "CR-1", "issued_at": .int(at)] as JSON }
        // The first call's answer was lost (no latency: it lasted until the retry at 5000 ms).
        let recorded = [
            Self.call(tool, at: 100, latency: nil, [:], outcome: .timeout),
            Self.call(tool, at: 5000, latency: 10, row(120)),
        ]
        let simulated = [
            Self.call(tool, at: 300, latency: 8000, [:], outcome: .timeout),
            Self.call(tool, at: 8300, latency: 5, row(300)),
        ]
        #expect(Self.billing.matches(recorded, simulated, at: 1))
        var late = simulated
        late[1] = Self.call(tool, at: 8300, latency: 5, row(8300))
        #expect(Self.billing.matches(recorded, late, at: 1) == false, "stamped at the retry, not at the first call")
    }

    @Test("a replay in the recording's place stamped at its calls' times, not anywhere in their intervals")
    func simulatedReference() {
        let tool = "billing_issue_credit"
        let row = { (at: Int) in ["id": "CR-1", "issued_at": .int(at)] as JSON }
        // Replay A: the first call timed out without committing; its retry, made the moment the
        // timeout ended, committed at 10000. Replay B: the timeout committed at 0.
        let a = [
            Self.call(tool, at: 0, latency: 10_000, [:], outcome: .timeout),
            Self.call(tool, at: 10_000, latency: 50, row(10_000)),
        ]
        let b = [
            Self.call(tool, at: 0, latency: 10_000, [:], outcome: .timeout),
            Self.call(tool, at: 10_000, latency: 40, row(0)),
        ]
        // As a recording, A's retry could have been stamped at the end of its timed-out call.
        #expect(Self.billing.matches(a, b, at: 1))
        // As a replay, it was stamped at its own time: the two differ.
        #expect(!Self.billing.matches(a, b, at: 1, referenceIsSimulated: true))
        #expect(Self.billing.matches(a, a, at: 1, referenceIsSimulated: true))
        #expect(Self.billing.matches(b, b, at: 1, referenceIsSimulated: true))
    }

    /// billing-outage with `billing_issue_credit`'s created credit's `field` set by `expression`.
    static func creditVariant(_ field: String, _ expression: String) throws -> Scenario {
        let document = try ScenarioFixtures.document("billing-outage")
        let tools = (document["tools"]?.arrayValue ?? []).map { tool -> JSON in
            guard tool["name"] == "billing_issue_credit", case .array(var effects)? = tool["effects"],
                case .object(var create)? = effects.first, case .object(var value)? = create["value"]
            else { return tool }
            value[field] = .string(expression)
            create["value"] = .object(value)
            effects[0] = .object(create)
            return ScenarioFixtures.setting(["effects"], to: .array(effects), in: tool)
        }
        return try ScenarioLoader.load(
            ScenarioFixtures.setting(["tools"], to: .array(tools), in: document), file: "billing-credit.json")
    }

    @Test("billing_issue_credit: the original agrees with its traces; a credit set differently fails")
    func billingIssueCredit() throws {
        let traffic = Array(FidelityCheckTests.billing.traffic.prefix(40))
        let tool = "billing_issue_credit"
        let original = try FidelityCheck(scenario: FidelityCheckTests.billing.scenario, seeds: [1, 2, 3]).check(traffic)
        let section = try #require(original.sections.first { $0.name == tool })
        let figure = try #require(section.figures.first { $0.kind == .writeBodyAgreement })
        #expect(figure.verdict == .pass && (figure.statistic ?? 0) >= 0.95, "\(original.text)")
        #expect(figure.recordedCount >= 50)
        #expect(section.notes.contains { $0.hasPrefix("write body: 'issued_at' (set from the clock by this tool)") })
        #expect(original.text.contains("  write body "))
        #expect(original.json.canonicalText.contains("\"figure\":\"write_body\""))

        for (field, expression) in [("memo", "'service credit'"), ("issued_at", "now() + 60000")] {
            let report = try FidelityCheck(scenario: try Self.creditVariant(field, expression), seeds: [1, 2, 3])
                .check(traffic)
            #expect(report.failures.contains("tool \(tool): write body"), "\(field): \(report.text)")
        }
    }
}
