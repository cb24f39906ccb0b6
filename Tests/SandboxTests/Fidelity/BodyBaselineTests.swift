import Scenarios
import Testing
import WorldModel

@testable import Sandbox

/// The body figures' baseline, the scenario agreeing with itself, compares two replays by the rule
/// a replay is compared with the recording by, the other replay in the recording's place: whether
/// two replays' calls are compared depends on their own histories, not on the recording's.
@Suite("fidelity: the body baseline compares replays by their own histories")
struct BodyBaselineTests {
    /// A call of crm-refund's `tool` at `atMs` with `outcome` and `body`.
    static func call(_ tool: String, at atMs: Double, _ outcome: OutcomeClass, _ body: String) -> RecordedCall {
        RecordedCall(
            atMs: atMs, tool: tool, arguments: ["charge_id": "CH-1"], outcome: outcome,
            status: outcome == .ok ? 200 : 504, latencyMs: 100, body: body)
    }

    /// A refund (world-changing) then a read of the charges, recorded with `refund`'s outcome and
    /// replayed under two seeds with `replays`' outcomes for the refund.
    static func comparisons(recorded refund: OutcomeClass, replays: [OutcomeClass]) throws -> (
        recorded: [FidelityCheck.BodyComparison], itself: [FidelityCheck.BodyComparison]
    ) {
        let scenario = try loadScenario("crm-refund")
        let check = FidelityCheck(scenario: scenario, seeds: replays.indices.map { UInt64($0 + 1) })
        let sequence = { (outcome: OutcomeClass, charges: String) in
            [
                Self.call("billing_refund", at: 0, outcome, "{\"id\": \"RF-1\"}"),
                Self.call("billing_list_charges", at: 500, .ok, charges),
            ]
        }
        let replayed = FidelityCheck.Replayed(
            recorded: sequence(refund, "[{\"id\": \"CH-1\", \"status\": \"charged\"}]"),
            simulated: replays.map {
                sequence($0, "[{\"id\": \"CH-1\", \"status\": \"refunded\"}]").map(Optional.some)
            },
            added: replays.map { _ in [] })
        return check.bodyComparisons([replayed], writes: WriteBodyMatch(scenario: scenario))
    }

    @Test("replays that agree with each other but not with the recording still give the baseline")
    func baselineWithoutTheRecording() throws {
        // The recorded refund timed out; both replays' refunds succeeded: no read is comparable
        // with the recording, but the two replays' reads are comparable with each other.
        let (recorded, itself) = try Self.comparisons(recorded: .timeout, replays: [.ok, .ok])
        #expect(!recorded.contains { $0.tool == "billing_list_charges" })
        let reads = itself.filter { $0.tool == "billing_list_charges" }
        #expect(reads.count == 2 && reads.allSatisfy(\.equal), "\(itself)")
    }

    @Test("replays whose world-changing calls differ in outcome are not compared after them")
    func divergedReplays() throws {
        let (recorded, itself) = try Self.comparisons(recorded: .ok, replays: [.ok, .serverError])
        // Against the recording, the first replay's read is compared (and differs), the second's not.
        #expect(recorded.filter { $0.tool == "billing_list_charges" }.map(\.equal) == [false])
        #expect(!itself.contains { $0.tool == "billing_list_charges" }, "\(itself)")
    }
}

/// The body baseline is standardized to the figure's mix of attempt histories: a recorded agent
/// retries only after a failure (closed loop), open-loop replays retry whatever they answered, so
/// pooled over all calls the replays' agreement counts retries after successes (equal by
/// idempotency) the recording cannot have, and too few retries after failures (which may or may
/// not have committed). crm-refund's `billing_refund` fell below its own pooled baseline so.
@Suite("fidelity: the body baseline has the figure's mix of first attempts and retries")
struct StandardizedBodyBaselineTests {
    /// `count` comparisons of `billing_refund` after `attempts`, `unequal` of them with different bodies.
    static func comparisons(_ count: Int, after attempts: [OutcomeClass], unequal: Int = 0)
        -> [FidelityCheck.BodyComparison]
    {
        (0..<count).map {
            FidelityCheck.BodyComparison(tool: "billing_refund", equal: $0 >= unequal, attempts: attempts)
        }
    }

    @Test("comparisons carry the reference side's earlier attempts of the same call")
    func attemptsOfTheReferenceSide() throws {
        // Recorded: the refund timed out, then its retry succeeded. Replays: ok then ok (an
        // open-loop retry after a success), timeout then ok, ok then ok.
        let scenario = try loadScenario("crm-refund")
        let check = FidelityCheck(scenario: scenario, seeds: [1, 2, 3])
        let refund = { (at: Double, outcome: OutcomeClass) in
            BodyBaselineTests.call("billing_refund", at: at, outcome, "{\"id\": \"RF-1\"}")
        }
        let replayed = FidelityCheck.Replayed(
            recorded: [refund(0, .timeout), refund(10_500, .ok)],
            simulated: [
                [refund(0, .ok), refund(10_500, .ok)], [refund(0, .timeout), refund(10_500, .ok)],
                [refund(0, .ok), refund(10_500, .ok)],
            ],
            added: [[], [], []])
        let (recorded, itself) = check.bodyComparisons([replayed], writes: WriteBodyMatch(scenario: scenario))
        // Against the recording only the second replay's retry is compared: after a timeout.
        #expect(recorded.map(\.attempts) == [[.timeout]])
        // Replays 3 and 1 (the last with the first) succeeded twice: a first attempt, a retry after a success.
        #expect(itself.map(\.attempts) == [[], [.ok]], "\(itself)")
    }

