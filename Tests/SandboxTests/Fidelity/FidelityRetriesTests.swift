import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// A fidelity replay plays the recorded agent's retry policy: a recorded retry (the same call
/// right after an error of it) is made only when the simulated attempt before it failed too.
@Suite("fidelity: the replay follows the recorded agent's retries")
struct FidelityRetriesTests {
    /// A one-tool world (`get_item`); with `failingCalls`, those calls of it (1-based) answer 500.
    static func scenario(failingCalls: [Int] = []) throws -> Scenario {
        let faults: JSON =
            failingCalls.isEmpty
            ? []
            : [
                [
                    "id": "flaky", "tool": "get_item", "kind": "server_error", "status": 500,
                    "calls": .array(failingCalls.map { .int($0) }), "p": 1.0,
                ]
            ]
        return try ScenarioFixtures.tiny(
            data: RobustAgentTests.items, tools: [RobustAgentTests.getItem], faults: faults,
            checks: [["name": "names the item", "answer": ["contains": ["one"]]]],
            solution: [["tool": "get_item", "args": ["id": "I-1"]], ["answer": "done"]])
    }

    /// One recorded sequence of `get_item` I-1 calls, 1 s apart, with `statuses` (500 a server
    /// error, 200 ok).
    static func traffic(_ statuses: [Int]...) -> [RecordedTraffic] {
        statuses.enumerated().map { sequence, statuses in
            let calls = statuses.enumerated().map { index, status in
                RecordedCall(
                    atMs: Double(1000 * index), tool: "get_item", arguments: ["id": "I-1"],
                    outcome: status == 200 ? .ok : .serverError, status: status, latencyMs: 100,
                    body: status == 200 ? #"{"id":"I-1","name":"one"}"# : #"{"error":"internal"}"#)
            }
            return RecordedTraffic(
                source: "retries-\(sequence)", kind: .recording, tools: [],
                services: [RecordedService(name: "svc", calls: calls)])
        }
    }

    @Test("a recorded retry is skipped when the simulated attempt succeeded and made when it failed")
    func skipsOrMakes() throws {
        // Recorded: an error, its retry (ok), then the same call again after that success (not a retry).
        let recorded = Self.traffic([500, 200, 200])
        let healthy = try FidelityCheck(scenario: Self.scenario(), seeds: [1, 2], retries: .follow).check(recorded)
        #expect(healthy.recordedCalls == 3)
        #expect(healthy.simulatedCalls == 2 * 2, "the retry is skipped under both seeds")
        let tool = try #require(healthy.sections.first { $0.kind == .tool && $0.name == "get_item" })
        #expect(tool.simulatedCalls == 4)

        let flaky = try FidelityCheck(scenario: Self.scenario(failingCalls: [1]), seeds: [1, 2], retries: .follow)
            .check(recorded)
        #expect(flaky.simulatedCalls == 2 * 3, "the simulated first attempt failed too: the retry is made")
    }

    @Test("a run of retries stops at the first simulated success")
    func runOfRetries() throws {
        // Recorded: an error, a retry that failed, a retry that succeeded.
        let recorded = Self.traffic([500, 500, 200])
        let once = try FidelityCheck(scenario: Self.scenario(failingCalls: [1]), seeds: [1], retries: .follow).check(
            recorded)
        #expect(once.simulatedCalls == 2, "the first retry succeeded, so the second is not made")
        let twice = try FidelityCheck(scenario: Self.scenario(failingCalls: [1, 2]), seeds: [1], retries: .follow)
            .check(recorded)
        #expect(twice.simulatedCalls == 3)
        let never = try FidelityCheck(scenario: Self.scenario(), seeds: [1], retries: .follow).check(recorded)
        #expect(never.simulatedCalls == 1)
    }

    @Test("a retry is added after a simulated error only as the recording retried such errors")
    func addsRetries() throws {
        let flaky = try Self.scenario(failingCalls: [1])
        // The recording never retried a server error: nothing to go by, nothing added.
        let unknown = try FidelityCheck(scenario: flaky, seeds: [1], retries: .follow).check(Self.traffic([200, 200]))
        #expect(unknown.simulatedCalls == 2)
        // Another sequence shows the agent retrying one: the failed first call is retried once.
        let shown = try FidelityCheck(scenario: flaky, seeds: [1], retries: .follow).check(
            Self.traffic([200, 200], [500, 200]))
        #expect(shown.simulatedCalls == 3 + 2)
        let tool = try #require(shown.sections.first { $0.kind == .tool && $0.name == "get_item" })
        let ok = try #require(tool.figures.first { $0.kind == .rate(.ok) })
        #expect(ok.simulatedCount == 5)
        // Open loop: no call added, none skipped.
        let open = try FidelityCheck(scenario: flaky, seeds: [1]).check(Self.traffic([200, 200], [500, 200]))
        #expect(open.simulatedCalls == 4)
    }

    @Test("by default every recorded call is made; the report says which replay it was")
    func openLoop() throws {
        let recorded = Self.traffic([500, 200, 200])
        let report = try FidelityCheck(scenario: Self.scenario(), seeds: [1, 2]).check(recorded)
        #expect(report.simulatedCalls == 2 * 3, "the default replays every recorded call")
        #expect(report.json["retries"] == "replay")
        #expect(report.text.contains("every recorded call made"))
        let following = try FidelityCheck(scenario: Self.scenario(), seeds: [1, 2], retries: .follow).check(recorded)
        #expect(following.json["retries"] == "follow")
        #expect(following.text.contains("retries following the simulated answers"))
        // Deterministic: the same inputs give the same bytes.
        let again = try FidelityCheck(scenario: Self.scenario(), seeds: [1, 2], retries: .follow).check(recorded)
        #expect(following.json.prettyText == again.json.prettyText)
    }
}
