import Testing
import WorldModel

@testable import Sandbox

/// Which calls count, and how much, towards a learned regime's latency: under the binned
/// lognormal the written lognormal is the posterior's over every call (the model's own), so a
/// slow regime keeps the part of its lower tail that lies in a fast regime's range.
@Suite("A regime's latency weights")
struct LatencyWeightTests {
    /// The retail store's two regimes: healthy 90/600 ms, degraded 900/6,000 ms with 15 %
    /// server errors and 5 % timeouts; per call healthy→degraded 0.05, degraded→healthy 0.4;
    /// every sequence starts in healthy and its first call moves on from there.
    static let medians = [90.0, 900.0]
    static let p99s = [600.0, 6000.0]
    static let transitions = [[0.95, 0.05], [0.4, 0.6]]
    static let serverErrors = [0.0, 0.15]
    static let timeouts = [0.0, 0.05]

    /// `count` two-call sequences of the retail store (as an agent's episode sees it), with the
    /// regime that served each call.
    static func episodes(count: Int, seed: UInt64) -> (calls: [[RecordedCall]], regimes: [[Int]]) {
        var calls: [[RecordedCall]] = []
        var regimes: [[Int]] = []
        for s in 0..<count {
            var rng = RandomStream(seed: seed, key: [.string("retail-weights"), .integer(Int64(s))])
            var regime = 0
            var sequence: [RecordedCall] = []
            var served: [Int] = []
            for t in 0..<2 {
                if rng.nextDouble() < transitions[regime][1 - regime] { regime = 1 - regime }
                let mu = DeterministicMath.log(medians[regime])
                let sigma = (DeterministicMath.log(p99s[regime]) - mu) / LatencyDistribution.normalP99
                let latency = rng.nextLognormal(mu: mu, sigma: sigma).rounded()
                let u = rng.nextDouble()
                let outcome: OutcomeClass =
                    u < serverErrors[regime]
                    ? .serverError : u < serverErrors[regime] + timeouts[regime] || latency > 8000 ? .timeout : .ok
                sequence.append(
                    RecordedCall(
                        atMs: Double(t) * 1000, tool: "get", arguments: [:], outcome: outcome,
                        status: outcome == .ok ? 200 : outcome == .timeout ? 504 : 500,
                        latencyMs: outcome == .timeout ? 8000 : latency, body: ""))
                served.append(regime)
            }
            calls.append(sequence)
            regimes.append(served)
        }
        return (calls, regimes)
    }

    /// The true model over the calls' bins, its latency emission of `family`.
    static func trueModel(_ sequences: [[CallObservation]], family: LatencyFamily) -> HiddenMarkovModel {
        let bins = LatencyBins(sequences)
        let outcomes = (0..<2).map { i in
            OutcomeClass.allCases.map { c -> Double in
                switch c {
                case .ok: 1 - serverErrors[i] - timeouts[i]
                case .serverError: serverErrors[i]
                case .timeout: timeouts[i]
                default: 0
                }
            }
        }
        let shares = (0..<2).map { i in
            let mu = DeterministicMath.log(medians[i])
            return bins.lognormalShares(
                mean: mu, deviation: (DeterministicMath.log(p99s[i]) - mu) / LatencyDistribution.normalP99)
        }
        return HiddenMarkovModel(
            startShares: [1, 0], transitions: transitions, outcomes: outcomes, latencyBins: bins,
            latencyShares: shares, latencyFamily: family)
    }

    /// The log-latency standard deviation of the calls `regime` truly served (with a latency).
    static func trueDeviation(_ data: (calls: [[RecordedCall]], regimes: [[Int]]), regime: Int) -> Double {
        var logs: [Double] = []
        for (sequence, served) in zip(data.calls, data.regimes) {
            for (call, r) in zip(sequence, served) where r == regime && call.outcome != .timeout {
                logs.append(DeterministicMath.log(call.latencyMs!))
            }
        }
        let mean = logs.reduce(0, +) / Double(logs.count)
        return (logs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(logs.count)).squareRoot()
    }

    /// The regimes `describe` writes for `model` over `data`.
    static func described(_ data: [[RecordedCall]], _ model: HiddenMarkovModel) -> [ServiceDynamics.Regime] {
        let sequences = data.map { $0.map { CallObservation($0) } }
        let fit = BaumWelch.Fit(model: model, logLikelihood: 0, restart: 0, iterations: 0)
        return DynamicsLearner().describe(
            service: "store", fit: fit, sequences: sequences, calls: data, candidates: [], notes: []
        ).regimes
    }

