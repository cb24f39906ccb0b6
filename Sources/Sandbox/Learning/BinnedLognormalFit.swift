import WorldModel

/// The maximum-likelihood lognormal of latencies known only by their bins: the `μ`, `σ` (of log
/// latency) that maximise `Σ_b w_b log p_b(μ, σ)`, where `w_b` is the (posterior-weighted) count
/// of latencies in bin `b` of `LatencyBins` and `p_b` the bin's share under the lognormal
/// (`LatencyBins.lognormalShares`).
///
/// This is the binned lognormal's exact M-step (`BaumWelch.lognormalShares`): the E-step and
/// the likelihood BIC compares see a call only by its bin, so the parameters that maximise that
/// likelihood are a function of the expected bin counts alone. The mean and variance of the raw
/// log latencies (the earlier M-step) maximise a different, continuous likelihood: with bins
/// fine where most calls are and wide elsewhere, that step is no EM step and the likelihood can
/// fall from one iteration to the next (the retail store's degraded regime settled at a median of
/// 772 ms for a truth of 897, its calls blended into healthy's upper bins).
///
/// Method: Newton's method on `α = μ/σ`, `β = 1/σ`, in which the log likelihood of interval-
/// grouped normal data is concave (each `log p_b` is the log of a log-concave density's mass
/// between two limits linear in `α`, `β`), from the moments of the raw log latencies, each step
/// halved until the likelihood does not fall. The gradient and Hessian are analytic; `Φ` and `φ`
/// are `DeterministicMath`'s, so the result is the same bits everywhere.
package enum BinnedLognormalFit {
    /// The fitted `μ` and `σ` of log latency.
    package struct Parameters: Sendable, Hashable {
        /// The mean of log latency.
        package var mean: Double
        /// The standard deviation of log latency.
        package var deviation: Double
    }

    /// The most Newton steps: from the moments, 97 % of the M-steps of crm-refund's sweep
    /// converge in 3 to 8; a regime whose weight all lies in one or two bins may have no finite
    /// maximum (its `σ` shrinks or its `μ` runs off without end) and stops here.
    static let maximumSteps = 40

    /// The maximum-likelihood `μ`, `σ` of `weights` (one per bin of `bins`, ≥ 0, positive total),
    /// starting from `start` (`deviation > 0`); `σ` stays at least `minimumDeviation`. With one
    /// bin, `start`.
    package static func fit(
        weights: [Double], bins: LatencyBins, start: Parameters, minimumDeviation: Double
    ) -> Parameters {
        precondition(weights.count == bins.count, "one weight per bin")
        precondition(start.deviation > 0 && minimumDeviation > 0, "a lognormal's deviation is positive")
        guard bins.count > 1 else { return start }
        let largestPrecision = 1 / minimumDeviation
        var alpha = start.mean / start.deviation
        var beta = 1 / start.deviation
        var current = evaluate(weights: weights, bins: bins, alpha: alpha, beta: beta)
        for _ in 0..<maximumSteps {
            // The Newton direction −H⁻¹g; stop unless H is negative definite.
            let (haa, hab, hbb) = current.hessian
            let determinant = haa * hbb - hab * hab
            guard haa < 0 && determinant > 0 && determinant.isFinite else { break }
            let da = -(hbb * current.ga - hab * current.gb) / determinant
            let db = -(haa * current.gb - hab * current.ga) / determinant
            // Half the Newton decrement: how much the step would gain, were L quadratic.
            let gain = 0.5 * (current.ga * da + current.gb * db)
            guard gain.isFinite && gain > 0 else { break }
            if gain <= quadraticGain {
                // Close to the maximum the quadratic model is exact to rounding, and comparing
                // likelihoods would be: take the whole step, unchecked, until it gains nothing.
                let b = beta + db
                guard b > 0 && b <= largestPrecision else { break }
                alpha += da
                beta = b
                if gain <= convergedGain { break }
                current = evaluate(weights: weights, bins: bins, alpha: alpha, beta: beta)
                continue
            }
            var step = 1.0
            var accepted = false
            for _ in 0..<maximumHalvings {
                let a = alpha + step * da
                let b = beta + step * db
                if b > 0 && b <= largestPrecision {
                    let next = evaluate(weights: weights, bins: bins, alpha: a, beta: b)
                    if next.logLikelihood >= current.logLikelihood {
                        alpha = a
                        beta = b
                        current = next
                        accepted = true
                        break
                    }
                }
                step *= 0.5
            }
            guard accepted else { break }
        }
        return Parameters(mean: alpha / beta, deviation: Swift.max(1 / beta, minimumDeviation))
    }

    /// Below this gain a Newton step is taken whole, without comparing likelihoods (a step's
    /// error then is of the order of its gain squared).
    static let quadraticGain = 1e-6

    /// A Newton step that would gain less log likelihood than this is the last.
    static let convergedGain = 1e-18

    /// The most halvings of one Newton step.
    static let maximumHalvings = 40

    /// `1/√(2π)`.
    static let inverseRootTwoPi = 0.398_942_280_401_432_7

    /// The log likelihood at `α`, `β`, its gradient and its Hessian.
    struct Evaluation {
        var logLikelihood: Double
        var ga: Double
        var gb: Double
        var hessian: (Double, Double, Double)
    }

    /// `Σ_b w_b log p_b` at `α`, `β`, with its first and second derivatives. Bin `b` lies between
    /// cuts `b − 1` and `b` (the first from −∞, the last to +∞); at cut `j`, `z = β c_j − α`, and
    /// `Φ(z)`'s derivatives are `−φ` (α), `c φ` (β), `−z φ` (α α), `z φ c` (α β), `−z φ c²` (β β).
    static func evaluate(weights: [Double], bins: LatencyBins, alpha: Double, beta: Double) -> Evaluation {
        let shares = bins.lognormalShares(mean: alpha / beta, deviation: 1 / beta)
        let cuts = bins.cuts
        // Each cut's derivatives of Φ(z): a, b, aa, ab, bb.
        var derivatives: [(Double, Double, Double, Double, Double)] = []
        derivatives.reserveCapacity(cuts.count)
        for c in cuts {
            let z = beta * c - alpha
            let phi = inverseRootTwoPi * DeterministicMath.exp(-0.5 * z * z)
            derivatives.append((-phi, c * phi, -z * phi, z * phi * c, -z * phi * c * c))
        }
        var result = Evaluation(logLikelihood: 0, ga: 0, gb: 0, hessian: (0, 0, 0))
        for b in 0..<shares.count where weights[b] > 0 {
            let upper = b < cuts.count ? derivatives[b] : (0, 0, 0, 0, 0)
            let lower = b > 0 ? derivatives[b - 1] : (0, 0, 0, 0, 0)
            let p = Swift.max(shares[b], Double.leastNormalMagnitude)
            let w = weights[b]
            let pa = (upper.0 - lower.0) / p
            let pb = (upper.1 - lower.1) / p
            result.logLikelihood += w * DeterministicMath.log(p)
            result.ga += w * pa
            result.gb += w * pb
            result.hessian.0 += w * ((upper.2 - lower.2) / p - pa * pa)
            result.hessian.1 += w * ((upper.3 - lower.3) / p - pa * pb)
            result.hessian.2 += w * ((upper.4 - lower.4) / p - pb * pb)
        }
        return result
    }
}
