/// The difference of two proportions (simulated minus recorded) with its confidence interval,
/// by the normal approximation (the Wald interval with unpooled variance):
/// `(p₂ − p₁) ± z·√(p₁(1 − p₁)/n₁ + p₂(1 − p₂)/n₂)`.
///
/// It treats every call as independent; calls of one sequence are not (regimes persist), so the
/// interval is somewhat narrower than the truth. A fidelity check fails a rate only when the
/// whole interval lies beyond a practical tolerance (`FidelityThresholds`), not merely when it
/// leaves out zero.
package struct ProportionDifference: Sendable, Hashable {
    /// The recorded count (calls of the class).
    package var recordedCount: Int
    /// The recorded total (all calls).
    package var recordedTotal: Int
    /// The simulated count.
    package var simulatedCount: Int
    /// The simulated total.
    package var simulatedTotal: Int
    /// `p₂ − p₁`.
    package var difference: Double
    /// The interval's lower end.
    package var low: Double
    /// The interval's upper end.
    package var high: Double

    /// The difference of the simulated and recorded shares (totals positive) with its interval at
    /// the normal quantile `z` (1.96 for 95 %).
    package init(recordedCount: Int, recordedTotal: Int, simulatedCount: Int, simulatedTotal: Int, z: Double) {
        precondition(recordedTotal > 0 && simulatedTotal > 0, "proportions need positive totals")
        self.recordedCount = recordedCount
        self.recordedTotal = recordedTotal
        self.simulatedCount = simulatedCount
        self.simulatedTotal = simulatedTotal
        let p1 = Double(recordedCount) / Double(recordedTotal)
        let p2 = Double(simulatedCount) / Double(simulatedTotal)
        difference = p2 - p1
        let spread = z * (p1 * (1 - p1) / Double(recordedTotal) + p2 * (1 - p2) / Double(simulatedTotal)).squareRoot()
        low = difference - spread
        high = difference + spread
    }

    /// The recorded share.
    package var recordedShare: Double { Double(recordedCount) / Double(recordedTotal) }
    /// The simulated share.
    package var simulatedShare: Double { Double(simulatedCount) / Double(simulatedTotal) }
    /// Whether the whole interval lies beyond ±`tolerance`: the shares differ by more than
    /// `tolerance` at the interval's confidence (with 0, whether the interval leaves out zero).
    package func exceeds(tolerance: Double) -> Bool {
        FidelityFigure.settled(low) > FidelityFigure.settled(tolerance) || isBelow(by: tolerance)
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
