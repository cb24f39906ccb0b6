/// How long a service takes to answer a call in one regime, in whole milliseconds.
///
/// Mirrors the scenario file's `latency` objects:
/// - `fixed(ms:)`: always `ms`;
/// - `uniform(min:max:)`: an integer uniform over `min...max`, both included;
/// - `lognormal(median:p99:)`: a lognormal with the given median and 99th percentile, i.e.
///   `mu = ln(median)`, `sigma = (ln(p99) − ln(median)) / 2.3263478740408408` (the standard normal's
///   99th percentile);
/// - `empirical(quantiles:)`: the quantile function through the given points, linear between
///   them; a draw below the first point's probability gives the first point's latency, a draw
///   above the last point's probability the last point's latency.
///
/// `sample(using:)` rounds half away from zero to whole milliseconds and never returns a
/// negative value. Sampling never traps, even on a distribution that `validate()` would
/// reject. (The likelihoods the regime posterior reads, `probability(ofSample:)` and friends, live
/// with that analysis in Sandbox: they need the platform's `libm`, which the world model does not.)
package enum LatencyDistribution: Sendable, Hashable {
    /// Always the same latency.
    case fixed(ms: Int64)
    /// Uniform over whole milliseconds `min...max`.
    case uniform(min: Int64, max: Int64)
    /// Lognormal with the given median and 99th percentile (milliseconds, `0 < median ≤ p99`).
    case lognormal(median: Double, p99: Double)
    /// Piecewise-linear quantile function through points with strictly increasing probabilities
    /// in `(0, 1]` and non-decreasing latencies.
    case empirical(quantiles: [LatencyQuantile])

    /// The standard normal distribution's 99th percentile, Φ⁻¹(0.99).
    package static let normalP99 = 2.326_347_874_040_840_8

    /// The largest latency a sample can have (about 31 700 years), so conversion never overflows.
    package static let maximumMilliseconds: Int64 = 1_000_000_000_000_000

    /// `mu` and `sigma` of the underlying normal of a `lognormal` distribution (nil otherwise).
    package var lognormalParameters: (mu: Double, sigma: Double)? {
        guard case .lognormal(let median, let p99) = self else { return nil }
        let mu = DeterministicMath.log(median)
        return (mu, (DeterministicMath.log(p99) - mu) / Self.normalP99)
    }

    /// Draws a latency in whole milliseconds.
    ///
    /// Words consumed: `fixed` none, `uniform` one (rarely more), `lognormal` a normal draw
    /// (about 2.5), `empirical` one. Use a stream dedicated to this decision so a change of
    /// distribution does not shift other draws.
    package func sample(using rng: inout RandomStream) -> Int64 {
        switch self {
        case .fixed(let ms):
            return Swift.max(ms, 0)
        case .uniform:
            let (low, high) = uniformBounds
            return rng.nextInt(in: low...high)
        case .lognormal:
            guard let (mu, sigma) = lognormalParameters else { return 0 }
            return Self.wholeMilliseconds(rng.nextLognormal(mu: mu, sigma: sigma))
        case .empirical(let quantiles):
            return Self.wholeMilliseconds(Self.quantile(rng.nextDouble(), of: quantiles))
        }
    }

    /// Checks the parameters; errors are located in the distribution (`ServiceModelLocation`).
    package func validate() throws(ServiceModelError) {
        switch self {
        case .fixed(let ms):
            guard ms >= 0 else {
                throw .invalidValue(
                    at: ServiceModelLocation(.latencyFixed), expected: "a latency ≥ 0", found: String(ms))
            }
        case .uniform(let min, let max):
            guard min >= 0 else {
                throw .invalidValue(
                    at: ServiceModelLocation(.latencyMinimum), expected: "a latency ≥ 0", found: String(min))
            }
            guard max >= min else {
                throw .invalidValue(
                    at: ServiceModelLocation(.latencyMaximum), expected: "a latency ≥ the minimum (\(min))",
                    found: String(max))
            }
        case .lognormal(let median, let p99):
            guard median.isFinite && median > 0 else {
                throw .invalidValue(
                    at: ServiceModelLocation(.latencyMedian), expected: "a finite latency > 0", found: median.errorText)
            }
            guard p99.isFinite && p99 >= median else {
                throw .invalidValue(
                    at: ServiceModelLocation(.latencyP99),
                    expected: "a finite latency ≥ the median (\(median.errorText))",
                    found: p99.errorText)
            }
        case .empirical(let quantiles):
            guard !quantiles.isEmpty else {
                throw .invalidValue(
                    at: ServiceModelLocation(.latencyQuantiles), expected: "at least one quantile", found: "[]")
            }
            var previous: LatencyQuantile? = nil
            for (index, point) in quantiles.enumerated() {
                let here = ServiceModelLocation(.latencyQuantile(index))
                guard point.probability > 0 && point.probability <= 1 else {
                    throw .invalidValue(
                        at: here, expected: "a probability in (0, 1]", found: point.probability.errorText)
                }
                guard point.milliseconds.isFinite && point.milliseconds >= 0 else {
                    throw .invalidValue(
                        at: here, expected: "a finite latency ≥ 0", found: point.milliseconds.errorText)
                }
                if let previous {
                    guard point.probability > previous.probability else {
                        throw .invalidValue(
                            at: here,
                            expected: "a probability above the previous one (\(previous.probability.errorText))",
                            found: point.probability.errorText)
                    }
                    guard point.milliseconds >= previous.milliseconds else {
                        throw .invalidValue(
                            at: here,
                            expected: "a latency ≥ the previous one (\(previous.milliseconds.errorText))",
                            found: point.milliseconds.errorText)
                    }
                }
                previous = point
            }
        }
    }

    // MARK: - Internals

    /// `uniform`'s bounds, ordered and clamped to ≥ 0 so sampling never traps.
    package var uniformBounds: (Int64, Int64) {
        guard case .uniform(let a, let b) = self else { return (0, 0) }
        return (Swift.max(Swift.min(a, b), 0), Swift.max(Swift.max(a, b), 0))
    }

    /// Rounds half away from zero to whole milliseconds, clamped to `0...maximumMilliseconds`;
    /// NaN gives 0.
    static func wholeMilliseconds(_ x: Double) -> Int64 {
        guard x > 0 else { return 0 }  // also NaN
        let rounded = x.rounded(.toNearestOrAwayFromZero)
        guard rounded < Double(maximumMilliseconds) else { return maximumMilliseconds }
        return Int64(rounded)
    }

    /// The empirical quantile function at `u` (see the type's documentation).
    static func quantile(_ u: Double, of points: [LatencyQuantile]) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        if !(u >= first.probability) { return first.milliseconds }
        for index in points.indices.dropLast() {
            let a = points[index]
            let b = points[index + 1]
            if u < b.probability {
                let width = b.probability - a.probability
                guard width > 0 else { return b.milliseconds }
                return a.milliseconds + (u - a.probability) / width * (b.milliseconds - a.milliseconds)
            }
        }
        return last.milliseconds
    }
}
