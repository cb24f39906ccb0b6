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

    /// The probabilities of the empirical quantiles written when the lognormal is rejected.
    package static let quantileProbabilities = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0]

    /// The KS critical value's coefficient at α = 0.05 (asymptotic, `√(−ln(α/2)/2)`).
    package static let ksCoefficient = 1.358

    /// Fits `latencies` (milliseconds, at least one). Parameters are estimated from the same
    /// data, so the test is conservative (it accepts somewhat more often than α says); latencies
    /// that are all whole milliseconds are compared as rounded values (each `v` as the interval
    /// `[v − 0.5, v + 0.5]`), so rounding alone never rejects a lognormal.
    package init(latencies: [Double]) {
        precondition(!latencies.isEmpty, "a latency fit needs at least one latency")
        let sorted = latencies.sorted()
        let logs = sorted.map { DeterministicMath.log(Swift.max($0, 0.5)) }
        let n = Double(sorted.count)
        let mu = logs.reduce(0, +) / n
        let sigma = (logs.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / n).squareRoot()
        self.mu = mu
        self.sigma = sigma
        self.count = sorted.count
        self.observedMedian = Self.quantile(0.5, ofSorted: sorted)
        self.observedP99 = Self.quantile(0.99, ofSorted: sorted)
        self.ksCritical = Self.ksCoefficient / n.squareRoot()
        let rounded = sorted.allSatisfy { $0 == $0.rounded() }
        self.ksStatistic = Self.ksStatistic(sorted: sorted, rounded: rounded) { x in
            guard x > 0 else { return 0 }
            guard sigma > 0 else { return DeterministicMath.log(x) >= mu ? 1 : 0 }
            return Self.normalCDF((DeterministicMath.log(x) - mu) / sigma)
        }
        if ksStatistic <= ksCritical && sigma > 0 {
            let median = Self.rounded(DeterministicMath.exp(mu), digits: 1)
            let p99 = Swift.max(
                Self.rounded(DeterministicMath.exp(mu + sigma * LatencyDistribution.normalP99), digits: 1), median)
            distribution = .lognormal(median: median, p99: p99)
        } else {
            distribution = .empirical(
                quantiles: Self.quantileProbabilities.map {
                    LatencyQuantile(
                        probability: $0, milliseconds: Self.rounded(Self.quantile($0, ofSorted: sorted), digits: 1))
                })
        }
    }

    /// The largest distance between the empirical distribution of `sorted` and `cdf`.
    static func ksStatistic(sorted: [Double], rounded: Bool, cdf: (Double) -> Double) -> Double {
        let n = Double(sorted.count)
        var distance = 0.0
        var index = 0
        while index < sorted.count {
            let value = sorted[index]
            var end = index
            while end < sorted.count && sorted[end] == value { end += 1 }
            let below = Double(index) / n
            let upTo = Double(end) / n
            let lower = cdf(rounded ? value - 0.5 : value)
            let upper = cdf(rounded ? value + 0.5 : value)
            distance = Swift.max(distance, Swift.abs(below - lower), Swift.abs(upTo - upper))
            index = end
        }
        return distance
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

    /// The standard normal distribution function, from the complementary error function of
    /// Numerical Recipes (`erfcc`, fractional error below 1.2·10⁻⁷), with `DeterministicMath.exp`
    /// so the same argument gives the same bits everywhere.
    package static func normalCDF(_ z: Double) -> Double {
        let x = -z / 2.0.squareRoot()
        let a = Swift.abs(x)
        let t = 1 / (1 + 0.5 * a)
        var poly = 0.170_872_77
        for coefficient in [
            -0.822_152_23, 1.488_515_87, -1.135_203_98, 0.278_868_07, -0.186_288_06, 0.096_784_18, 0.374_091_96,
            1.000_023_68, -1.265_512_23,
        ] {
            poly = coefficient + t * poly
        }
        let erfc = t * DeterministicMath.exp(-a * a + poly)
        let value = x >= 0 ? erfc : 2 - erfc
        return 0.5 * value
    }

    /// `value` rounded half away from zero to `digits` decimals, for figures written to files.
    package static func rounded(_ value: Double, digits: Int) -> Double {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }
}
