import WorldModel

/// A hidden Markov model of a service's regimes: which regime serves each call, and what a
/// regime's calls look like (an outcome class, categorical, and a log latency, categorical over
/// the service's `LatencyBins`).
///
/// Regimes move per call by `transitions`, the first call included: as in the simulator
/// (`RegimeChain.next`), a sequence starts in a regime drawn from `startShares` (the scenario's
/// `initial`) and every call, the first too, is served by the regime one transition on from the
/// one before it, so the first call's regime is drawn from `initial`, `startShares · transitions`.
/// Baum–Welch ends with `startShares` on one regime, the one regime a scenario can name.
/// A regime's latency emission is a probability per log-latency bin, shared by every regime and
/// every regime count, so a point mass, a uniform or a long tail is one regime, not several.
/// All arithmetic uses IEEE basic operations and `DeterministicMath`, so the same model and
/// data give the same likelihood bits on every platform.
package struct HiddenMarkovModel: Sendable, Hashable {
    /// The probability of each regime before a sequence's first call (no call has been served
    /// by it yet: the first call moves on from it by `transitions`, as the simulator moves from a
    /// service's `initial` regime).
    package var startShares: [Double]
    /// The probability of each regime serving a sequence's first call: `startShares` moved on by
    /// one transition.
    package var initial: [Double] {
        let k = regimeCount
        return (0..<k).map { j in (0..<k).reduce(0.0) { $0 + startShares[$1] * transitions[$1][j] } }
    }
    /// `transitions[i][j]`: the probability that the call after one served by regime `i` is
    /// served by regime `j` (rows sum to 1).
    package var transitions: [[Double]]
    /// `outcomes[i][c]`: the probability of outcome class `c` (index into
    /// `OutcomeClass.allCases`) in regime `i`.
    package var outcomes: [[Double]]
    /// The log-latency bins of the latency emission (the same for every regime).
    package var latencyBins: LatencyBins
    /// `latencyShares[i][b]`: the probability that a call of regime `i` with a service-time
    /// latency has its log latency in bin `b` of `latencyBins` (rows sum to 1).
    package var latencyShares: [[Double]]
    /// How Baum–Welch re-estimates `latencyShares` (free shares, or a lognormal discretised onto
    /// the bins); the likelihood uses the shares alike either way.
    package var latencyFamily: LatencyFamily

    /// The number of regimes.
    package var regimeCount: Int { startShares.count }

    /// The regime `startShares` puts the most probability on (the first of equals): the
    /// scenario's `initial`.
    package var startRegime: Int {
        var best = 0
        for i in startShares.indices.dropFirst() where startShares[i] > startShares[best] { best = i }
        return best
    }

    /// A model from its parameters; every array has one entry (or row) per regime, and every
    /// row of `latencyShares` one entry per bin.
    package init(
        startShares: [Double], transitions: [[Double]], outcomes: [[Double]], latencyBins: LatencyBins,
        latencyShares: [[Double]], latencyFamily: LatencyFamily = .freeShares
    ) {
        precondition(
            transitions.count == startShares.count && outcomes.count == startShares.count
                && latencyShares.count == startShares.count
                && transitions.allSatisfy { $0.count == startShares.count },
            "every parameter needs one entry per regime")
        precondition(
            latencyShares.allSatisfy { $0.count == latencyBins.count }, "every regime needs one share per latency bin")
        self.startShares = startShares
        self.transitions = transitions
        self.outcomes = outcomes
        self.latencyBins = latencyBins
        self.latencyShares = latencyShares
        self.latencyFamily = latencyFamily
    }

    /// The smallest probability an outcome class or a latency bin is given in a likelihood, so
    /// one class or bin a regime never produced does not make a sequence impossible.
    static let probabilityFloor = 1e-12

    /// `log 2`.
    static let logTwo = 0.693_147_180_559_945_3

    /// The probability of one observation in regime `regime`: its outcome class's share times
    /// its latency bin's share, each floored (1 for a call without evidence).
    package func emission(_ observation: CallObservation, in regime: Int) -> Double {
        var value = 1.0
        if let outcome = observation.outcome {
            value = Swift.max(outcomes[regime][outcome], Self.probabilityFloor)
        }
        if let x = observation.logLatency {
            value *= Swift.max(latencyShares[regime][latencyBins.bin(of: x)], Self.probabilityFloor)
        }
        return value
    }

    /// The log probability of one observation in regime `regime` (0 for a call without evidence).
    package func logEmission(_ observation: CallObservation, in regime: Int) -> Double {
        DeterministicMath.log(emission(observation, in: regime))
    }

    /// The scaled forward–backward pass over one sequence: the posterior probability of each
    /// regime at each call (`gamma`) and before the first (`start`), the expected transition
    /// counts (`xi`, summed over the sequence, the move into the first call included; moves into
    /// forced calls are not the chain's and are not counted) and the sequence's log likelihood. The plain form of the pass, for one
    /// sequence at a time; `BaumWelch.step` is the fitter's fast form of the same figures.
    package func forwardBackward(_ sequence: [CallObservation]) -> Posterior {
        let k = regimeCount
        let n = sequence.count
        var posterior = Posterior(
            gamma: Array(repeating: Array(repeating: 0, count: k), count: n),
            xi: Array(repeating: Array(repeating: 0, count: k), count: k), start: Array(repeating: 0, count: k),
            logLikelihood: 0)
        guard n > 0 else { return posterior }
        let first = initial
        // Emissions are probabilities (floored), so no log-space sums are needed: the forward
        // scales absorb them, and the log likelihood is the sum of the scales' logs.
        let emissions = sequence.map { observation in (0..<k).map { emission(observation, in: $0) } }
        var logLikelihood = 0.0
        var alpha = Array(repeating: Array(repeating: 0.0, count: k), count: n)
        var scale = Array(repeating: 0.0, count: n)
        for t in 0..<n {
            var total = 0.0
            for j in 0..<k {
                var prior = 0.0
                if let forced = sequence[t].forcedRegime {
                    // A schedule, not the chain, chose this call's regime.
                    prior = j == forced ? 1 : 0
                } else if t == 0 {
                    prior = first[j]
                } else {
                    for i in 0..<k { prior += alpha[t - 1][i] * transitions[i][j] }
                }
                alpha[t][j] = prior * emissions[t][j]
                total += alpha[t][j]
            }
            // A total of 0 (every regime rules the call out) cannot happen with floored
            // emissions and positive parameters; guard against underflow anyway.
            let safe = total > 0 ? total : Double.leastNormalMagnitude
            for j in 0..<k { alpha[t][j] /= safe }
            scale[t] = safe
            logLikelihood += DeterministicMath.log(safe)
        }
        var beta = Array(repeating: 1.0, count: k)
        posterior.gamma[n - 1] = alpha[n - 1]
        for t in stride(from: n - 2, through: 0, by: -1) {
            var next = Array(repeating: 0.0, count: k)
            var weighted = Array(repeating: 0.0, count: k)
            for j in 0..<k { weighted[j] = emissions[t + 1][j] * beta[j] }
            if let forced = sequence[t + 1].forcedRegime {
                // No move of the chain leads into a forced call; every regime reaches it alike.
                for i in 0..<k { next[i] = weighted[forced] / scale[t + 1] }
            }
            for i in 0..<k where sequence[t + 1].forcedRegime == nil {
                var sum = 0.0
                for j in 0..<k {
                    let term = transitions[i][j] * weighted[j]
                    sum += term
                    posterior.xi[i][j] += alpha[t][i] * term / scale[t + 1]
                }
                next[i] = sum / scale[t + 1]
            }
            beta = next
            var total = 0.0
            for i in 0..<k {
                posterior.gamma[t][i] = alpha[t][i] * beta[i]
                total += posterior.gamma[t][i]
            }
            if total > 0 { for i in 0..<k { posterior.gamma[t][i] /= total } }
        }
        if sequence[0].forcedRegime == nil {
            // The move from the regime before the sequence into its first call (`beta` is the
            // first call's); a forced first call says nothing about where the sequence started.
            for i in 0..<k {
                for j in 0..<k {
                    let term = startShares[i] * transitions[i][j] * emissions[0][j] * beta[j] / scale[0]
                    posterior.xi[i][j] += term
                    posterior.start[i] += term
                }
            }
        }
        posterior.logLikelihood = logLikelihood
        return posterior
    }

    /// What the forward–backward pass infers about one sequence.
    package struct Posterior: Sendable, Hashable {
        /// `gamma[t][i]`: the probability that regime `i` served call `t`.
        package var gamma: [[Double]]
        /// `xi[i][j]`: the expected number of moves from regime `i` to `j` in the sequence, the
        /// move from the regime before the first call into it included.
        package var xi: [[Double]]
        /// `start[i]`: the probability that the sequence started in regime `i`, before its first
        /// call (all 0 when the first call is forced: then the data say nothing about it).
        package var start: [Double]
        /// The log likelihood of the sequence under the model.
        package var logLikelihood: Double
    }

    /// The log likelihood of several independent sequences.
    package func logLikelihood(_ sequences: [[CallObservation]]) -> Double {
        sequences.reduce(0) { $0 + forwardBackward($1).logLikelihood }
    }
}