    @Test("the baseline weighs each attempt history as the figure's comparisons do")
    func standardized() throws {
        let check = FidelityCheck(scenario: try loadScenario("crm-refund"), seeds: [1, 2, 3])
        // The figure: 400 first attempts, all equal; 200 retries after a timeout, 80 unequal
        // (the timeout committed the refund in one world and not in the other).
        let figure = Self.comparisons(400, after: []) + Self.comparisons(200, after: [.timeout], unequal: 80)
        // The replays agree as often in each history, but also have 600 retries after a
        // success, equal by idempotency, which the recorded agent never makes.
        let itself =
            Self.comparisons(400, after: []) + Self.comparisons(600, after: [.ok])
            + Self.comparisons(200, after: [.timeout], unequal: 80)
        let result = check.bodyAgreement(figure, itself: itself, kind: .writeBodyAgreement)
        // 2/3 · 1 + 1/3 · 0.6: the figure's own share, so it passes below the minimum.
        #expect(abs((result.recordedValue ?? 0) - 520.0 / 600) < 1e-12, "\(result)")
        #expect(result.statistic == 520.0 / 600 && result.verdict == .pass)
        // Pooled (every history alike), the baseline is 1120/1200 and the same figure fails.
        let pooled = check.bodyAgreement(
            figure.map { .init(tool: $0.tool, equal: $0.equal) },
            itself: itself.map { .init(tool: $0.tool, equal: $0.equal) },
            kind: .writeBodyAgreement)
        #expect(abs((pooled.recordedValue ?? 0) - 1120.0 / 1200) < 1e-12 && pooled.verdict == .fail)
        // A history the replays never have is left out of the weights; with too few baseline
        // comparisons in the histories the figure has, there is no baseline and the minimum rules.
        let uncovered = check.bodyAgreement(
            figure + Self.comparisons(100, after: [.serverError], unequal: 100), itself: itself,
            kind: .writeBodyAgreement)
        #expect(abs((uncovered.recordedValue ?? 0) - 520.0 / 600) < 1e-12 && uncovered.verdict == .fail)
        let few = check.bodyAgreement(
            figure, itself: Self.comparisons(19, after: [.timeout]) + Self.comparisons(600, after: [.ok]),
            kind: .writeBodyAgreement)
        #expect(few.recordedValue == nil && few.verdict == .fail)
    }
}

/// Power kept: on crm-refund's own traffic `billing_refund`'s write body passes, and a copy whose
/// refunds are written differently fails it, against the standardized baseline.
@Suite("fidelity: crm-refund's refunds agree with their recording, and a changed refund fails")
struct RefundWriteBodyTests {
    /// crm-refund with the refund row's `field` set by `expression`.
    static func refundVariant(_ field: String, _ expression: String) throws -> Scenario {
        let document = try ScenarioFixtures.document("crm-refund")
        let tools = (document["tools"]?.arrayValue ?? []).map { tool -> JSON in
            guard tool["name"] == "billing_refund", case .array(var effects)? = tool["effects"],
                case .object(var create)? = effects.last, case .object(var value)? = create["value"]
            else { return tool }
            value[field] = .string(expression)
            create["value"] = .object(value)
            effects[effects.count - 1] = .object(create)
            return ScenarioFixtures.setting(["effects"], to: .array(effects), in: tool)
        }
        return try ScenarioLoader.load(
            ScenarioFixtures.setting(["tools"], to: .array(tools), in: document), file: "crm-refund-variant.json")
    }

    @Test("billing_refund: the original passes write body against its baseline; a changed refund fails")
    func refunds() throws {
        let (scenario, traffic) = AnswerDriftTests.crm
        let tool = "billing_refund"
        let original = try FidelityCheck(scenario: scenario, seeds: [1, 2, 3]).check(traffic)
        let figure = try #require(AnswerDriftTests.figure(.writeBodyAgreement, of: tool, in: original))
        #expect(figure.verdict == .pass && figure.recordedValue != nil, "\(original.text)")
        for (field, expression) in [("reason", "'requested_by_customer'"), ("at", "now() + 1000")] {
            let report = try FidelityCheck(scenario: try Self.refundVariant(field, expression), seeds: [1, 2, 3])
                .check(traffic)
            let changed = try #require(AnswerDriftTests.figure(.writeBodyAgreement, of: tool, in: report))
            #expect(changed.verdict == .fail && (changed.statistic ?? 1) < 0.5, "\(field): \(report.text)")
        }
    }
}
