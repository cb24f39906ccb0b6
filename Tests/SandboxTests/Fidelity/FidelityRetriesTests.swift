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
    /// A recorded call of `get_item` I-1 at `atMs` (100 ms latency) answering `status`; a 429
    /// carries `retryAfterMs` in simrun's body.
    static func call(_ atMs: Double, _ status: Int, retryAfterMs: Int? = nil) -> RecordedCall {
        let body: String
        switch status {
        case 200: body = #"{"id":"I-1","name":"one"}"#
        case 429: body = #"{"error":{"code":"rate_limited","retry_after_ms":\#(retryAfterMs ?? 1000)}}"#
        default: body = #"{"error":"internal"}"#
        }
        return RecordedCall(
            atMs: atMs, tool: "get_item", arguments: ["id": "I-1"], outcome: OutcomeClass(status: status),
            status: status, latencyMs: 100, body: body, structured: try? JSON(parsing: body))
    }

    @Test("an added retry waits the recorded backoff of its retry number")
    func backoffByRetryNumber() throws {
        // The agent waited 200 ms before its 1st retry and 400 ms before its 2nd.
        let backoff = RecordedBackoff(sequences: [[Self.call(0, 500), Self.call(300, 500), Self.call(800, 200)]])
        let failed = Self.call(0, 500)
        #expect(backoff.wait(before: 1, of: failed) == 200)
        #expect(backoff.wait(before: 2, of: failed) == 400)
        #expect(backoff.wait(before: 3, of: failed) == 400, "a retry number never recorded waits as the last one")
        // A timeout was never retried: it takes the backoff of all classes at its retry number.
        #expect(backoff.wait(before: 2, of: Self.call(0, 504)) == 400)
        #expect(backoff.summary.contains("server_error 1st 200 ms, 2nd 400 ms"))
    }

    @Test("an added retry after a Retry-After waits at least as long as told")
    func backoffAfterRetryAfter() throws {
        // The agent backed off 200 ms after a 500, and waited exactly the Retry-After of a 429.
        let backoff = RecordedBackoff(sequences: [
            [Self.call(0, 500), Self.call(300, 200)],
            [Self.call(0, 429, retryAfterMs: 1000), Self.call(1100, 200)],
        ])
        #expect(RecordedRetryAfter(of: Self.call(0, 429, retryAfterMs: 1000))?.milliseconds == 1000)
        #expect(RecordedRetryAfter(of: Self.call(0, 500)) == nil)
        #expect(backoff.wait(before: 1, of: Self.call(0, 429, retryAfterMs: 1000)) == 1000)
        #expect(backoff.wait(before: 1, of: Self.call(0, 429, retryAfterMs: 3000)) == 3000)
        #expect(backoff.wait(before: 1, of: Self.call(0, 500)) == 200)
        #expect(backoff.summary.hasSuffix("after an answer with Retry-After: Retry-After"))

        // Never shown a Retry-After: the agent is taken to honour one (never less than told).
        let untold = RecordedBackoff(sequences: [[Self.call(0, 500), Self.call(300, 200)]])
        #expect(untold.wait(before: 1, of: Self.call(0, 429, retryAfterMs: 1000)) == 1000)
        #expect(untold.summary.contains("max(Retry-After, backoff) (assumed"))

        // An agent that waits the larger of its exponential backoff and the Retry-After.
        let larger = RecordedBackoff(sequences: [
            [Self.call(0, 500), Self.call(600, 500), Self.call(1700, 500), Self.call(3800, 200)],
            [
                Self.call(0, 429, retryAfterMs: 1000), Self.call(1100, 429, retryAfterMs: 1000),
                Self.call(2200, 429, retryAfterMs: 1000), Self.call(4300, 200),
            ],
        ])
        #expect(larger.wait(before: 3, of: Self.call(0, 429, retryAfterMs: 1000)) == 2000)
        #expect(larger.wait(before: 1, of: Self.call(0, 429, retryAfterMs: 1000)) == 1000)
        // No recorded retry: no wait to go by.
        #expect(RecordedBackoff(sequences: [[Self.call(0, 200)]]).wait(before: 1, of: Self.call(0, 500)) == nil)
    }

    @Test("retries added by the replay land where the recorded backoff puts them")
    func addedRetriesFollowTheBackoff() throws {
        // get_item fails until 950 ms of virtual time. The recording shows the agent retrying
        // after 200, 400 and 800 ms; a sequence whose first call succeeded when recorded fails
        // when simulated, so retries are added: at 300 ms and 800 ms (failing) and 1,700 ms
        // (answered). One median gap (400 ms) would have answered at its 2nd retry, at 1,000 ms.
        let scenario = try ScenarioFixtures.tiny(
            data: RobustAgentTests.items, tools: [RobustAgentTests.getItem],
            faults: [
                ["id": "early", "tool": "get_item", "kind": "server_error", "status": 500, "when": "now() < 950"]
            ],
            checks: [["name": "names the item", "answer": ["contains": ["one"]]]],
            solution: [["tool": "get_item", "args": ["id": "I-1"]], ["answer": "done"]])
        let recorded = [
            [Self.call(0, 500), Self.call(300, 500), Self.call(800, 500), Self.call(1700, 200)], [Self.call(0, 200)],
        ].enumerated().map { index, calls in
            RecordedTraffic(
                source: "backoff-\(index)", kind: .recording, tools: [],
                services: [RecordedService(name: "svc", calls: calls)])
        }
        let check = FidelityCheck(
            scenario: scenario, seeds: [1], thresholds: FidelityThresholds(minimumSamples: 1), retries: .follow)
        let report = try check.check(recorded)
        #expect(report.simulatedCalls == 4 + 1 + 3)
        let tool = try #require(report.sections.first { $0.kind == .tool && $0.name == "get_item" })
        let errors = try #require(tool.figures.first { $0.kind == .rate(.serverError) })
        #expect(errors.simulatedValue == 6.0 / 8.0)
        #expect(report.notes.contains { $0.contains("server_error 1st 200 ms, 2nd 400 ms, 3rd 800 ms") })
        #expect(try check.check(recorded).json.prettyText == report.json.prettyText)
    }
    /// The one-tool world whose `get_item` answers 500 while `failing` (an expression of `now()`) holds.
    static func scenario(failingWhen failing: String) throws -> Scenario {
        try ScenarioFixtures.tiny(
            data: RobustAgentTests.items, tools: [RobustAgentTests.getItem],
            faults: [
                ["id": "window", "tool": "get_item", "kind": "server_error", "status": 500, "when": .string(failing)]
            ],
            checks: [["name": "names the item", "answer": ["contains": ["one"]]]],
            solution: [["tool": "get_item", "args": ["id": "I-1"]], ["answer": "done"]])
    }

    /// The simulated server-error and total counts of `get_item` when `recorded` (sequences of
    /// calls) is replayed with retries following against `scenario`, under `timing`.
    static func serverErrors(
        _ scenario: Scenario, _ recorded: [[RecordedCall]], timing: FidelityCheck.Timing
    ) throws -> (errors: Double?, calls: Int) {
        let traffic = recorded.enumerated().map { index, calls in
            RecordedTraffic(
                source: "timing-\(index)", kind: .recording, tools: [],
                services: [RecordedService(name: "svc", calls: calls)])
        }
        let report = try FidelityCheck(
            scenario: scenario, seeds: [1], thresholds: FidelityThresholds(minimumSamples: 1), timing: timing,
            retries: .follow
        ).check(traffic)
        let tool = try #require(report.sections.first { $0.kind == .tool && $0.name == "get_item" })
        let errors = try #require(tool.figures.first { $0.kind == .rate(.serverError) })
        return (errors.simulatedValue.map { $0 * Double(errors.simulatedCount) }, errors.simulatedCount)
    }

    @Test("a skipped retry brings the agent's later calls earlier, an added one delays them, under either timing")
    func laterCallsMove() throws {
        // Recorded: a 500, its retry 500 ms later (answered), the next call at 1,200 ms. The
        // simulated first attempt succeeds, so the retry is skipped and the next call comes
        // 500 ms after that answer, at 600 ms, before the window that fails from 1,000 ms.
        let window = try Self.scenario(failingWhen: "now() >= 1000 && now() < 1300")
        let skipped = [[Self.call(0, 500), Self.call(600, 200), Self.call(1200, 200)]]
        for timing in FidelityCheck.Timing.allCases {
            let result = try Self.serverErrors(window, skipped, timing: timing)
            #expect(result.calls == 2 && result.errors == 0, "\(timing)")
        }
        // Recorded: a call answered at once, the next at 1,000 ms; another sequence shows the
        // agent retrying a 500 after 500 ms. Simulated, the first call fails, a retry is added
        // at 600 ms (answered by 700 ms), so the agent's next call comes 600 ms later than
        // recorded, at 1,600 ms, after the window that fails from 1,000 to 1,400 ms.
        let twice = try Self.scenario(failingWhen: "now() < 100 || (now() >= 1000 && now() < 1400)")
        let added = [[Self.call(0, 500), Self.call(600, 200)], [Self.call(0, 200), Self.call(1000, 200)]]
        for timing in FidelityCheck.Timing.allCases {
            let result = try Self.serverErrors(twice, added, timing: timing)
            #expect(result.calls == 2 + 3 && result.errors == 2, "\(timing)")
        }
    }
}
