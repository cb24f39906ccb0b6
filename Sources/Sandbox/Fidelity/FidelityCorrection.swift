/// How a fidelity check holds its family of tested figures to the level α.
///
/// A check tests tens of figures (a latency, five rates, error bursts and regime dwell per
/// service; a latency and five rates per tool), each a hypothesis test with a p-value. Tested
/// one by one at α, a faithful scenario fails some figure in far more than α of runs (with 30
/// figures, about 1 − 0.95³⁰ ≈ 79 % if they were independent). Holm's step-down procedure holds
/// the chance of failing *any* figure of a faithful scenario to α, whatever the dependence between
/// the figures, and rejects at least what the Bonferroni correction (every figure at α/k) rejects.
/// The agreement figures (response schema, bodies) are not hypothesis tests with a p-value: they
/// keep their fixed minimums and are not part of the family.
package enum FidelityCorrection: String, Sendable, Hashable, CaseIterable {
    /// Holm's step-down procedure over the k tested figures (the default): sorted by p-value
    /// ascending, the i-th smallest (from 0) is held to α/(k − i), and the step-down stops at the
    /// first figure above its level; it and every figure after it pass.
    case holm
    /// Every tested figure on its own at α (the per-figure tests; a faithful scenario fails some
    /// figure more often than α).
    case none

    /// The level each of `pValues` is held to at family level `alpha`, in the same order: a
    /// figure fails exactly when its p-value (rounded as verdicts compare, `FidelityFigure.settled`)
    /// is at most its level.
    ///
    /// With `none`, every level is α. With `holm`, the figure of rank i (0-based, by p-value, ties in
    /// the given order) is held to α/(k − i) while every smaller p-value was at most its own level;
    /// from the first that is not, the step-down has stopped, and that figure and every later one
    /// are held to the level it stopped at, α/(k − i*), which their p-values exceed.
    package func levels(_ pValues: [Double], alpha: Double) -> [Double] {
        precondition(alpha > 0 && alpha < 1, "α is a probability in (0, 1) (the CLI checks it)")
        switch self {
        case .none:
            return pValues.map { _ in alpha }
        case .holm:
            let k = pValues.count
            let order = pValues.indices.sorted { (pValues[$0], $0) < (pValues[$1], $1) }
            var levels = [Double](repeating: alpha, count: k)
            var stopped: Double?
            for (rank, index) in order.enumerated() {
                let level = stopped ?? alpha / Double(k - rank)
                levels[index] = level
                if stopped == nil && FidelityFigure.settled(pValues[index]) > FidelityFigure.settled(level) {
                    stopped = level
                }
            }
            return levels
        }
    }

    /// What the correction does, for the report's header (`alpha` as printed): `31 tested
    /// figures held to family-wise alpha 0.05 by Holm's step-down`.
    package func summary(tested: Int, alpha: String) -> String {
        switch self {
        case .holm:
            "\(tested) tested figures held to family-wise alpha \(alpha) by Holm's step-down"
        case .none:
            "each of the \(tested) tested figures at alpha \(alpha) on its own (no correction)"
        }
    }
}
