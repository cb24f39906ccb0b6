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

    /// Scratch memory of one restart, allocated once and reused by every iteration: each call's
    /// scaled emissions and forward variables, each call's scale, and the per-regime parameters
    /// and statistics of an iteration.
    final class Workspace {
        let regimes: Int
        /// `calls × regimes`: each call's emissions, scaled by the call's largest.
        let emissions: UnsafeMutableBufferPointer<Double>
        /// `calls × regimes`: the normalised forward variables.
        let alpha: UnsafeMutableBufferPointer<Double>
        /// Each call's forward scale.
        let scale: UnsafeMutableBufferPointer<Double>
        /// Per-regime scratch: `small[field * stride + …]`, see `Field`.
        let small: UnsafeMutableBufferPointer<Double>
        let stride: Int

        /// The per-regime arrays of `small`, each `stride` long.
        enum Field: Int, CaseIterable {
            case outcomeProbability, logOutcome, constant, halfPrecision, mean, initialProbability, transitions
            case initial, moves, outcomes, weight, sum, sumSquares, beta, nextBeta, weighted, gamma
        }

        init(calls: Int, regimes: Int) {
            self.regimes = regimes
            emissions = .allocate(capacity: calls * regimes)
            alpha = .allocate(capacity: calls * regimes)
            scale = .allocate(capacity: calls)
            stride = regimes * Swift.max(regimes, CallObservation.classCount)
            small = .allocate(capacity: Field.allCases.count * stride)
        }

        /// The start of one per-regime array.
        func pointer(_ field: Field) -> UnsafeMutablePointer<Double> { small.baseAddress! + field.rawValue * stride }

        deinit {
            emissions.deallocate()
            alpha.deallocate()
            scale.deallocate()
            small.deallocate()
        }
    }

    /// One expectation–maximisation step: the re-estimated model and the log likelihood of the
    /// model it started from. The same figures as `HiddenMarkovModel.forwardBackward` summed
    /// over the sequences, up to rounding (`BaumWelchTests` compares them): emissions without a
    /// latency are the outcome probability itself (no scaling needed), and the log of the
    /// forward scales is taken once per sequence from their product, kept in range by moving
    /// its binary exponent out.
    func step(_ model: HiddenMarkovModel, _ block: ObservationBlock, _ workspace: Workspace) -> (
        HiddenMarkovModel, Double
    ) {
        let k = model.regimeCount
        precondition(workspace.regimes == k, "a workspace serves one regime count")
        let c = CallObservation.classCount
        let outcomeProbability = workspace.pointer(.outcomeProbability)
        let logOutcome = workspace.pointer(.logOutcome)
        let constant = workspace.pointer(.constant)
        let halfPrecision = workspace.pointer(.halfPrecision)
        let means = workspace.pointer(.mean)
        let initialProbability = workspace.pointer(.initialProbability)
        let transitions = workspace.pointer(.transitions)
        let initial = workspace.pointer(.initial)
        let moves = workspace.pointer(.moves)
        let outcomes = workspace.pointer(.outcomes)
        let weight = workspace.pointer(.weight)
        let sum = workspace.pointer(.sum)
        let sumSquares = workspace.pointer(.sumSquares)
        var beta = workspace.pointer(.beta)
        var nextBeta = workspace.pointer(.nextBeta)
        let weighted = workspace.pointer(.weighted)
        let gamma = workspace.pointer(.gamma)
        workspace.small.update(repeating: 0)
        for i in 0..<k {
            for o in 0..<c {
                let p = Swift.max(model.outcomes[i][o], HiddenMarkovModel.probabilityFloor)
                outcomeProbability[i * c + o] = p
                logOutcome[i * c + o] = DeterministicMath.log(p)
            }
            constant[i] = -(HiddenMarkovModel.halfLogTwoPi + 0.5 * DeterministicMath.log(model.variances[i]))
            halfPrecision[i] = 1 / (2 * model.variances[i])
            means[i] = model.means[i]
            initialProbability[i] = model.initial[i]
            for j in 0..<k { transitions[i * k + j] = model.transitions[i][j] }
        }
        let e = workspace.emissions.baseAddress!
        let alpha = workspace.alpha.baseAddress!
        let scale = workspace.scale.baseAddress!
        var logLikelihood = 0.0
        // Each call's forced regime (a schedule's), or −1.
        let forced = block.forced
        block.outcomes.withUnsafeBufferPointer { observedBuffer in
            block.logLatencies.withUnsafeBufferPointer { latencyBuffer in
                block.hasLatency.withUnsafeBufferPointer { timedBuffer in
                    block.starts.withUnsafeBufferPointer { starts in
                        let observed = observedBuffer.baseAddress!
                        let latencies = latencyBuffer.baseAddress!
                        let hasLatency = timedBuffer.baseAddress!
                        for s in 0..<(starts.count - 1) {
                            let first = starts[s]
                            let end = starts[s + 1]
                            // Forward, computing each call's emissions; the product of the
                            // scales is `product × 2^exponent`.
                            var product = 1.0
                            var exponent = 0
                            for t in first..<end {
                                let row = e + t * k
                                let o = observed[t]
                                let f = forced[t]
                                if f >= 0 {
                                    // Only the forced regime can serve the call.
                                    var q = 0.0
                                    if hasLatency[t] {
                                        let d = latencies[t] - means[f]
                                        q = constant[f] - d * d * halfPrecision[f]
                                    }
                                    if o >= 0 { q += logOutcome[f * c + o] }
                                    for i in 0..<k { row[i] = 0 }
                                    row[f] = 1
                                    logLikelihood += q
                                } else if hasLatency[t] {
                                    let x = latencies[t]
                                    var top = -Double.infinity
                                    for i in 0..<k {
                                        let d = x - means[i]
                                        var q = constant[i] - d * d * halfPrecision[i]
                                        if o >= 0 { q += logOutcome[i * c + o] }
                                        row[i] = q
                                        if q > top { top = q }
                                    }
                                    for i in 0..<k {
                                        // exp(0) is exactly 1: the largest needs no exp.
                                        let d = row[i] - top
                                        row[i] = d == 0 ? 1 : DeterministicMath.exp(d)
                                    }
                                    logLikelihood += top
                                } else if o >= 0 {
                                    for i in 0..<k { row[i] = outcomeProbability[i * c + o] }
                                } else {
                                    for i in 0..<k { row[i] = 1 }
                                }
                                let current = alpha + t * k
                                var total = 0.0
                                if f >= 0 {
                                    // A schedule, not the chain, chose this call's regime.
                                    for j in 0..<k { current[j] = 0 }
                                    current[f] = 1
                                    total = 1
                                } else if t == first {
                                    for j in 0..<k {
                                        let value = initialProbability[j] * row[j]
                                        current[j] = value
                                        total += value
                                    }
                                } else {
                                    let previous = current - k
                                    for j in 0..<k {
                                        var prior = 0.0
                                        for i in 0..<k { prior += previous[i] * transitions[i * k + j] }
                                        let value = prior * row[j]
                                        current[j] = value
                                        total += value
                                    }
                                }
                                // Floored emissions and positive parameters keep the total above
                                // 0; guard against underflow anyway.
                                let safe = total > 0 ? total : Double.leastNormalMagnitude
                                let inverse = 1 / safe
                                for j in 0..<k { current[j] *= inverse }
                                scale[t] = safe
                                product *= safe
                                if product < 0x1p-500 || product > 0x1p500 {
                                    exponent += Int(product.exponent)
                                    product = product.significand
                                }
                            }
                            logLikelihood +=
                                DeterministicMath.log(product) + Double(exponent) * HiddenMarkovModel.logTwo
                            // Backward, accumulating the posterior statistics as it goes.
                            for i in 0..<k { beta[i] = 1 }
                            var t = end - 1
                            while true {
                                let current = alpha + t * k
                                var total = 0.0
                                for i in 0..<k {
                                    gamma[i] = current[i] * beta[i]
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
                                }
                                if t == first {
                                    // A forced first call says nothing about the initial regime.
                                    if forced[t] < 0 { for i in 0..<k { initial[i] += gamma[i] * inverse } }
                                    break
                                }
                                // The move from call t − 1 to call t.
                                let inverseScale = 1 / scale[t]
                                let row = e + t * k
                                for j in 0..<k { weighted[j] = row[j] * beta[j] }
                                let previous = current - k
                                if forced[t] >= 0 {
                                    // No move of the chain leads into a forced call.
                                    let reached = weighted[forced[t]] * inverseScale
                                    for i in 0..<k { nextBeta[i] = reached }
                                } else {
                                    for i in 0..<k {
                                        var total = 0.0
                                        let from = previous[i] * inverseScale
                                        for j in 0..<k {
                                            let term = transitions[i * k + j] * weighted[j]
                                            total += term
                                            moves[i * k + j] += from * term
                                        }
                                        nextBeta[i] = total * inverseScale
                                    }
                                }
                                swap(&beta, &nextBeta)
                                t -= 1
                            }
                        }
                    }
                }
            }
        }
        var next = model
        next.initial = Self.normalized((0..<k).map { initial[$0] }, fallback: model.initial)
        for i in 0..<k {
            next.transitions[i] = Self.normalized(
                (0..<k).map { moves[i * k + $0] }, fallback: model.transitions[i])
            next.outcomes[i] = Self.normalized((0..<c).map { outcomes[i * c + $0] }, fallback: model.outcomes[i])
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
    /// draw means from the data and perturb the shares. A regime that forced calls are pinned to
    /// starts, in every restart, at its forced calls' mean log latency and outcome shares.
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
        // A regime a schedule forces starts where its forced calls are: they are known to be its.
        for f in Set(block.forced).filter({ $0 >= 0 && $0 < k }).sorted() {
            var sum = 0.0
            var timed = 0
            var shares = Array(repeating: 1.0, count: counts.count)
            for t in block.forced.indices where block.forced[t] == f {
                if block.hasLatency[t] {
                    sum += block.logLatencies[t]
                    timed += 1
                }
                if block.outcomes[t] >= 0 { shares[block.outcomes[t]] += 1 }
            }
            if timed > 0 { means[f] = sum / Double(timed) }
            outcomes[f] = Self.normalized(shares, fallback: counts)
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
