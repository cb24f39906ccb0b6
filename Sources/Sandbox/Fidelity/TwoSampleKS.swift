import WorldModel

/// The two-sample Kolmogorov–Smirnov test: do two samples come from the same distribution?
///
/// The statistic `D` is the largest distance between the two empirical distribution functions;
/// the samples differ at level α when `D` exceeds `c(α)·√((n + m)/(n·m))`, with the asymptotic
/// coefficient `c(α) = √(−ln(α/2)/2)` (1.358 at α = 0.05, the coefficient `LatencyFit`'s
/// one-sample test uses). Ties (whole-millisecond latencies, burst lengths) are handled by
/// stepping both functions over all equal values at once, which makes the test conservative
/// for discrete data.
package enum TwoSampleKS {
    /// `D` for samples `a` and `b` (each non-empty).
    package static func statistic(_ a: [Double], _ b: [Double]) -> Double {
        precondition(!a.isEmpty && !b.isEmpty, "the two-sample KS statistic needs two non-empty samples")
        let x = a.sorted()
        let y = b.sorted()
        let n = Double(x.count)
        let m = Double(y.count)
        var i = 0
        var j = 0
        var distance = 0.0
        while i < x.count || j < y.count {
            let value = Swift.min(i < x.count ? x[i] : .infinity, j < y.count ? y[j] : .infinity)
            while i < x.count && x[i] == value { i += 1 }
            while j < y.count && y[j] == value { j += 1 }
            distance = Swift.max(distance, Swift.abs(Double(i) / n - Double(j) / m))
        }
        return distance
    }

    /// `c(α) = √(−ln(α/2)/2)`, for 0 < α < 1.
    package static func coefficient(alpha: Double) -> Double {
        precondition(alpha > 0 && alpha < 1, "α is a probability in (0, 1) (the CLI checks it)")
        return (-DeterministicMath.log(alpha / 2) / 2).squareRoot()
    }

    /// The critical value of `D` at level α for samples of sizes `n` and `m`.
    package static func critical(n: Int, m: Int, alpha: Double) -> Double {
        precondition(n > 0 && m > 0, "sample sizes are positive")
        return coefficient(alpha: alpha) * (Double(n + m) / (Double(n) * Double(m))).squareRoot()
    }
}
