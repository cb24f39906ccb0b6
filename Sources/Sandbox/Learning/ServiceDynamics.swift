import WorldModel

/// A service's dynamics learned from its calls: regimes with latency and error rates, per-call
/// transitions, the timeout, and the record of how the number of regimes was chosen.
package struct ServiceDynamics: Sendable, Hashable {
    /// One learned regime.
    package struct Regime: Sendable, Hashable {
        /// Its name in the scenario (`regime_1`, … by ascending median latency).
        package var name: String
        /// Its latency distribution and the test that chose it; `nil` when none of the calls it
        /// served carried a latency.
        package var latency: LatencyFit?
        /// The share of calls it served in each outcome class (`OutcomeClass.allCases` order).
        package var outcomeShares: [Double]
        /// How many calls it served (calls assigned by their most probable regime).
        package var calls: Int
        /// The share of calls it served, by posterior weight.
        package var occupancy: Double

        /// The share of one outcome class.
        package func share(_ outcome: OutcomeClass) -> Double {
            outcomeShares[OutcomeClass.allCases.firstIndex(of: outcome)!]
        }
    }

    /// One candidate number of regimes and what became of it.
    package struct Candidate: Sendable, Hashable {
        /// The number of regimes.
        package var regimes: Int
        /// The free parameters of that model.
        package var parameters: Int
        /// The calls the fit needs (`LearningOptions.callsPerParameter` per parameter).
        package var callsNeeded: Int
        /// The log likelihood of the best restart, when it was fitted.
        package var logLikelihood: Double?
        /// The Bayesian information criterion, `−2 ln L + p ln n` (lower is better), when fitted.
        package var bic: Double?
        /// Why it was not chosen (`nil` for the chosen one).
        package var rejection: String?
        /// Whether it was fitted with the inferred schedule's calls forced (`ScheduleInference`).
        package var schedule: Bool = false
        /// The family of its latency emission.
        package var family: LatencyFamily = .freeShares
    }

    /// Which latency emission family won by BIC, and by how much over the other.
    package struct EmissionFinding: Sendable, Hashable {
        /// The chosen candidate's family.
        package var family: LatencyFamily
        /// The number of coarse latency bins (free shares' bins, `LatencyBins.coarseCount`).
        package var bins: Int
        /// The number of fine latency bins (the observations' bins, the lognormal's; `LatencyBins.count`).
        package var fineBins: Int
        /// The chosen candidate's BIC.
        package var bic: Double
        /// The other family (`nil` when only one exists).
        package var competitor: LatencyFamily? = nil
        /// The other family's lowest BIC over every regime count, with or without the schedule
        /// (`nil` when none of its candidates was fitted).
        package var competitorBIC: Double? = nil
        /// The regime count of that best competitor.
        package var competitorRegimes: Int? = nil
        /// Whether that best competitor was fitted with the schedule.
        package var competitorSchedule = false

        /// The report's line, e.g. `latency emission: lognormal over 28 fine bins (BIC 1234.5); free
        /// shares' best: 2 regimes, BIC 1300.0 (65.5 above)` or `latency emission: free shares
        /// over 22 bins, spread over 28 fine bins (BIC 1234.5); …`.
        package var text: String {
            let over =
                family == .lognormal
                ? "over \(fineBins) fine bin\(fineBins == 1 ? "" : "s")"
                : "over \(bins) bin\(bins == 1 ? "" : "s"), spread over \(fineBins) fine bin\(fineBins == 1 ? "" : "s")"
            var text = "latency emission: \(family.words) \(over) (BIC \(DynamicsLearner.figure(bic)))"
            if let competitor {
                if let competitorBIC, let competitorRegimes {
                    text +=
                        "; \(competitor.possessive) best: \(competitorRegimes) regime\(competitorRegimes == 1 ? "" : "s")"
                        + (competitorSchedule ? " with the schedule" : "")
                        + ", BIC \(DynamicsLearner.figure(competitorBIC)) (\(DynamicsLearner.figure(competitorBIC - bic)) above)"
                } else if competitor == .lognormal && bins <= 3 {
                    text += "; lognormal not fitted (over \(bins) bins free shares have no more parameters)"
                } else {
                    text += "; \(competitor.words) not fitted (not enough calls)"
                }
            }
            return text
        }
    }

    /// The service's name.
    package var service: String
    /// The calls fitted (all of the service's calls but the held-out ones).
    package var calls: Int
    /// The independent sequences those calls came in (sessions, episodes).
    package var sequences: Int
    /// The fitted model (regimes in the order of `regimes`).
    package var model: HiddenMarkovModel
    /// The regimes, ordered by ascending median latency.
    package var regimes: [Regime]
    /// The regime every sequence starts in, before its first call (`model.startRegime`): the
    /// scenario's `initial`, from which the simulator moves the first call on by a transition.
    package var initialRegime: Int
    /// The timeout learned from timed-out calls' latencies (their median, whole ms); `nil`
    /// when no timed-out call carried a latency.
    package var timeoutMs: Int64?
    /// The token bucket inferred from the service's 429s, if one explains them; the calls it
    /// refused were left out of the regimes' evidence.
    package var rateLimit: TokenBucketInference? = nil
    /// Every candidate number of regimes, fitted or not, with BIC figures and reasons.
    package var candidates: [Candidate]
    /// Remarks for the report: what the data could not support.
    package var notes: [String]
    /// The schedule learned: windows of time in which a regime is forced (`regime` indexes
    /// `regimes`); empty when none was inferred.
    package var schedule: [ScheduleInference.Window] = []
    /// What became of the search for a schedule, for the report: the windows and what they
    /// replaced, or `no schedule: …` and why.
    package var scheduleFinding: String = "no schedule: not searched"
    /// Which latency emission family was chosen and the other's best BIC (`nil` before the
    /// choice, e.g. for a hand-made dynamics).
    package var latencyEmission: EmissionFinding? = nil
}
