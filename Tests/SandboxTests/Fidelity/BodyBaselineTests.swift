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
