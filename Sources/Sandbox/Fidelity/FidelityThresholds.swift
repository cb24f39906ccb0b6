/// The limits a fidelity check holds each figure to, with the defaults `simrun fidelity`
/// documents.
package struct FidelityThresholds: Sendable, Hashable {
    /// The significance level (default 0.05): of the family of tested figures (KS figures and
    /// rates) under `correction`, and of each figure's shown KS critical value and rate interval
    /// (95 %).
    package var alpha: Double
    /// How the tested figures are held to `alpha` together (default Holm's step-down).
    package var correction: FidelityCorrection
    /// The tolerated difference of an outcome class's share (simulated − recorded): a rate fails
    /// only when its whole confidence interval lies beyond ±this, i.e. the data show a larger
    /// difference with the interval's confidence (default 0.03).
    package var maximumErrorRateDifference: Double
    /// The smallest share of simulated successful bodies that must match the schema inferred from
    /// the recorded ones (default 0.95).
    package var minimumSchemaAgreement: Double
    /// The smallest share of compared read calls whose simulated body must equal the recorded one
    /// (default 0.95).
    package var minimumBodyAgreement: Double
    /// The fewest observations each side of a figure needs (latencies, calls, bursts, dwell
    /// times, bodies) before it is computed; below it the figure is shown as not computed and
    /// does not fail the check (default 20).
    package var minimumSamples: Int

    /// Thresholds; every argument has the documented default.
    package init(
        alpha: Double = 0.05, maximumErrorRateDifference: Double = 0.03, minimumSchemaAgreement: Double = 0.95,
        minimumBodyAgreement: Double = 0.95, minimumSamples: Int = 20, correction: FidelityCorrection = .holm
    ) {
        precondition(alpha > 0 && alpha < 1, "α is a probability in (0, 1) (the CLI checks it)")
        precondition(minimumSamples >= 1, "a figure needs at least one observation a side (the CLI checks it)")
        self.alpha = alpha
        self.maximumErrorRateDifference = maximumErrorRateDifference
        self.minimumSchemaAgreement = minimumSchemaAgreement
        self.minimumBodyAgreement = minimumBodyAgreement
        self.minimumSamples = minimumSamples
        self.correction = correction
    }
}
