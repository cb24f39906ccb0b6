import Sandbox
import Testing
import WorldModel

@Suite("Scorecards")
struct ScorecardTests {
    static func episode(
        _ seed: UInt64, _ trial: Int, _ failed: [String] = [], latencies: [Int64] = [100],
        faults: [String] = [], scenario: String = "crm-refund"
    ) -> EpisodeSummary {
        let path = "traces/\(scenario)/seed-\(seed)-trial-\(trial).jsonl"
        return EpisodeSummary(
            scenario: scenario, seed: seed, trial: trial, passed: failed.isEmpty,
            failedChecks: failed.map {
                CheckResult(name: $0, kind: .expect, passed: false, evidence: "\($0) was false")
            },
            callLatenciesMs: latencies, faultsFired: faults, virtualTimeMs: 1500, tracePath: path,
            replayCommand: EpisodeSummary.replayCommand(forTrace: path))
    }

    /// Four seeds, three trials each: seed 1 all pass, seed 2 fails once, seed 3 always fails,
    /// seed 4 all pass.
    static let sample: [EpisodeSummary] = [
        episode(1, 1), episode(1, 2), episode(1, 3),
        episode(2, 1), episode(2, 2, ["b"], faults: ["x", "y", "x"]), episode(2, 3),
        episode(3, 1, ["a", "b"], faults: ["y"]), episode(3, 2, ["b"]), episode(3, 3, ["c"], faults: ["a-z"]),
        episode(4, 1), episode(4, 2), episode(4, 3),
    ]

    @Test("pass rate, pass^k and pass@1 match a hand-computed example")
    func passHatK() throws {
        let card = Scorecard(episodes: Self.sample)
        #expect(card.episodeCount == 12)
        #expect(card.passedCount == 8)
        #expect(card.passRate == 8.0 / 12.0)
        #expect(card.taskCount == 4)
        #expect(card.k == 3)
        #expect(card.trialsAreUniform)
        #expect(card.tasksAllPassed == 2)
        #expect(card.passHatK == 0.5)
        // pass@1 = mean(3/3, 2/3, 0/3, 3/3)
        #expect(abs(card.passAt1 - (1 + 2.0 / 3 + 0 + 1) / 4) < 1e-12)
        // pass^2 = mean(C(3,2)/C(3,2), C(2,2)/C(3,2), 0, 1) = (1 + 1/3 + 0 + 1) / 4
        let passHat2 = try #require(card.passHat(2))
        #expect(abs(passHat2 - (1 + 1.0 / 3 + 0 + 1) / 4) < 1e-12)
        #expect(card.passHat(3) == card.passHatK)
        #expect(abs((card.passHat(1) ?? -1) - card.passAt1) < 1e-12)
        #expect(card.passHat(4) == nil)
        #expect(card.passHat(0) == nil)
    }

    @Test("per-check failures and faults are counted, most first then by name")
    func counts() {
        let card = Scorecard(episodes: Self.sample)
        #expect(card.checkFailures.map(\.name) == ["b", "a", "c"])
        #expect(card.checkFailures.map(\.count) == [3, 1, 1])
        #expect(card.faultCounts.map(\.id) == ["x", "y", "a-z"])
        #expect(card.faultCounts.map(\.count) == [2, 2, 1])
        #expect(card.failingEpisodes.map { "\($0.seed)/\($0.trial)" } == ["2/2", "3/1", "3/2", "3/3"])
    }

    @Test("nearest-rank percentiles")
    func percentiles() {
        #expect(Scorecard.nearestRank(Array(1...10), percent: 50) == 5)
        #expect(Scorecard.nearestRank(Array(1...10), percent: 99) == 10)
        #expect(Scorecard.nearestRank(Array(1...100), percent: 99) == 99)
        #expect(Scorecard.nearestRank(Array(1...100), percent: 50) == 50)
        #expect(Scorecard.nearestRank([10, 20, 30, 40], percent: 50) == 20)
        #expect(Scorecard.nearestRank([7], percent: 99) == 7)
        #expect(Scorecard.nearestRank([], percent: 50) == nil)

        // Across episodes: 1...200 ms split over two episodes, given out of order.
        let card = Scorecard(episodes: [
            Self.episode(1, 1, latencies: (101...200).reversed().map { Int64($0) }),
            Self.episode(2, 1, latencies: (1...100).map { Int64($0) }),
        ])
        #expect(card.callCount == 200)
        #expect(card.latencyP50Ms == 100)
        #expect(card.latencyP99Ms == 198)
        #expect(Scorecard(episodes: []).latencyP50Ms == nil)
    }

