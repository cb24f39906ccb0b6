import Testing
import WorldModel

@testable import Sandbox

/// A known world to learn back: regimes with lognormal latency and error shares, per-call moves.
struct SyntheticService {
    struct Regime {
        var median: Double
        var p99: Double
        var serverError: Double
        var timeout: Double = 0
    }
    var regimes: [Regime]
    /// `stay[i]`: the probability of staying in regime `i` on the next call; the rest moves to the
    /// next regime (cyclically).
    var stay: [Double]
    var timeoutMs = 8000.0

    /// `count` sequences of `length` calls each, drawn from seed `seed`.
    func sequences(count: Int, length: Int, seed: UInt64) -> [[RecordedCall]] {
        (0..<count).map { s in
            var rng = RandomStream(seed: seed, key: [.string("synthetic"), .integer(Int64(s))])
            var regime = 0
            return (0..<length).map { t in
                if t > 0 && rng.nextDouble() >= stay[regime] { regime = (regime + 1) % regimes.count }
                let r = regimes[regime]
                let u = rng.nextDouble()
                let mu = DeterministicMath.log(r.median)
                let sigma = (DeterministicMath.log(r.p99) - mu) / LatencyDistribution.normalP99
                let latency = rng.nextLognormal(mu: mu, sigma: sigma).rounded()
                let outcome: OutcomeClass =
                    u < r.serverError ? .serverError : u < r.serverError + r.timeout ? .timeout : .ok
                return RecordedCall(
                    atMs: Double(t) * 1000, tool: "get", arguments: [:], outcome: outcome,
                    status: outcome == .ok ? 200 : outcome == .timeout ? 504 : 500,
                    latencyMs: outcome == .timeout ? timeoutMs : latency, body: "")
            }
        }
    }
}

@Suite("Learning a service's dynamics")
struct DynamicsLearnerTests {
    static let twoRegimes = SyntheticService(
        regimes: [
            .init(median: 120, p99: 900, serverError: 0.02),
            .init(median: 2000, p99: 9000, serverError: 0.2, timeout: 0.05),
        ],
        stay: [0.95, 0.7])

    @Test("two regimes are recovered: count, error shares, medians, p99 and transitions")
    func recoversTwoRegimes() throws {
        let data = Self.twoRegimes.sequences(count: 40, length: 60, seed: 7)
        let dynamics = try #require(DynamicsLearner().learn(service: "billing", sequences: data))
        #expect(dynamics.regimes.count == 2)
        #expect(dynamics.calls == 2400)
        for (learned, truth) in zip(dynamics.regimes, Self.twoRegimes.regimes) {
            #expect(abs(learned.share(.serverError) - truth.serverError) <= 0.03)
            #expect(abs(learned.share(.timeout) - truth.timeout) <= 0.03)
            let fit = try #require(learned.latency)
            #expect(abs(fit.observedMedian / truth.median - 1) <= 0.10)
            // The issue's 20 % is for 2,000-episode sweeps; a regime of a few hundred calls has a
            // noisier 99th percentile (22 % here with each call given to its most probable regime,
            // 33 % with the posterior-weighted fit, whose weighted quantile also takes a share of
            // the other regime's calls), so this unit test allows 35 %.
            #expect(abs(fit.observedP99 / truth.p99 - 1) <= 0.35)
        }
        #expect(abs(dynamics.model.transitions[0][1] / 0.05 - 1) <= 0.3)
        #expect(abs(dynamics.model.transitions[1][0] / 0.3 - 1) <= 0.3)
        #expect(dynamics.timeoutMs == 8000)
        #expect(dynamics.initialRegime == 0)
        // The alternatives were fitted and rejected by BIC, with figures.
        let rejected = dynamics.candidates.filter { $0.regimes != 2 }
        #expect(rejected.allSatisfy { $0.bic != nil && $0.rejection?.contains("BIC") == true })
    }

    @Test("the same calls always give byte-identical dynamics")
    func deterministic() throws {
        let data = Self.twoRegimes.sequences(count: 20, length: 50, seed: 3)
        let first = try #require(DynamicsLearner().learn(service: "s", sequences: data))
        let second = try #require(DynamicsLearner().learn(service: "s", sequences: data))
        #expect(first.scenarioJSON.canonicalText == second.scenarioJSON.canonicalText)
        #expect(first == second)
    }

