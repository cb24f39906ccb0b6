import WorldModel

/// The latency distribution of one regime, learned from the latencies of the calls it served:
/// a lognormal when a Kolmogorov–Smirnov test accepts one, empirical quantiles otherwise.
package struct LatencyFit: Sendable, Hashable {
    /// The distribution chosen.
    package var distribution: LatencyDistribution
    /// The lognormal fitted by maximum likelihood (`mu`, `sigma` of the log latency).
    package var mu: Double
    /// See `mu`.
    package var sigma: Double
    /// The KS statistic of the lognormal against the latencies.
    package var ksStatistic: Double
    /// Its critical value at α = 0.05, `1.358 / √n`.
    package var ksCritical: Double
    /// How many latencies the fit saw.
    package var count: Int
    /// The observed median and 99th percentile (type-7 quantiles), in milliseconds.
    package var observedMedian: Double
    /// See `observedMedian`.
    package var observedP99: Double

    /// Whether the KS test accepted the lognormal.
    package var lognormalAccepted: Bool { ksStatistic <= ksCritical }

    /// The probabilities of the empirical quantiles written for fewer than 2,500 latencies when
    /// the lognormal is rejected.
    package static let quantileProbabilities = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0]

    /// The probabilities of the empirical quantiles written for `count` latencies (the effective
    /// number for weighted ones): `quantileProbabilities` below 2,500, else every 1/20th, 1/50th
    /// or 1/100th (from 2,500, 10,000 and 40,000 latencies: a step near `2/√count`) with the tails'
    /// 0.001, 0.005, 0.01, 0.99, 0.995, 0.999 and 1.
    ///
    /// Why: the simulation draws between two quantiles linearly (`LatencyDistribution.sample`),
    /// so the written distribution strays from the calls' by a part of the step between them,
    /// and the KS statistic `simrun fidelity` judges it by shrinks as `1.358/√count`. Ten
    /// quantiles of crm-refund's degraded billing calls (52,000 from 20,000 episodes) strayed by
    /// 0.019 against a critical value of 0.006; a step near `2/√count` keeps the stray well
    /// inside it while small samples keep a few quantiles they can support.
    package static func quantileProbabilities(latencies count: Int) -> [Double] {
        let denominator: Int
        switch count {
        case ..<2_500: return quantileProbabilities
        case ..<10_000: denominator = 20
        case ..<40_000: denominator = 50
        default: denominator = 100
        }
        let steps = (1..<denominator).map { Double($0) / Double(denominator) }
        let tails = [0.001, 0.005, 0.01, 0.99, 0.995, 0.999, 1.0]
        return Set(steps + tails).sorted()
    }

    /// The KS critical value's coefficient at α = 0.05 (asymptotic, `√(−ln(α/2)/2)`).
    package static let ksCoefficient = 1.358

    /// Fits `latencies` (milliseconds, at least one). Parameters are estimated from the same
    /// data, so the test is conservative (it accepts somewhat more often than α says); latencies
    /// that are all whole milliseconds are compared as rounded values (each `v` as the interval
    /// `[v − 0.5, v + 0.5]`), so rounding alone never rejects a lognormal.
    ///
    /// With `weights` (one per latency, ≥ 0, not all 0), each latency counts with its weight: a
    /// regime's latencies weighted by the posterior probability that the regime served each call
    /// (the soft assignment Baum–Welch fits with). Giving each call to its most probable regime
    /// instead cuts overlapping regimes apart at their crossing: a slow regime loses its fast
    /// calls to the fast one, and its median comes out too high (ticket-triage's busy helpdesk,
    /// 600 ms, was learned at 710). The weighted fit's `mu` and `sigma` are the lognormal the
    /// KS test judges; quantiles are of the weighted distribution (the smallest latency whose
    /// cumulative weight reaches the probability); the KS critical value uses the effective
    /// number of latencies `(Σw)² / Σw²`, which is also `count`.
    ///
    /// With `lognormal` (`μ`, `σ` of log latency, `σ > 0`), that lognormal is the one judged and
    /// written instead of the latencies' own: a fitted model's, e.g. a binned lognormal regime's
    /// maximum-likelihood one (`DynamicsLearner`), which the weighted moments would not give back
    /// when the weights were computed from bins. With `cuts` too (log latencies: the bins' cuts),
    /// the KS statistic is the largest distance at the cuts alone, the edges of the bins the
    /// lognormal was fitted to: weights computed from bins are the same for every latency in a
    /// bin, so their weighted distribution is the regime's at the bins' edges but not inside a
    /// bin (`DynamicsLearner` passes weights from the written lognormals, which are).
    package init(
        latencies: [Double], weights: [Double]? = nil, lognormal: BinnedLognormalFit.Parameters? = nil,
        cuts: [Double] = []
    ) {
        precondition(!latencies.isEmpty, "a latency fit needs at least one latency")
        precondition(weights == nil || weights!.count == latencies.count, "one weight per latency")
        precondition(lognormal.map { $0.deviation > 0 } ?? true, "a lognormal's deviation is positive")
        precondition(cuts.isEmpty || lognormal != nil, "cuts judge a given lognormal")
        guard let weights else {
            self.init(sorted: latencies.sorted(), cumulative: nil, lognormal: lognormal, cuts: cuts)
            return
        }
        let order = latencies.indices.sorted { latencies[$0] < latencies[$1] }
        var cumulative: [Double] = []
        cumulative.reserveCapacity(order.count)
        var total = 0.0
        for index in order {
            total += weights[index]
            cumulative.append(total)
        }
        precondition(total > 0, "latency weights must not all be 0")
        self.init(sorted: order.map { latencies[$0] }, cumulative: cumulative, lognormal: lognormal, cuts: cuts)
        let squares = weights.reduce(0) { $0 + $1 * $1 }
        count = Int((total * total / squares).rounded(.toNearestOrAwayFromZero))
        ksCritical = Self.ksCoefficient / (total * total / squares).squareRoot()
        let sorted = order.map { latencies[$0] }
        distribution = Self.distribution(
            mu: mu, sigma: sigma, accepted: ksStatistic <= ksCritical, latencies: count,
            quantile: { Self.quantile($0, ofSorted: sorted, cumulative: cumulative) })
    }

    /// The fit of sorted latencies, each weighing `cumulative[i] − cumulative[i − 1]` (1 when nil),
    /// judging `lognormal` when given (at `cuts` alone when there are any), else their own
    /// weighted moments.
    private init(sorted: [Double], cumulative: [Double]?, lognormal: BinnedLognormalFit.Parameters?, cuts: [Double]) {
        let logs = sorted.map { DeterministicMath.log(Swift.max($0, 0.5)) }
        let weight = { (i: Int) in cumulative.map { $0[i] - (i == 0 ? 0 : $0[i - 1]) } ?? 1 }
        let n = cumulative?.last ?? Double(sorted.count)
        let mu: Double
        let sigma: Double
        if let lognormal {
            mu = lognormal.mean
            sigma = lognormal.deviation
        } else {
            var sum = 0.0
            for (i, log) in logs.enumerated() { sum += weight(i) * log }
            mu = sum / n
            var squares = 0.0
            for (i, log) in logs.enumerated() { squares += weight(i) * (log - mu) * (log - mu) }
            sigma = (squares / n).squareRoot()
        }
        self.mu = mu
        self.sigma = sigma
        self.count = sorted.count
        let quantile = { (p: Double) in
            cumulative.map { Self.quantile(p, ofSorted: sorted, cumulative: $0) } ?? Self.quantile(p, ofSorted: sorted)
        }
        self.observedMedian = quantile(0.5)
        self.observedP99 = quantile(0.99)
        self.ksCritical = Self.ksCoefficient / n.squareRoot()
        let rounded = sorted.allSatisfy { $0 == $0.rounded() }
        if cuts.isEmpty {
            self.ksStatistic = Self.ksStatistic(sorted: sorted, cumulative: cumulative, rounded: rounded) { x in
                guard x > 0 else { return 0 }
                guard sigma > 0 else { return DeterministicMath.log(x) >= mu ? 1 : 0 }
                return Self.normalCDF((DeterministicMath.log(x) - mu) / sigma)
            }
        } else {
            // The weighted share at or below each cut against the lognormal's.
            var distance = 0.0
            var index = 0
            for cut in cuts {
                while index < logs.count && logs[index] <= cut { index += 1 }
                let below = index == 0 ? 0 : (cumulative.map { $0[index - 1] } ?? Double(index)) / n
                distance = Swift.max(distance, Swift.abs(below - Self.normalCDF((cut - mu) / sigma)))
            }
            self.ksStatistic = distance
        }
        distribution = Self.distribution(
            mu: mu, sigma: sigma, accepted: ksStatistic <= ksCritical, latencies: sorted.count, quantile: quantile)
    }

    /// The lognormal of `mu` and `sigma` when the KS test accepted it, else the empirical
    /// quantiles at `quantileProbabilities(latencies:)` of `count` latencies.
    static func distribution(
        mu: Double, sigma: Double, accepted: Bool, latencies count: Int, quantile: (Double) -> Double
    ) -> LatencyDistribution {
        if accepted && sigma > 0 {
            let median = Self.rounded(DeterministicMath.exp(mu), digits: 1)
            let p99 = Swift.max(
                Self.rounded(DeterministicMath.exp(mu + sigma * LatencyDistribution.normalP99), digits: 1), median)
            return .lognormal(median: median, p99: p99)
        }
        return .empirical(
            quantiles: Self.quantileProbabilities(latencies: count).map {
                LatencyQuantile(probability: $0, milliseconds: Self.rounded(quantile($0), digits: 1))
            })
    }

    /// The largest distance between the empirical distribution of `sorted` (each value weighing
    /// the step of `cumulative`, or 1) and `cdf`.
    static func ksStatistic(sorted: [Double], cumulative: [Double]?, rounded: Bool, cdf: (Double) -> Double)
        -> Double
    {
        let n = cumulative?.last ?? Double(sorted.count)
        let upTo = { (end: Int) in end == 0 ? 0 : (cumulative.map { $0[end - 1] } ?? Double(end)) / n }
        var distance = 0.0
        var index = 0
        while index < sorted.count {
            let value = sorted[index]
            var end = index
            while end < sorted.count && sorted[end] == value { end += 1 }
            let lower = cdf(rounded ? value - 0.5 : value)
            let upper = cdf(rounded ? value + 0.5 : value)
            distance = Swift.max(distance, Swift.abs(upTo(index) - lower), Swift.abs(upTo(end) - upper))
            index = end
        }
        return distance
    }

    /// The weighted quantile of sorted values: the smallest value whose cumulative weight
    /// reaches `p` of the total.
    static func quantile(_ p: Double, ofSorted sorted: [Double], cumulative: [Double]) -> Double {
        let target = p * (cumulative.last ?? 0)
        var low = 0
        var high = sorted.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] >= target { high = middle } else { low = middle + 1 }
        }
        return sorted[low]
    }

    /// The type-7 (linear interpolation) quantile of sorted values.
    package static func quantile(_ p: Double, ofSorted sorted: [Double]) -> Double {
        guard let first = sorted.first else { return 0 }
        let position = p * Double(sorted.count - 1)
        let low = Int(position)
        guard low + 1 < sorted.count else { return sorted.last ?? first }
        let fraction = position - Double(low)
        return sorted[low] + fraction * (sorted[low + 1] - sorted[low])
    }

    /// The standard normal distribution function (`DeterministicMath.normalCDF`: Numerical
    /// Recipes' `erfcc`, fractional error below 1.2·10⁻⁷, the same bits everywhere).
    package static func normalCDF(_ z: Double) -> Double { DeterministicMath.normalCDF(z) }

    /// `value` rounded half away from zero to `digits` decimals, for figures written to files.
    package static func rounded(_ value: Double, digits: Int) -> Double {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }
}
