import Foundation
import WorldModel

/// The likelihoods of a latency distribution, which `RegimePosterior` reads: they need `log` and
/// `erfc` from the platform's `libm`, so they live with that analysis, outside the world model
/// (which draws samples with `DeterministicMath` alone).
extension LatencyDistribution {
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
