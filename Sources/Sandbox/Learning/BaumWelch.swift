import Foundation
import WorldModel

/// Fits a `HiddenMarkovModel` to call sequences by Baum–Welch (expectation–maximisation over
/// scaled forward–backward passes), keeping the best of several seeded restarts.
///
/// Deterministic: restarts draw their starting points from `RandomStream` keyed by the seed,
/// the regime count and the restart number, and every step uses IEEE basic operations and
/// `DeterministicMath`, so the same sequences always give the same model, bit for bit. Restarts
/// (and the candidate regime counts of `fit(_:regimeCounts:)`) run in parallel through
/// `Parallel.map`; each is computed alone and the best is chosen in restart order, so the
/// result does not depend on `parallelism`.
///
/// Fast: the calls are laid out once in an `ObservationBlock`; an iteration precomputes each
/// regime's log outcome shares and Gaussian constants, computes each call's emissions once
/// (scaled by the call's largest, so no log-space sums are needed), and accumulates the
/// posterior statistics during the backward pass, in buffers allocated once per restart.
package struct BaumWelch: Sendable, Hashable {
    /// How many starting points to try (the first is spread by latency quantiles, the rest random).
    package var restarts: Int
    /// The most expectation–maximisation steps per restart.
    package var maximumIterations: Int
    /// Stop when an iteration improves the log likelihood by less than this per call.
    package var tolerancePerCall: Double
    /// The seed of the restarts' random starting points.
    package var seed: UInt64
    /// How many restarts run at once (the result is the same for every value).
    package var parallelism: Int

    /// The smallest variance a regime's log latency may have (a standard deviation of 1 %), so a
    /// regime of constant latency does not collapse into an infinite density.
    package static let minimumVariance = 1e-4

    /// A fitter; the defaults suit a few hundred to a few hundred thousand calls.
    package init(
        restarts: Int = 4, maximumIterations: Int = 150, tolerancePerCall: Double = 1e-7, seed: UInt64 = 14,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.restarts = restarts
        self.maximumIterations = maximumIterations
        self.tolerancePerCall = tolerancePerCall
        self.seed = seed
        self.parallelism = Swift.max(1, parallelism)
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
        fit(sequences, regimeCounts: [regimes])[0]
    }

    /// Fits one model per entry of `regimeCounts` (in that order), all restarts of all counts
    /// spread over `parallelism` threads. Needs at least one call.
    package func fit(_ sequences: [[CallObservation]], regimeCounts: [Int]) -> [Fit] {
        precondition(regimeCounts.allSatisfy { $0 >= 1 }, "at least one regime")
        let block = ObservationBlock(sequences)
        precondition(block.calls > 0, "fitting needs at least one call")
        // The largest models first, so the longest jobs start first.
        var planned: [(candidate: Int, restart: Int)] = []
        for (candidate, k) in regimeCounts.enumerated() {
            for restart in 0..<(k == 1 ? 1 : Swift.max(restarts, 1)) { planned.append((candidate, restart)) }
        }
        let jobs = planned.sorted {
            (regimeCounts[$0.candidate], -$0.restart) > (regimeCounts[$1.candidate], -$1.restart)
        }
        let results = Parallel.map(jobs.count, parallelism: parallelism) { index in
            run(block, regimes: regimeCounts[jobs[index].candidate], restart: jobs[index].restart)
        }
        var best: [Fit?] = Array(repeating: nil, count: regimeCounts.count)
        // Restart order within each count, whatever order the jobs ran in.
        for index in jobs.indices.sorted(by: { jobs[$0].restart < jobs[$1].restart }) {
            let candidate = jobs[index].candidate
            if best[candidate] == nil || results[index].logLikelihood > best[candidate]!.logLikelihood {
                best[candidate] = results[index]
            }
        }
        return best.map { $0! }
    }

    /// One restart: expectation–maximisation from its starting point until it converges or
    /// reaches `maximumIterations`.
    func run(_ block: ObservationBlock, regimes: Int, restart: Int) -> Fit {
        let workspace = Workspace(calls: block.calls, regimes: regimes)
        var model = start(block, regimes: regimes, restart: restart)
        var previous = -Double.infinity
        var iterations = 0
        var logLikelihood = -Double.infinity
        while iterations < maximumIterations {
            iterations += 1
            let (next, current) = step(model, block, workspace)
            logLikelihood = current
            if current - previous < tolerancePerCall * Double(block.calls) {
                break
            }
            previous = current
            model = next
        }
        // `model` is the one `logLikelihood` was measured for when the loop broke on
        // convergence; after the iteration limit it is the last re-estimate, so measure it.
        if iterations == maximumIterations { logLikelihood = step(model, block, workspace).1 }
        return Fit(model: model, logLikelihood: logLikelihood, restart: restart, iterations: iterations)
    }

    /// Scratch buffers of one restart: each call's scaled emissions and forward variables, and
    /// each call's scale. Allocated once, reused by every iteration.
    final class Workspace {
        let emissions: UnsafeMutableBufferPointer<Double>
        let alpha: UnsafeMutableBufferPointer<Double>
        let scale: UnsafeMutableBufferPointer<Double>

        init(calls: Int, regimes: Int) {
            emissions = .allocate(capacity: calls * regimes)
            alpha = .allocate(capacity: calls * regimes)
            scale = .allocate(capacity: calls)
        }

        deinit {
            emissions.deallocate()
            alpha.deallocate()
            scale.deallocate()
        }
    }

    /// One expectation–maximisation step: the re-estimated model and the log likelihood of the
    /// model it started from. The same figures as `HiddenMarkovModel.forwardBackward` summed
    /// over the sequences (up to rounding; `BaumWelchTests` compares them).
    func step(_ model: HiddenMarkovModel, _ block: ObservationBlock, _ workspace: Workspace) -> (
        HiddenMarkovModel, Double
    ) {
        let k = model.regimeCount
        let c = CallObservation.classCount
        // Per regime: outcome probabilities (floored), log-density constants, flat transitions.
        var outcomeProbability = [Double](repeating: 0, count: k * c)
        var logOutcome = [Double](repeating: 0, count: k * c)
        var constant = [Double](repeating: 0, count: k)
        var halfPrecision = [Double](repeating: 0, count: k)
        var transitions = [Double](repeating: 0, count: k * k)
        for i in 0..<k {
            for o in 0..<c {
                let p = Swift.max(model.outcomes[i][o], HiddenMarkovModel.probabilityFloor)
                outcomeProbability[i * c + o] = p
                logOutcome[i * c + o] = DeterministicMath.log(p)
            }
            constant[i] = -(HiddenMarkovModel.halfLogTwoPi + 0.5 * DeterministicMath.log(model.variances[i]))
            halfPrecision[i] = 1 / (2 * model.variances[i])
            for j in 0..<k { transitions[i * k + j] = model.transitions[i][j] }
        }
        // Sufficient statistics.
        var initial = [Double](repeating: 0, count: k)
        var moves = [Double](repeating: 0, count: k * k)
        var outcomes = [Double](repeating: 0, count: k * c)
        var weight = [Double](repeating: 0, count: k)
        var sum = [Double](repeating: 0, count: k)
        var sumSquares = [Double](repeating: 0, count: k)
        var logLikelihood = 0.0
        var beta = [Double](repeating: 1, count: k)
        var nextBeta = [Double](repeating: 0, count: k)
        var weighted = [Double](repeating: 0, count: k)
        var gamma = [Double](repeating: 0, count: k)
        let e = workspace.emissions
        let alpha = workspace.alpha
        let scale = workspace.scale
        block.outcomes.withUnsafeBufferPointer { observed in
            block.logLatencies.withUnsafeBufferPointer { latencies in
                block.hasLatency.withUnsafeBufferPointer { hasLatency in
                    for s in 0..<block.sequenceCount {
                        let first = block.starts[s]
                        let end = block.starts[s + 1]
                        // Forward, computing each call's emissions scaled by the largest.
                        for t in first..<end {
                            let row = t * k
                            let o = observed[t]
                            if hasLatency[t] {
                                let x = latencies[t]
                                var top = -Double.infinity
                                for i in 0..<k {
                                    let d = x - model.means[i]
                                    var q = constant[i] - d * d * halfPrecision[i]
                                    if o >= 0 { q += logOutcome[i * c + o] }
                                    e[row + i] = q
                                    if q > top { top = q }
                                }
                                for i in 0..<k { e[row + i] = DeterministicMath.exp(e[row + i] - top) }
                                logLikelihood += top
                            } else if o >= 0 {
                                for i in 0..<k { e[row + i] = outcomeProbability[i * c + o] }
                            } else {
                                for i in 0..<k { e[row + i] = 1 }
                            }
                            var total = 0.0
                            if t == first {
                                for j in 0..<k {
                                    let value = model.initial[j] * e[row + j]
                                    alpha[row + j] = value
                                    total += value
                                }
                            } else {
                                let previous = row - k
                                for j in 0..<k {
                                    var prior = 0.0
                                    for i in 0..<k { prior += alpha[previous + i] * transitions[i * k + j] }
                                    let value = prior * e[row + j]
                                    alpha[row + j] = value
                                    total += value
                                }
                            }
                            // Floored emissions and positive parameters keep the total above 0;
                            // guard against underflow anyway.
                            let safe = total > 0 ? total : Double.leastNormalMagnitude
                            let inverse = 1 / safe
                            for j in 0..<k { alpha[row + j] *= inverse }
                            scale[t] = safe
                            logLikelihood += DeterministicMath.log(safe)
                        }
                        // Backward, accumulating the posterior statistics as it goes.
                        for i in 0..<k { beta[i] = 1 }
                        var t = end - 1
                        while true {
                            let row = t * k
                            var total = 0.0
                            for i in 0..<k {
                                gamma[i] = alpha[row + i] * beta[i]
                                total += gamma[i]
                            }
                            let inverse = total > 0 ? 1 / total : 1
                            let o = observed[t]
                            let x = latencies[t]
                            let timed = hasLatency[t]
                            for i in 0..<k {
                                let g = gamma[i] * inverse
                                if o >= 0 { outcomes[i * c + o] += g }
                                if timed {
                                    weight[i] += g
                                    sum[i] += g * x
                                    sumSquares[i] += g * x * x
                                }
                                if t == first { initial[i] += g }
                            }
                            if t == first { break }
                            // The move from call t − 1 to call t.
                            let inverseScale = 1 / scale[t]
                            for j in 0..<k { weighted[j] = e[row + j] * beta[j] }
                            let previous = row - k
                            for i in 0..<k {
                                var total = 0.0
                                let from = alpha[previous + i] * inverseScale
                                for j in 0..<k {
                                    let term = transitions[i * k + j] * weighted[j]
                                    total += term
                                    moves[i * k + j] += from * term
                                }
                                nextBeta[i] = total * inverseScale
                            }
                            swap(&beta, &nextBeta)
                            t -= 1
                        }
                    }
                }
            }
        }
        var next = model
        next.initial = Self.normalized(initial, fallback: model.initial)
        for i in 0..<k {
            next.transitions[i] = Self.normalized(Array(moves[(i * k)..<(i * k + k)]), fallback: model.transitions[i])
            next.outcomes[i] = Self.normalized(Array(outcomes[(i * c)..<(i * c + c)]), fallback: model.outcomes[i])
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
    func start(_ block: ObservationBlock, regimes k: Int, restart: Int) -> HiddenMarkovModel {
        let latencies = block.sortedLatencies
        let counts = block.smoothedOutcomeCounts
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