    @Test("at the true lognormal model, the slow regime's written σ is its calls' (its lower tail kept)")
    func lognormalKeepsTheLowerTail() throws {
        let data = Self.episodes(count: 8000, seed: 14)
        let sequences = data.calls.map { $0.map { CallObservation($0) } }
        let regimes = Self.described(data.calls, Self.trueModel(sequences, family: .lognormal))
        let degraded = try #require(regimes[1].latency)
        let truth = Self.trueDeviation(data, regime: 1)
        // Counting only calls with a posterior of at least 0.1 gave σ about 0.1 low (a p99 about
        // 20 % low): the degraded calls at 150–500 ms each have a small posterior, together a
        // tenth of the regime.
        #expect(abs(degraded.sigma - truth) <= 0.03, "σ \(degraded.sigma) against the calls' \(truth)")
        guard case .lognormal(let median, let p99) = degraded.distribution else {
            Issue.record("expected a lognormal, got \(degraded.distribution)")
            return
        }
        #expect(abs(median / 900 - 1) <= 0.05)
        #expect(abs(p99 / 6000 - 1) <= 0.10)
        // Healthy, the regime of most calls, is unchanged by the weights either way.
        let healthy = try #require(regimes[0].latency)
        #expect(abs(healthy.sigma - Self.trueDeviation(data, regime: 0)) <= 0.02)
    }

    /// The weighted median of `values` (the smallest whose cumulative weight reaches half).
    static func weightedMedian(_ values: [Double], _ weights: [Double]) -> Double {
        let order = values.indices.sorted { values[$0] < values[$1] }
        let total = weights.reduce(0, +)
        var cumulative = 0.0
        for index in order {
            cumulative += weights[index]
            if cumulative >= total / 2 { return values[index] }
        }
        return values[order.last!]
    }

    @Test("a lognormal regime's reported quantiles weigh each call by the written lognormals at its own latency")
    func reportedQuantilesLookInsideBins() throws {
        let data = Self.episodes(count: 8000, seed: 14)
        let sequences = data.calls.map { $0.map { CallObservation($0) } }
        let model = Self.trueModel(sequences, family: .lognormal)
        let regimes = Self.described(data.calls, model)
        let degraded = try #require(regimes[1].latency)
        // The calls degraded truly served, and every call weighed by the model's own posterior,
        // the same for every call in a bin.
        var served: [Double] = []
        var latencies: [Double] = []
        var binned: [Double] = []
        for ((sequence, calls), truth) in zip(zip(sequences, data.calls), data.regimes) {
            let posterior = model.forwardBackward(sequence)
            for t in sequence.indices where sequence[t].logLatency != nil {
                latencies.append(calls[t].latencyMs!)
                binned.append(posterior.gamma[t][1])
                if truth[t] == 1 { served.append(calls[t].latencyMs!) }
            }
        }
        let truth = LatencyFit.quantile(0.5, ofSorted: served.sorted())
        let byBins = Self.weightedMedian(latencies, binned)
        // Weighed by bins, the healthy calls near the lower edge of a wide bin count as much as
        // the degraded ones near its upper edge: the median comes out low.
        #expect(byBins < truth * 0.96, "by bins \(byBins), truth \(truth)")
        #expect(
            abs(degraded.observedMedian / truth - 1) <= 0.02, "reported \(degraded.observedMedian), truth \(truth)")
        // The lognormal written is still the binned model's own.
        #expect(abs(degraded.sigma - Self.trueDeviation(data, regime: 1)) <= 0.03)
    }

    @Test("under free shares a call counts only with a posterior of at least 0.1")
    func freeSharesKeepTheThreshold() throws {
        let data = Self.episodes(count: 8000, seed: 14)
        let sequences = data.calls.map { $0.map { CallObservation($0) } }
        let lognormal = try #require(
            Self.described(data.calls, Self.trueModel(sequences, family: .lognormal))[1].latency)
        let free = try #require(Self.described(data.calls, Self.trueModel(sequences, family: .freeShares))[1].latency)
        // The same posterior (the same shares), fewer calls: the lower tail is cut.
        #expect(free.count < lognormal.count)
        #expect(free.sigma < lognormal.sigma - 0.05)
        #expect(free.mu > lognormal.mu)
    }
}

/// The binned lognormal's M-step: the maximum-likelihood `μ`, `σ` of latencies known by their bins.
@Suite("The binned lognormal's maximum-likelihood fit")
struct BinnedLognormalFitTests {
    /// Eight hand-made bins between log latency 3 and 8 (the cuts are their upper bounds).
    static let bins = LatencyBins(upperBounds: [3, 4, 4.5, 5, 5.5, 6, 7, 8])

    static func logLikelihood(_ weights: [Double], mean: Double, deviation: Double) -> Double {
        zip(weights, bins.lognormalShares(mean: mean, deviation: deviation)).reduce(0) {
            $0 + $1.0 * DeterministicMath.log(max($1.1, 1e-300))
        }
    }

    @Test("expected counts of a lognormal give back its μ and σ, from a start far off")
    func recoversExactShares() {
        let weights = Self.bins.lognormalShares(mean: 5.2, deviation: 0.8).map { $0 * 1000 }
        let fitted = BinnedLognormalFit.fit(
            weights: weights, bins: Self.bins, start: .init(mean: 3, deviation: 3), minimumDeviation: 0.001)
        #expect(abs(fitted.mean - 5.2) <= 1e-6, "μ \(fitted.mean)")
        #expect(abs(fitted.deviation - 0.8) <= 1e-6, "σ \(fitted.deviation)")
    }

