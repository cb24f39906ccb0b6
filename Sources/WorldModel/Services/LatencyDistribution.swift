import Foundation

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
/// negative value; `probability(ofSample:)` is the exact probability of each such result, which
/// the regime posterior uses as the latency likelihood. Sampling never traps, even on a
/// distribution that `validate(path:)` would reject.
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

    /// The probability that `sample(using:)` returns exactly `ms`: the mass of the
    /// distribution in the 1-ms bucket that rounds to `ms` (`[ms − ½, ms + ½)`, and everything
    /// below ½ for 0).
    package func probability(ofSample ms: Int64) -> Double {
        guard ms >= 0 else { return 0 }
        switch self {
        case .fixed(let fixed):
            return Swift.max(fixed, 0) == ms ? 1 : 0
        case .uniform:
            let (low, high) = uniformBounds
            guard ms >= low && ms <= high else { return 0 }
            return 1 / (Double(high) - Double(low) + 1)
        case .lognormal, .empirical:
            let upper = probability(below: Double(ms) + 0.5)
            let lower = ms == 0 ? 0 : probability(below: Double(ms) - 0.5)
            return Swift.min(Swift.max(upper - lower, 0), 1)
        }
    }

    /// The probability that the continuous (unrounded) latency is strictly below `x` ms.
    /// For `fixed` and `uniform`, which have no continuous form, this is the probability that a
    /// sample is below `x`.
    package func probability(below x: Double) -> Double {
        switch self {
        case .fixed(let ms):
            return Double(Swift.max(ms, 0)) < x ? 1 : 0
        case .uniform:
            let (low, high) = uniformBounds
            let count = (x - Double(low)).rounded(.up)  // integers k with low <= k < x
            return Swift.min(Swift.max(count / (Double(high) - Double(low) + 1), 0), 1)
        case .lognormal(let median, _):
            guard x > 0, let (mu, sigma) = lognormalParameters else { return 0 }
            guard sigma > 0 else { return median < x ? 1 : 0 }
            let z = (Foundation.log(x) - mu) / sigma
            return 0.5 * erfc(-z / 2.0.squareRoot())
        case .empirical(let quantiles):
            return Self.empiricalProbability(below: x, quantiles)
        }
    }

    /// The probability density of the continuous (unrounded) latency at `x` ms, per ms.
    ///
    /// Point masses (`fixed`, a zero-width lognormal, the empirical first and last points and
    /// segments with equal latencies) have no density and contribute 0; `uniform` is treated
    /// as continuous over `[min − ½, max + ½)`, which rounds to the same samples. For likelihoods
    /// of observed whole-millisecond latencies prefer `probability(ofSample:)`, which accounts
    /// for point masses.
    package func density(at x: Double) -> Double {
        switch self {
        case .fixed:
            return 0
        case .uniform:
            let (low, high) = uniformBounds
            guard x >= Double(low) - 0.5 && x < Double(high) + 0.5 else { return 0 }
            return 1 / (Double(high) - Double(low) + 1)
        case .lognormal:
            guard x > 0, let (mu, sigma) = lognormalParameters, sigma > 0 else { return 0 }
            let z = (Foundation.log(x) - mu) / sigma
            return Foundation.exp(-0.5 * z * z) / (x * sigma * (2 * Double.pi).squareRoot())
        case .empirical(let points):
            var total = 0.0
            for index in points.indices.dropLast() {
                let a = points[index]
                let b = points[index + 1]
                if b.milliseconds > a.milliseconds && x >= a.milliseconds && x < b.milliseconds {
                    total += (b.probability - a.probability) / (b.milliseconds - a.milliseconds)
                }
            }
            return Swift.max(total, 0)
        }
    }

    /// Checks the parameters; `path` names this distribution in error messages.
    package func validate(path: String = "latency") throws(ServiceModelError) {
        switch self {
        case .fixed(let ms):
            guard ms >= 0 else {
                throw .invalidValue(path: "\(path).ms", expected: "a latency ≥ 0", found: String(ms))
            }
        case .uniform(let min, let max):
            guard min >= 0 else {
                throw .invalidValue(path: "\(path).min_ms", expected: "a latency ≥ 0", found: String(min))
            }
            guard max >= min else {
                throw .invalidValue(
                    path: "\(path).max_ms", expected: "a latency ≥ min_ms (\(min))", found: String(max))
            }
        case .lognormal(let median, let p99):
            guard median.isFinite && median > 0 else {
                throw .invalidValue(
                    path: "\(path).median_ms", expected: "a finite latency > 0", found: median.errorText)
            }
            guard p99.isFinite && p99 >= median else {
                throw .invalidValue(
                    path: "\(path).p99_ms", expected: "a finite latency ≥ median_ms (\(median.errorText))",
                    found: p99.errorText)
            }
        case .empirical(let quantiles):
            guard !quantiles.isEmpty else {
                throw .invalidValue(path: "\(path).quantiles", expected: "at least one [p, ms] pair", found: "[]")
            }
            var previous: LatencyQuantile? = nil
            for (index, point) in quantiles.enumerated() {
                let here = "\(path).quantiles[\(index)]"
                guard point.probability > 0 && point.probability <= 1 else {
                    throw .invalidValue(
                        path: here, expected: "a probability in (0, 1]", found: point.probability.errorText)
                }
                guard point.milliseconds.isFinite && point.milliseconds >= 0 else {
                    throw .invalidValue(
                        path: here, expected: "a finite latency ≥ 0", found: point.milliseconds.errorText)
                }
                if let previous {
                    guard point.probability > previous.probability else {
                        throw .invalidValue(
                            path: here,
                            expected: "a probability above the previous one (\(previous.probability.errorText))",
                            found: point.probability.errorText)
                    }
                    guard point.milliseconds >= previous.milliseconds else {
                        throw .invalidValue(
                            path: here,
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
    private var uniformBounds: (Int64, Int64) {
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

    /// P(X < x) for the empirical distribution: a point mass of the first probability at the
    /// first latency, mass spread uniformly (or concentrated, for equal latencies) between
    /// consecutive points, and the rest at the last latency.
    static func empiricalProbability(below x: Double, _ points: [LatencyQuantile]) -> Double {
        guard let first = points.first, let last = points.last else { return 0 }
        var total = first.milliseconds < x ? first.probability : 0
        for index in points.indices.dropLast() {
            let a = points[index]
            let b = points[index + 1]
            let mass = b.probability - a.probability
            if b.milliseconds > a.milliseconds {
                let fraction = (x - a.milliseconds) / (b.milliseconds - a.milliseconds)
                total += mass * Swift.min(Swift.max(fraction, 0), 1)
            } else if a.milliseconds < x {
                total += mass
            }
        }
        if last.milliseconds < x { total += 1 - last.probability }
        return Swift.min(Swift.max(total, 0), 1)
    }
}
