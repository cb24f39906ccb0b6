import Testing
import WorldModel

@testable import Sandbox

/// A two-regime service (fast and slow) whose slow regime a schedule may force from the start
/// of every sequence, as crm-refund forces its billing service's degraded regime from 0 to 20 s.
struct ScheduledService {
    /// Calls inside `[0, forcedUntilMs)` are served by the slow regime; 0 for no schedule.
    var forcedUntilMs: Double
    /// Where every sequence's chain starts, before its first call (0 fast, 1 slow).
    var initial = 1
    /// The probability of staying in each regime on the next call.
    var stay = [0.95, 0.7]

    /// The least and the most time between two calls of a sequence, in milliseconds (drawn
    /// uniformly, so a call's time and its position in its sequence are far from tied).
    var gapMs: ClosedRange<Double> = 100...1500

    /// `count` sequences of `length` calls, the first after one gap; every call, the first too,
    /// moves on from the regime before it (as the simulator moves from `initial`); after the
    /// window the chain goes on from the regime that served the last call.
    func sequences(count: Int, length: Int, seed: UInt64) -> [[RecordedCall]] {
        let regimes: [(median: Double, p99: Double, serverError: Double, timeout: Double)] = [
            (100, 600, 0.01, 0), (2000, 9000, 0.2, 0.05),
        ]
        return (0..<count).map { s in
            var rng = RandomStream(seed: seed, key: [.string("scheduled"), .integer(Int64(s))])
            var regime = initial
            var atMs = 0.0
            return (0..<length).map { t in
                atMs += (gapMs.lowerBound + rng.nextDouble() * (gapMs.upperBound - gapMs.lowerBound)).rounded(.down)
                if rng.nextDouble() >= stay[regime] { regime = 1 - regime }
                if atMs < forcedUntilMs { regime = 1 }
                let r = regimes[regime]
                let mu = DeterministicMath.log(r.median)
                let sigma = (DeterministicMath.log(r.p99) - mu) / LatencyDistribution.normalP99
                let latency = rng.nextLognormal(mu: mu, sigma: sigma).rounded()
                let u = rng.nextDouble()
                let outcome: OutcomeClass =
                    u < r.serverError ? .serverError : u < r.serverError + r.timeout ? .timeout : .ok
                return RecordedCall(
                    atMs: atMs, tool: "get", arguments: [:], outcome: outcome,
                    status: outcome == .ok ? 200 : outcome == .timeout ? 504 : 500,
                    latencyMs: outcome == .timeout ? 8000 : latency, body: "")
            }
        }
    }
}

@Suite("Schedules: regimes forced over a window of time")
struct ScheduleInferenceTests {
    @Test("a window from the sequences' start is learned with from_ms 0, ending at the first calls outside")
    func windowFromStart() throws {
        let world = ScheduledService(forcedUntilMs: 3000)
        let data = world.sequences(count: 300, length: 12, seed: 21)
        let dynamics = try #require(DynamicsLearner().learn(service: "billing", sequences: data))
        // Without the schedule the chain mimics the window with a copy of the slow regime that
        // stays longer; the search takes the copies together and the refit needs neither.
        #expect(dynamics.regimes.count == 2, "\(dynamics.candidates)")
        let window = try #require(dynamics.schedule.first, "\(dynamics.scheduleFinding)")
        #expect(dynamics.schedule.count == 1)
        // The slow regime (the second by median) from 0: no call came before the window.
        #expect(window.regime == 1)
        #expect(window.fromMs == 0)
        #expect(window.lastCallBeforeMs == nil)
        // The end is placed just after the last call inside, which is at most the first call
        // outside; both lie near 3,000 ms (300 sequences call every 0.1–1.5 s, a few calls per
        // 10 ms; the slow regime goes on serving some calls after the window, by its own moves).
        let after = try #require(window.firstCallAfterMs)
        #expect(window.toMs <= Int64(after.rounded(.down)), "to \(window.toMs), first call after \(after)")
        #expect(window.toMs >= 2950 && window.toMs <= 3050, "to \(window.toMs)")
        #expect(after >= 3000 && after <= 3060, "first call after \(after)")
        #expect(window.sequences == 300)
        #expect(dynamics.scheduleFinding.hasPrefix("schedule: regime_2 forced from 0 to \(window.toMs) ms"))
        #expect(dynamics.scheduleFinding.contains("it starts at the sequences' start (no call came before it)"))
        // Its calls are the slow regime's evidence: median 2 s, server errors 0.2.
        let slow = dynamics.regimes[1]
        #expect(abs(try #require(slow.latency).observedMedian / 2000 - 1) <= 0.10)
        #expect(abs(slow.share(.serverError) - 0.2) <= 0.03)
        // The same calls give the same dynamics.
        #expect(DynamicsLearner().learn(service: "billing", sequences: data) == dynamics)
    }

    @Test("sequences that start in a sticky regime get no schedule: the chain's start explains them")
    func stickyStartIsNoSchedule() throws {
        // No window: every sequence starts slow and stays there a few calls by the chain alone.
        let world = ScheduledService(forcedUntilMs: 0, initial: 1, stay: [0.95, 0.8])
        let data = world.sequences(count: 300, length: 12, seed: 22)
        let dynamics = try #require(DynamicsLearner().learn(service: "billing", sequences: data))
        #expect(dynamics.regimes.count == 2, "\(dynamics.candidates)")
        #expect(dynamics.schedule.isEmpty, "\(dynamics.scheduleFinding)")
        #expect(dynamics.scheduleFinding.hasPrefix("no schedule: "))
    }

    @Test("a window's edges: from 0 when the earliest call is in it, otherwise its first call's millisecond")
    func writtenEdges() {
        let decoded = (0..<40).map { i in
            ScheduleInference.Pooled(
                atMs: Double(i) * 10.5, sequence: i, position: 0, regime: i < 30 ? 1 : 0, posterior: [0, 1])
        }
        let times = decoded.map { Int64($0.atMs.rounded(.down)) }
        let fromStart = ScheduleInference.window(decoded, times: times, first: 0, end: 30, regime: 1)
        #expect(fromStart.fromMs == 0 && fromStart.toMs == 305)
        #expect(fromStart.lastCallBeforeMs == nil && fromStart.firstCallAfterMs == 315)
        #expect(fromStart.calls == 30 && fromStart.share == 1)
        let later = ScheduleInference.window(decoded, times: times, first: 2, end: 40, regime: 1)
        #expect(later.fromMs == 21 && later.toMs == 410)
        #expect(later.lastCallBeforeMs == 10.5 && later.firstCallAfterMs == nil)
        #expect(later.calls == 38 && abs(later.share - 28.0 / 38) < 1e-12)
    }
}