    @Test("uneven trials use the fewest as k and say so")
    func unevenTrials() {
        let card = Scorecard(episodes: [Self.episode(1, 1), Self.episode(1, 2), Self.episode(2, 1, ["a"])])
        #expect(card.k == 1)
        #expect(!card.trialsAreUniform)
        #expect(card.passHatK == 0.5)
        #expect(card.text.contains("pass^1     1/2 seeds (50.0%), k = fewest trials of any seed\n"))
    }

    @Test("text report is aligned, complete and independent of input order")
    func textReport() {
        let card = Scorecard(episodes: Self.sample)
        #expect(
            card.text == """
                scenario   crm-refund
                episodes   12 (4 seeds x 3 trials)
                passed     8/12 (66.7%)
                pass^3     2/4 seeds (50.0%)
                pass@1     66.7%
                latency    p50 100 ms, p99 100 ms (virtual, 12 calls)

                failing checks
                    3  b
                    1  a
                    1  c

                faults fired
                    2  x
                    2  y
                    1  a-z

                failing episodes
                  crm-refund seed 2 trial 2: b
                    trace   traces/crm-refund/seed-2-trial-2.jsonl
                    replay  simrun replay traces/crm-refund/seed-2-trial-2.jsonl
                  crm-refund seed 3 trial 1: a, b
                    trace   traces/crm-refund/seed-3-trial-1.jsonl
                    replay  simrun replay traces/crm-refund/seed-3-trial-1.jsonl
                  crm-refund seed 3 trial 2: b
                    trace   traces/crm-refund/seed-3-trial-2.jsonl
                    replay  simrun replay traces/crm-refund/seed-3-trial-2.jsonl
                  crm-refund seed 3 trial 3: c
                    trace   traces/crm-refund/seed-3-trial-3.jsonl
                    replay  simrun replay traces/crm-refund/seed-3-trial-3.jsonl

                """)
        let shuffled = Scorecard(episodes: Self.sample.reversed())
        #expect(shuffled.text == card.text)
        #expect(shuffled.json.canonicalText == card.json.canonicalText)
        #expect(shuffled == card)
    }

    @Test("JSON report carries the figures and the failing episodes")
    func jsonReport() throws {
        let json = Scorecard(episodes: Self.sample).json
        #expect(json["episode_count"] == 12)
        #expect(json["passed"] == 8)
        #expect(json["k"] == 3)
        #expect(json["pass_hat_k"] == 0.5)
        #expect(json["latency_ms"]?["p99"] == 100)
        #expect(json["check_failures"]?[0] == ["name": "b", "count": 3])
        #expect(json["faults"]?[2] == ["id": "a-z", "count": 1])
        let failing = try #require(json["failing"]?.arrayValue)
        #expect(failing.count == 4)
        #expect(failing[1]["failed_checks"] == ["a", "b"])
        #expect(failing[1]["replay"] == "simrun replay traces/crm-refund/seed-3-trial-1.jsonl")
        #expect(json["episodes"]?.arrayValue?.count == 12)
        let empty = Scorecard(episodes: []).json
        #expect(empty["latency_ms"]?["p50"] == .null)
        #expect(empty["pass_hat_k"] == 0)
    }

    @Test("a summary comes from a finished trace; replay commands quote paths")
    func summaryFromTrace() {
        var trace = Trace(header: RecordFixtures.header(seed: 9, trial: 2))
        trace.steps = [RecordFixtures.step(1, latency: 30, faults: ["outage"]), RecordFixtures.step(2, latency: 70)]
        #expect(EpisodeSummary(trace: trace, tracePath: "t.jsonl") == nil)
        trace.verdict = RecordFixtures.verdict
        let summary = EpisodeSummary(trace: trace, tracePath: "my traces/it's.jsonl")
        #expect(summary?.seed == 9 && summary?.trial == 2 && summary?.scenario == "crm-refund")
        #expect(summary?.callLatenciesMs == [30, 70])
        #expect(summary?.faultsFired == ["outage"])
        #expect(summary?.failedCheckNames == ["never over-refund", "no deletes"])
        #expect(summary?.virtualTimeMs == 2150)
        #expect(summary?.replayCommand == #"simrun replay 'my traces/it'\''s.jsonl'"#)
        #expect(EpisodeSummary.shellQuoted("traces/a-1.jsonl") == "traces/a-1.jsonl")
        #expect(EpisodeSummary.shellQuoted("") == "''")
        #expect(EpisodeSummary.shellQuoted("$(rm -rf)") == "'$(rm -rf)'")
    }
}
