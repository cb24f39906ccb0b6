/// The shape a regime's latency emission may take over the service's `LatencyBins`. Both give
/// each regime a probability per fine bin (`HiddenMarkovModel.latencyShares`), so their
/// likelihoods are of the same binned observations and BIC compares them (`DynamicsLearner` fits
/// both for every regime count and keeps the lowest BIC over family and count).
///
/// Free shares fit any shape — a point mass, a uniform, a long tail — at the cost of a parameter
/// per coarse bin but one; the binned lognormal costs two parameters whatever the bins, takes its
/// shares on the fine bins and, by its shape, tells apart overlapping lognormal regimes that free
/// shares would blend.
package enum LatencyFamily: String, Sendable, Hashable, CaseIterable {
    /// A free probability per coarse bin (`coarse bins − 1` parameters per regime), spread over
    /// the coarse bin's fine bins in the fixed proportions `LatencyBins.spread`; Baum–Welch
    /// re-estimates each as the regime's posterior-weighted share of the calls in the coarse bin.
    case freeShares = "free_shares"
    /// A lognormal discretised onto the fine bins (2 parameters per regime): a bin's share is the
    /// normal probability of its log-latency interval (`LatencyBins.lognormalShares`); Baum–Welch
    /// re-estimates the mean and variance from the posterior-weighted log latencies.
    case lognormal

    /// The free parameters of one regime's latency emission over `bins` coarse bins
    /// (`LatencyBins.coarseCount`).
    package func parameters(bins: Int) -> Int {
        switch self {
        case .freeShares: Swift.max(bins - 1, 0)
        case .lognormal: 2
        }
    }

    /// Whether the family is worth fitting over `bins` coarse bins: the lognormal only when it
    /// has fewer parameters than free shares (more than 3 coarse bins): with so few latencies
    /// free shares cost no more.
    package func fitted(bins: Int) -> Bool {
        self == .freeShares || parameters(bins: bins) < LatencyFamily.freeShares.parameters(bins: bins)
    }

    /// The family in a report: `free shares` or `lognormal`.
    package var words: String {
        switch self {
        case .freeShares: "free shares"
        case .lognormal: "lognormal"
        }
    }

    /// The family's name as a possessive, for a report: `free shares'` or `lognormal's`.
    package var possessive: String {
        switch self {
        case .freeShares: "free shares'"
        case .lognormal: "lognormal's"
        }
    }
}