    @Test("one steady regime is one regime, and its lognormal latency passes the KS test")
    func oneRegime() throws {
        let steady = SyntheticService(regimes: [.init(median: 150, p99: 800, serverError: 0.05)], stay: [1])
        let dynamics = try #require(
            DynamicsLearner().learn(service: "s", sequences: steady.sequences(count: 10, length: 200, seed: 1)))
        #expect(dynamics.regimes.count == 1)
        let fit = try #require(dynamics.regimes[0].latency)
        #expect(fit.lognormalAccepted)
        guard case .lognormal(let median, let p99) = fit.distribution else {
            Issue.record("expected a lognormal, got \(fit.distribution)")
            return
        }
        #expect(abs(median / 150 - 1) <= 0.1)
        #expect(abs(p99 / 800 - 1) <= 0.2)
        #expect(abs(dynamics.regimes[0].share(.serverError) - 0.05) <= 0.03)
        #expect(dynamics.notes.contains { $0.contains("no timeout_ms") })
    }

    @Test("too few calls: more regimes are refused as not enough calls, not fitted")
    func tooFewCalls() throws {
        let data = Self.twoRegimes.sequences(count: 1, length: 40, seed: 5)
        let dynamics = try #require(DynamicsLearner().learn(service: "s", sequences: data))
        #expect(dynamics.regimes.count == 1)
        for candidate in dynamics.candidates where candidate.regimes > 1 {
            #expect(candidate.bic == nil)
            #expect(
                candidate.rejection?.hasPrefix("not enough calls to fit \(candidate.regimes) regimes: 40 calls") == true
            )
        }
        let forced = try #require(DynamicsLearner(regimes: .fixed(3)).learn(service: "s", sequences: data))
        #expect(forced.regimes.count == 1)
        #expect(forced.notes.contains { $0.contains("not enough calls to fit 3 regimes") })
        #expect(DynamicsLearner().learn(service: "s", sequences: [[]]) == nil)
    }

    @Test("a latency no lognormal fits is written as empirical quantiles")
    func empiricalLatency() {
        // Two tight clusters (10 ms and 1000 ms) in one regime: the KS test rejects a lognormal.
        let latencies: [Double] = (0..<400).map { (index: Int) -> Double in
            index % 2 == 0 ? Double(10 + index % 3) : Double(1000 + index % 7)
        }
        let fit = LatencyFit(latencies: latencies)
        #expect(!fit.lognormalAccepted)
        guard case .empirical(let quantiles) = fit.distribution else {
            Issue.record("expected empirical quantiles, got \(fit.distribution)")
            return
        }
        let probabilities: [Double] = quantiles.map { (point: LatencyQuantile) -> Double in point.probability }
        #expect(probabilities == LatencyFit.quantileProbabilities)
        #expect(quantiles.last?.milliseconds == 1006)
        #expect((try? fit.distribution.validate()) != nil)
    }

    @Test("the normal distribution function is accurate to 1e-6")
    func normalCDF() {
        #expect(abs(LatencyFit.normalCDF(0) - 0.5) < 1e-6)
        #expect(abs(LatencyFit.normalCDF(1.959_963_985) - 0.975) < 1e-6)
        #expect(abs(LatencyFit.normalCDF(-LatencyDistribution.normalP99) - 0.01) < 1e-6)
    }

    @Test("the learned service is a scenario services entry with regimes, errors and transitions")
    func scenarioEntry() throws {
        let data = Self.twoRegimes.sequences(count: 40, length: 60, seed: 7)
        let dynamics = try #require(DynamicsLearner().learn(service: "billing", sequences: data))
        let json = dynamics.scenarioJSON
        #expect(json["timeout_ms"] == .int(8000))
        #expect(json["initial"] == "regime_1")
        #expect(json["regimes"]?["regime_2"]?["errors"]?["server_error"] != nil)
        #expect(json["transitions"]?["regime_1"]?["regime_2"] != nil)
    }
}
