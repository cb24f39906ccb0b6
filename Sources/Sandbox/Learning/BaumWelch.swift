import WorldModel

/// Fits a `HiddenMarkovModel` to call sequences by Baum–Welch (expectation–maximisation over
/// scaled forward–backward passes), keeping the best of several seeded restarts.
///
/// Deterministic: restarts draw their starting points from `RandomStream` keyed by the seed,
/// the regime count and the restart number, and every step uses IEEE basic operations and
/// `DeterministicMath`, so the same sequences always give the same model, bit for bit.
package struct BaumWelch: Sendable, Hashable {
    /// How many starting points to try (the first is spread by latency quantiles, the rest random).
    package var restarts: Int
    /// The most expectation–maximisation steps per restart.
    package var maximumIterations: Int
    /// Stop when an iteration improves the log likelihood by less than this per call.
    package var tolerancePerCall: Double
    /// The seed of the restarts' random starting points.
    package var seed: UInt64

    /// The smallest variance a regime's log latency may have (a standard deviation of 1 %), so a
    /// regime of constant latency does not collapse into an infinite density.
    package static let minimumVariance = 1e-4

    /// A fitter; the defaults suit a few hundred to a few hundred thousand calls.
    package init(restarts: Int = 4, maximumIterations: Int = 150, tolerancePerCall: Double = 1e-7, seed: UInt64 = 14) {
        self.restarts = restarts
        self.maximumIterations = maximumIterations
        self.tolerancePerCall = tolerancePerCall
        self.seed = seed
    }

    /// The fitted model, its log likelihood, and how it was reached.
    package struct Fit: Sendable, Hashable {
        /// The best model found.
        package var model: HiddenMarkovModel
        /// Its log likelihood over all sequences.
        package var logLikelihood: Double
        /// The restart that found it (0-based).
        package var restart: Int
        /// The iterations that restart took.
        package var iterations: Int
    }

    /// Fits `regimes` regimes to `sequences` (each a service's calls in time order; sequences are
    /// independent, e.g. one per session or episode). Needs at least one call.
    package func fit(_ sequences: [[CallObservation]], regimes: Int) -> Fit {
        precondition(regimes >= 1, "at least one regime")
        let sequences = sequences.filter { !$0.isEmpty }
        let calls = sequences.reduce(0) { $0 + $1.count }
        precondition(calls > 0, "fitting needs at least one call")
        var best: Fit? = nil
        let attempts = regimes == 1 ? 1 : Swift.max(restarts, 1)
        for restart in 0..<attempts {
            var model = start(sequences, regimes: regimes, restart: restart)
            var previous = -Double.infinity
            var iterations = 0
            var logLikelihood = -Double.infinity
            while iterations < maximumIterations {
                iterations += 1
                let (next, current) = step(model, sequences)
                logLikelihood = current
                if current - previous < tolerancePerCall * Double(calls) {
                    break
                }
                previous = current
                model = next
            }
            // `model` is the one `logLikelihood` was measured for when the loop broke on
            // convergence; after the iteration limit it is the last re-estimate, so measure it.
            if iterations == maximumIterations { logLikelihood = model.logLikelihood(sequences) }
            if best == nil || logLikelihood > best!.logLikelihood {
                best = Fit(model: model, logLikelihood: logLikelihood, restart: restart, iterations: iterations)
            }
        }
        return best!
    }

    /// One expectation–maximisation step: the re-estimated model and the log likelihood of the
    /// model it started from.
    func step(_ model: HiddenMarkovModel, _ sequences: [[CallObservation]]) -> (HiddenMarkovModel, Double) {
        let k = model.regimeCount
        let c = CallObservation.classCount
        var initial = Array(repeating: 0.0, count: k)
        var moves = Array(repeating: Array(repeating: 0.0, count: k), count: k)
        var outcomes = Array(repeating: Array(repeating: 0.0, count: c), count: k)
        var weight = Array(repeating: 0.0, count: k)
        var sum = Array(repeating: 0.0, count: k)
        var sumSquares = Array(repeating: 0.0, count: k)
        var logLikelihood = 0.0
        for sequence in sequences {
            let posterior = model.forwardBackward(sequence)
            logLikelihood += posterior.logLikelihood
            for i in 0..<k {
                initial[i] += posterior.gamma[0][i]
                for j in 0..<k { moves[i][j] += posterior.xi[i][j] }
            }
            for (t, observation) in sequence.enumerated() {
                for i in 0..<k {
                    let g = posterior.gamma[t][i]
                    outcomes[i][observation.outcome] += g
                    if let x = observation.logLatency {
                        weight[i] += g
                        sum[i] += g * x
                        sumSquares[i] += g * x * x
                    }
                }
            }
        }
        var next = model
        next.initial = Self.normalized(initial, fallback: model.initial)
        for i in 0..<k {
            next.transitions[i] = Self.normalized(moves[i], fallback: model.transitions[i])
            next.outcomes[i] = Self.normalized(outcomes[i], fallback: model.outcomes[i])
            if weight[i] > 0 {
                let mean = sum[i] / weight[i]
                next.means[i] = mean
                next.variances[i] = Swift.max(sumSquares[i] / weight[i] - mean * mean, Self.minimumVariance)
            }
        }
        return (next, logLikelihood)
    }

    /// The starting point of one restart. Restart 0 spreads the regimes' latency means over the
    /// data's log-latency quantiles and gives each the overall outcome shares; later restarts
    /// draw means from the data and perturb the shares.
    func start(_ sequences: [[CallObservation]], regimes k: Int, restart: Int) -> HiddenMarkovModel {
        let latencies = sequences.flatMap { $0.compactMap(\.logLatency) }.sorted()
        var counts = Array(repeating: 1.0, count: CallObservation.classCount)
        for sequence in sequences { for observation in sequence { counts[observation.outcome] += 1 } }
        let overallMean = latencies.isEmpty ? 0 : latencies.reduce(0, +) / Double(latencies.count)
        let overallVariance =
            latencies.isEmpty
            ? 1
            : Swift.max(
                latencies.reduce(0) { $0 + ($1 - overallMean) * ($1 - overallMean) } / Double(latencies.count),
                Self.minimumVariance)
        var rng = RandomStream(
            seed: seed, key: [.string("learn"), .string("baum-welch"), .integer(Int64(k)), .integer(Int64(restart))])
        var means = Array(repeating: overallMean, count: k)
        var outcomes = Array(repeating: Self.normalized(counts, fallback: counts), count: k)
        for i in 0..<k where !latencies.isEmpty {
            let u = restart == 0 ? (Double(i) + 0.5) / Double(k) : rng.nextDouble()
            means[i] = latencies[Swift.min(Int(u * Double(latencies.count)), latencies.count - 1)]
        }
        if restart > 0 {
            for i in 0..<k {
                outcomes[i] = Self.normalized(counts.map { $0 * (0.5 + rng.nextDouble()) }, fallback: counts)
            }
        } else if k > 1 {
            // Slower regimes start with more errors: the common pattern of a degraded service.
            for i in 0..<k {
                var shares = counts
                for c in 1..<shares.count { shares[c] *= 0.5 + Double(i) / Double(k - 1) }
                outcomes[i] = Self.normalized(shares, fallback: counts)
            }
        }
        let stay = k == 1 ? 1.0 : 0.9
        let transitions = (0..<k).map { i in
            (0..<k).map { j in i == j ? stay : (1 - stay) / Double(k - 1) }
        }
        return HiddenMarkovModel(
            initial: Array(repeating: 1 / Double(k), count: k), transitions: transitions, outcomes: outcomes,
            means: means, variances: Array(repeating: overallVariance, count: k))
    }

    /// `values` scaled to sum to 1, or `fallback` when they sum to 0.
    static func normalized(_ values: [Double], fallback: [Double]) -> [Double] {
        let total = values.reduce(0, +)
        guard total > 0 else { return fallback }
        return values.map { $0 / total }
    }
}
