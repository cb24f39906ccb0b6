/// One point of an empirical latency distribution: `probability` of the calls take at most
/// `milliseconds`.
///
/// Written like the scenario file's pairs: `[0.99, 2500]`.
package struct LatencyQuantile: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// The cumulative probability, in `(0, 1]`.
    package var probability: Double
    /// The latency at that probability, in milliseconds (≥ 0).
    package var milliseconds: Double

    /// A quantile point.
    package init(probability: Double, milliseconds: Double) {
        self.probability = probability
        self.milliseconds = milliseconds
    }

    /// `[probability, milliseconds]`; a literal with other than two elements gives the
    /// invalid point `(NaN, NaN)`, which `LatencyDistribution.validate` reports.
    package init(arrayLiteral elements: Double...) {
        if elements.count == 2 {
            self.init(probability: elements[0], milliseconds: elements[1])
        } else {
            self.init(probability: .nan, milliseconds: .nan)
        }
    }
}
