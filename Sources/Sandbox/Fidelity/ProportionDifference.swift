import WorldModel

/// The difference of two proportions (simulated minus recorded) with its confidence interval,
/// by the normal approximation (the Wald interval with unpooled variance):
/// `(p₂ − p₁) ± z·√(p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂)`.
///
/// `init(recordedCount:…)` treats every call as independent. Calls of one sequence are not
/// (regimes persist), so a fidelity check's rates use `init(recorded:simulated:z:)`, which takes
/// the calls in clusters (one per recorded sequence) and uses each share's cluster-robust
/// variance instead. A fidelity check fails a rate only when the whole interval lies beyond a
/// practical tolerance (`FidelityThresholds`), not merely when it leaves out zero.
package struct ProportionDifference: Sendable, Hashable {
    /// The recorded count (calls of the class).
    package var recordedCount: Int
    /// The recorded total (all calls).
    package var recordedTotal: Int
    /// The simulated count.
    package var simulatedCount: Int
    /// The simulated total.
    package var simulatedTotal: Int
    /// The recorded share: `recordedCount / recordedTotal`, or the standardized share given
    /// (`init(recordedShare:recordedVariance:recordedTotal:simulatedCount:simulatedTotal:z:)`).
    package var recordedShare: Double
    /// `p₂ − p₁`.
    package var difference: Double
    /// The interval's lower end.
    package var low: Double
    /// The interval's upper end.
    package var high: Double
    /// The standard error of the difference, `√(v₁ + v₂)`: the interval is `difference ± z·this`.
    package var standardError: Double

    /// The difference of the simulated and recorded shares (totals positive) with its interval at
    /// the normal quantile `z` (1.96 for 95 %).
    package init(recordedCount: Int, recordedTotal: Int, simulatedCount: Int, simulatedTotal: Int, z: Double) {
        precondition(recordedTotal > 0 && simulatedTotal > 0, "proportions need positive totals")
        let variance = { (count: Int, total: Int) -> Double in
            let p = Double(count) / Double(total)
            return p * (1 - p) / Double(total)
        }
        self.init(
            recordedCount: recordedCount, recordedTotal: recordedTotal,
            recordedVariance: variance(recordedCount, recordedTotal), simulatedCount: simulatedCount,
            simulatedTotal: simulatedTotal, simulatedVariance: variance(simulatedCount, simulatedTotal), z: z)
    }

    /// The difference of a simulated share (a count of a positive total, binomial variance) and a
    /// recorded share that is not a plain count: a *standardized* share, a weighted mean of shares
    /// in strata, given with its variance and the number of observations it was formed from
    /// (`recordedTotal`, positive). `recordedShare` is that share as given; `recordedCount` its
    /// nearest whole count of `recordedTotal`, for display only.
    package init(
        recordedShare: Double, recordedVariance: Double, recordedTotal: Int, simulatedCount: Int, simulatedTotal: Int,
        z: Double
    ) {
        precondition(recordedTotal > 0 && simulatedTotal > 0, "proportions need positive totals")
        precondition((0...1).contains(recordedShare) && recordedVariance >= 0, "a share lies in [0, 1]")
        let p = Double(simulatedCount) / Double(simulatedTotal)
        self.init(
            recordedCount: Int((recordedShare * Double(recordedTotal)).rounded(.toNearestOrAwayFromZero)),
            recordedTotal: recordedTotal, recordedVariance: recordedVariance, simulatedCount: simulatedCount,
            simulatedTotal: simulatedTotal, simulatedVariance: p * (1 - p) / Double(simulatedTotal), z: z,
            recordedShare: recordedShare)
    }

    /// The difference of two shares given as counts of totals (positive), with the interval at
    /// `z` from the sum of the shares' variances: the one place both kinds of interval are formed.
    /// `recordedShare`, when given, is the recorded share itself (a standardized share), else
    /// `recordedCount / recordedTotal`.
    private init(
        recordedCount: Int, recordedTotal: Int, recordedVariance: Double, simulatedCount: Int, simulatedTotal: Int,
        simulatedVariance: Double, z: Double, recordedShare: Double? = nil
    ) {
        self.recordedCount = recordedCount
        self.recordedTotal = recordedTotal
        self.simulatedCount = simulatedCount
        self.simulatedTotal = simulatedTotal
        self.recordedShare = recordedShare ?? Double(recordedCount) / Double(recordedTotal)
        difference = Double(simulatedCount) / Double(simulatedTotal) - self.recordedShare
        standardError = (recordedVariance + simulatedVariance).squareRoot()
        let spread = z * standardError
        low = difference - spread
        high = difference + spread
    }

    /// One cluster of calls (a recorded sequence, or all replays of one): how many are of the
    /// class, of how many.
    package struct Cluster: Sendable, Hashable {
        /// Calls of the class.
        package var count: Int
        /// All calls.
        package var total: Int

        /// A cluster of `count` calls of the class among `total` (`0 ≤ count ≤ total`).
        package init(count: Int, total: Int) {
            precondition(count >= 0 && count <= total, "a cluster's count lies between 0 and its total")
            self.count = count
            self.total = total
        }
    }

    /// The difference of the shares of calls taken in clusters (totals positive), with its
    /// interval at `z` from each share's cluster-robust (linearised ratio) variance,
    /// `K/(K − 1) · Σₖ (cₖ − p·tₖ)² / T²` over the K clusters with `T = Σ tₖ` (with one cluster, the
    /// binomial `p(1 − p)/T`). When a regime lasts several calls the calls of a sequence err
    /// together, and this variance is larger than the binomial one by that design effect, so a
    /// faithful scenario's interval covers its difference at the stated confidence.
    package init(recorded: [Cluster], simulated: [Cluster], z: Double) {
        let share = { (clusters: [Cluster]) -> (count: Int, total: Int, variance: Double) in
            let count = clusters.reduce(0) { $0 + $1.count }
            let total = clusters.reduce(0) { $0 + $1.total }
            precondition(total > 0, "proportions need positive totals")
            let p = Double(count) / Double(total)
            let t = Double(total)
            let k = clusters.filter { $0.total > 0 }.count
            guard k > 1 else { return (count, total, p * (1 - p) / t) }
            let squares = clusters.reduce(0.0) { sum, cluster in
                let residual = Double(cluster.count) - p * Double(cluster.total)
                return sum + residual * residual
            }
            return (count, total, Double(k) / Double(k - 1) * squares / (t * t))
        }
        let (c1, t1, v1) = share(recorded)
        let (c2, t2, v2) = share(simulated)
        self.init(
            recordedCount: c1, recordedTotal: t1, recordedVariance: v1, simulatedCount: c2, simulatedTotal: t2,
            simulatedVariance: v2, z: z)
    }

    /// The simulated share.
    package var simulatedShare: Double { Double(simulatedCount) / Double(simulatedTotal) }
    /// Whether the whole interval lies beyond ±`tolerance`: the shares differ by more than
    /// `tolerance` at the interval's confidence (with 0, whether the interval leaves out zero).
    package func exceeds(tolerance: Double) -> Bool {
        FidelityFigure.settled(low) > FidelityFigure.settled(tolerance) || isBelow(by: tolerance)
    }

    /// The p-value of the tolerance test `exceeds(tolerance:)` makes: of the hypothesis that the
    /// shares differ by at most `tolerance`, `2·(1 − Φ((|d| − tolerance)/se))` capped at 1. The
    /// whole interval at level α lies beyond ±`tolerance` exactly when `(|d| − tolerance)/se >
    /// z(α/2)`, i.e. when this is below α, so a figure failing when its p-value is at most α
    /// fails as its interval does (but for the last digits of the arithmetic), and one p-value
    /// serves every level a multiple-testing correction holds the figure to. Two-sided, as the
    /// interval is: each direction is tested at half the level. With no spread (`se` 0) it is 0
    /// when `|d|` is beyond the tolerance and 1 when not.
    package func pValue(tolerance: Double) -> Double {
        let excess = Swift.abs(difference) - tolerance
        guard standardError > 0 else {
            return FidelityFigure.settled(Swift.abs(difference)) > FidelityFigure.settled(tolerance) ? 0 : 1
        }
        return Swift.min(1, 2 * DeterministicMath.normalUpperTail(excess / standardError))
    }

    /// Whether the whole interval lies below −`tolerance`: the simulated share is lower by more
    /// than `tolerance` at the interval's confidence (an agreement below its baseline).
    package func isBelow(by tolerance: Double) -> Bool {
        FidelityFigure.settled(high) < FidelityFigure.settled(-tolerance)
    }

    /// The two-sided normal quantile for level α: `z` with `Φ(z) = 1 − α/2` (1.959964 at
    /// α = 0.05), found by bisection on `LatencyFit.normalCDF` so it is the same everywhere.
    package static func normalQuantile(alpha: Double) -> Double {
        precondition(alpha > 0 && alpha < 1, "α is a probability in (0, 1) (the CLI checks it)")
        let target = 1 - alpha / 2
        var low = 0.0
        var high = 40.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if LatencyFit.normalCDF(middle) < target { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