    @Test("the fit is the maximum: no nearby μ, σ has a higher binned likelihood, and it beats the start")
    func isTheMaximum() {
        // Skewed counts no lognormal fits exactly.
        let weights = [2, 30, 80, 41, 12, 9, 3, 1.5]
        let start = BinnedLognormalFit.Parameters(mean: 4.6, deviation: 0.9)
        let fitted = BinnedLognormalFit.fit(weights: weights, bins: Self.bins, start: start, minimumDeviation: 0.001)
        let best = Self.logLikelihood(weights, mean: fitted.mean, deviation: fitted.deviation)
        #expect(best > Self.logLikelihood(weights, mean: start.mean, deviation: start.deviation))
        for dm in [-0.01, -0.001, 0, 0.001, 0.01] {
            for ds in [-0.01, -0.001, 0, 0.001, 0.01] {
                #expect(
                    Self.logLikelihood(weights, mean: fitted.mean + dm, deviation: fitted.deviation + ds) <= best + 1e-9
                )
            }
        }
    }

    @Test("weight in one bin has no finite maximum: the fit stays finite, σ at least its floor")
    func degenerate() {
        var weights = Array(repeating: 0.0, count: Self.bins.count)
        weights[4] = 50
        let fitted = BinnedLognormalFit.fit(
            weights: weights, bins: Self.bins, start: .init(mean: 5.2, deviation: 0.1), minimumDeviation: 0.001)
        #expect(fitted.mean.isFinite && fitted.deviation.isFinite)
        #expect(fitted.deviation >= 0.001)
        // Its bin still holds nearly all the lognormal's mass.
        #expect(Self.bins.lognormalShares(mean: fitted.mean, deviation: fitted.deviation)[4] > 0.99)
    }

    @Test("the lognormal family's Baum–Welch steps never lower the likelihood (an exact EM step)")
    func likelihoodNeverFalls() {
        // The retail store's overlapping regimes, where the moments of the raw log latencies under
        // the binned E-step lowered the likelihood from the fourth step on.
        let data = LatencyWeightTests.episodes(count: 2000, seed: 5)
        let sequences = data.calls.map { $0.map { CallObservation($0) } }
        let block = ObservationBlock(sequences)
        let fitter = BaumWelch()
        var model = fitter.start(block, regimes: 2, restart: 0)
        model.latencyFamily = .lognormal
        model = BaumWelch.startingInOneRegime(model)
        let workspace = BaumWelch.Workspace(block, regimes: 2)
        var previous = -Double.infinity
        for iteration in 0..<60 {
            let (next, logLikelihood) = fitter.step(model, block, workspace)
            #expect(
                logLikelihood >= previous - 1e-9 * abs(logLikelihood),
                "step \(iteration): \(previous) → \(logLikelihood)")
            previous = logLikelihood
            model = next
        }
    }
}

@Suite("Which lognormal a binned lognormal regime writes")
struct WrittenLognormalTests {
    @Test("the bins resolve a shape only when three bins each hold 5 % of the regime's weight")
    func binsResolveShape() {
        // crm-refund's billing healthy regime: nearly all its weight in the lowest bin.
        #expect(!DynamicsLearner.binsResolveShape([223, 1] + Array(repeating: 0, count: 12)))
        // The retail store's degraded regime: its lower tail reaches two bins below the top one.
        #expect(DynamicsLearner.binsResolveShape([0, 0, 0, 0.1, 0.1, 0.2, 0.4, 1, 1.7, 3.1, 18.2, 63.3, 197.4]))
        #expect(!DynamicsLearner.binsResolveShape([0, 0, 0, 0.1, 0.1, 0.2, 0.4, 1, 1.7, 3.1, 8, 63.3, 197.4]))
    }

    @Test("a regime whose calls fill one bin writes its calls' median, not the bins' limit")
    func unresolvedRegimeWritesItsCalls() throws {
        // Fast calls at 25–35 ms, a tenth of them: with bins of equal counts over the service
        // they share its lowest bin, whose binned lognormal has no finite shape.
        let data = LatencyWeightTests.episodes(count: 4000, seed: 3)
        let sequences = data.calls.map { $0.map { CallObservation($0) } }
        var model = LatencyWeightTests.trueModel(sequences, family: .lognormal)
        let lowest = model.latencyBins.upperBounds[0]
        // Healthy's shares all in the lowest bin (as a fitted model with such a regime has them).
        model.latencyShares[0] = model.latencyShares[0].indices.map { $0 == 0 ? 1 - 1e-9 : 1e-9 / 12 }
        let regimes = LatencyWeightTests.described(data.calls, model)
        let fast = try #require(regimes[0].latency)
        // Whatever its weight, the written median lies among the latencies it weighed.
        #expect(
            fast.mu <= lowest + 0.5 && fast.mu >= DeterministicMath.log(10), "μ \(fast.mu), lowest bin to \(lowest)")
    }
}
