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
/// Fast: the calls are laid out once in an `ObservationBlock`, each with its latency bin
/// (`LatencyBins`); an iteration copies each regime's floored outcome and bin shares into flat
/// arrays, computes each call's emissions once as a product of two looked-up shares (no `exp`,
/// no `log` per call; the forward scales absorb them), and accumulates the posterior statistics
/// during the backward pass, in buffers allocated once per restart.
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
        /// The latency emission's family (`model.latencyFamily`).
        package var family: LatencyFamily { model.latencyFamily }
    }

    /// Fits `regimes` regimes to `sequences` (each a service's calls in time order; sequences are
    /// independent, e.g. one per session or episode). Needs at least one call.
    package func fit(_ sequences: [[CallObservation]], regimes: Int) -> Fit {
        fit(sequences, regimeCounts: [regimes])[0]
    }

    /// Fits one free-shares model per entry of `regimeCounts` (in that order); see
    /// `fit(_:shapes:)`.
    package func fit(_ sequences: [[CallObservation]], regimeCounts: [Int]) -> [Fit] {
        fit(sequences, shapes: regimeCounts.map { Shape(regimes: $0, family: .freeShares) })
    }

    /// A model to fit: how many regimes, and the family of their latency emission.
    package struct Shape: Sendable, Hashable {
        /// The number of regimes (at least 1).
        package var regimes: Int
        /// The latency emission's family.
        package var family: LatencyFamily

        /// A shape.
        package init(regimes: Int, family: LatencyFamily) {
            self.regimes = regimes
            self.family = family
        }
    }

    /// Fits one model per entry of `shapes` (in that order), all restarts of all shapes spread
    /// over `parallelism` threads. Every shape's restarts start from the same points for the
    /// same regime count. Needs at least one call.
    package func fit(_ sequences: [[CallObservation]], shapes: [Shape]) -> [Fit] {
        precondition(shapes.allSatisfy { $0.regimes >= 1 }, "at least one regime")
        let block = ObservationBlock(sequences)
        precondition(block.calls > 0, "fitting needs at least one call")
        // The largest models first, so the longest jobs start first.
        var planned: [(candidate: Int, restart: Int)] = []
        for (candidate, shape) in shapes.enumerated() {
            for restart in 0..<(shape.regimes == 1 ? 1 : Swift.max(restarts, 1)) {
                planned.append((candidate, restart))
            }
        }
        let jobs = planned.sorted {
            (shapes[$0.candidate].regimes, -$0.restart) > (shapes[$1.candidate].regimes, -$1.restart)
        }
        let results = Parallel.map(jobs.count, parallelism: parallelism) { index in
            run(block, shape: shapes[jobs[index].candidate], restart: jobs[index].restart)
        }
        var best: [Fit?] = Array(repeating: nil, count: shapes.count)
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
    /// reaches `maximumIterations`. The regime before the first call is free (`startShares`)
    /// until the first convergence; then it is set to the most probable one (`startRegime`, the
    /// one regime a scenario's `initial` can name) and the steps go on from there until they
    /// converge again, so the model fitted is the one the scenario writes. Expectation–
    /// maximisation keeps a start on one regime there (the other regimes' posterior is 0).
    func run(_ block: ObservationBlock, shape: Shape, restart: Int) -> Fit {
        let workspace = Workspace(block, regimes: shape.regimes)
        var model = start(block, regimes: shape.regimes, restart: restart)
        model.latencyFamily = shape.family
        var previous = -Double.infinity
        var iterations = 0
        var logLikelihood = -Double.infinity
        while iterations < maximumIterations {
            iterations += 1
            let (next, current) = step(model, block, workspace)
            logLikelihood = current
            if current - previous < tolerancePerCall * Double(block.calls) {
                if Self.startsInOneRegime(model) { break }
                // Converged with the start spread over regimes: one regime from here on.
                model = Self.startingInOneRegime(model)
                previous = -Double.infinity
                continue
            }
            previous = current
            model = next
        }
        // `model` is the one `logLikelihood` was measured for when the loop broke on
        // convergence; after the iteration limit it is the last re-estimate, so measure it
        // (started in one regime).
        if iterations == maximumIterations {
            model = Self.startingInOneRegime(model)
            logLikelihood = step(model, block, workspace).1
        }
        return Fit(model: model, logLikelihood: logLikelihood, restart: restart, iterations: iterations)
    }

    /// Whether `model` starts every sequence in one regime (`startShares` all on one).
    static func startsInOneRegime(_ model: HiddenMarkovModel) -> Bool {
        model.startShares.filter { $0 != 0 }.count == 1
    }

    /// `model` with every sequence starting in its `startRegime`.
    static func startingInOneRegime(_ model: HiddenMarkovModel) -> HiddenMarkovModel {
        var model = model
        let regime = model.startRegime
        model.startShares = model.startShares.indices.map { $0 == regime ? 1 : 0 }
        return model
    }

    /// Scratch memory of one restart, allocated once and reused by every iteration: each call's
    /// emissions and forward variables, each call's scale, and the per-regime parameters
    /// and statistics of an iteration.
    final class Workspace {
        let regimes: Int
        /// The number of latency bins.
        let bins: Int
        /// `calls × regimes`: each call's emissions.
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
            case outcomeProbability, binProbability, initialProbability, firstProbability, transitions
            case initial, moves, outcomes, binWeights, beta, nextBeta, weighted, gamma
            /// Each regime's posterior-weighted sums of log latency and its square (the lognormal).
            case latencySum, latencySquares
        }

        /// The workspace for fitting `regimes` regimes to `block`.
        init(_ block: ObservationBlock, regimes: Int) {
            self.regimes = regimes
            bins = block.latencyBins.count
            let calls = block.calls
            emissions = .allocate(capacity: calls * regimes)
            alpha = .allocate(capacity: calls * regimes)
            scale = .allocate(capacity: calls)
            stride = regimes * Swift.max(regimes, CallObservation.classCount, bins)
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
    /// over the sequences, up to rounding (`BaumWelchTests` compares them): a call's emission is
    /// its outcome share times its latency bin's share, looked up, and the log of the forward
    /// scales is taken once per sequence from their product, kept in range by moving its binary
    /// exponent out.
    func step(_ model: HiddenMarkovModel, _ block: ObservationBlock, _ workspace: Workspace) -> (
        HiddenMarkovModel, Double
    ) {
        // The loops over regimes run with their count a compile-time constant for the counts BIC
        // chooses among, so the compiler unrolls them; the arithmetic, and its order, is the same.
        switch model.regimeCount {
        case 1: return step(model, block, workspace, regimes: OneRegime.self)
        case 2: return step(model, block, workspace, regimes: TwoRegimes.self)
        case 3: return step(model, block, workspace, regimes: ThreeRegimes.self)
        case 4: return step(model, block, workspace, regimes: FourRegimes.self)
        default: return step(model, block, workspace, regimes: AnyRegimeCount.self)
        }
    }

    /// `step` for `R.count(model)` regimes.
    @inline(__always)
    private func step<R: RegimeCount>(
        _ model: HiddenMarkovModel, _ block: ObservationBlock, _ workspace: Workspace, regimes: R.Type
    ) -> (HiddenMarkovModel, Double) {
        let k = R.count(model)
        precondition(workspace.regimes == k, "a workspace serves one regime count")
        let c = CallObservation.classCount
        let nb = workspace.bins
        precondition(model.latencyBins.count == nb, "a workspace serves one set of latency bins")
        let outcomeProbability = workspace.pointer(.outcomeProbability)
        let binProbability = workspace.pointer(.binProbability)
        let initialProbability = workspace.pointer(.initialProbability)
        let firstProbability = workspace.pointer(.firstProbability)
        let transitions = workspace.pointer(.transitions)
        let initial = workspace.pointer(.initial)
        let moves = workspace.pointer(.moves)
        let outcomes = workspace.pointer(.outcomes)
        let binWeights = workspace.pointer(.binWeights)
        var beta = workspace.pointer(.beta)
        var nextBeta = workspace.pointer(.nextBeta)
        let weighted = workspace.pointer(.weighted)
        let gamma = workspace.pointer(.gamma)
        let latencySum = workspace.pointer(.latencySum)
        let latencySquares = workspace.pointer(.latencySquares)
        let lognormal = model.latencyFamily == .lognormal
        workspace.small.update(repeating: 0)
        for i in 0..<k {
            for o in 0..<c {
                outcomeProbability[i * c + o] = Swift.max(model.outcomes[i][o], HiddenMarkovModel.probabilityFloor)
            }
            for b in 0..<nb {
                binProbability[i * nb + b] = Swift.max(model.latencyShares[i][b], HiddenMarkovModel.probabilityFloor)
            }
            initialProbability[i] = model.startShares[i]
            for j in 0..<k { transitions[i * k + j] = model.transitions[i][j] }
        }
        // The first call's regime: the start moved on by one transition.
        for j in 0..<k {
            for i in 0..<k { firstProbability[j] += initialProbability[i] * transitions[i * k + j] }
        }
        let e = workspace.emissions.baseAddress!
        let alpha = workspace.alpha.baseAddress!
        let scale = workspace.scale.baseAddress!
        var logLikelihood = 0.0
        block.outcomes.withUnsafeBufferPointer { observedBuffer in
            block.bins.withUnsafeBufferPointer { binBuffer in
                block.forced.withUnsafeBufferPointer { forcedBuffer in
                    block.starts.withUnsafeBufferPointer { starts in
                        block.logLatencies.withUnsafeBufferPointer { latencyBuffer in
                            let observed = observedBuffer.baseAddress!
                            let bins = binBuffer.baseAddress!
                            let logLatencies = latencyBuffer.baseAddress!
                            // Each call's forced regime (a schedule's), or −1.
                            let forced = forcedBuffer.baseAddress!
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
                                    let bin = bins[t]
                                    if o >= 0 && bin >= 0 {
                                        for i in 0..<k {
                                            row[i] = outcomeProbability[i * c + o] * binProbability[i * nb + bin]
                                        }
                                    } else if o >= 0 {
                                        for i in 0..<k { row[i] = outcomeProbability[i * c + o] }
                                    } else if bin >= 0 {
                                        for i in 0..<k { row[i] = binProbability[i * nb + bin] }
                                    } else {
                                        for i in 0..<k { row[i] = 1 }
                                    }
                                    let current = alpha + t * k
                                    var total = 0.0
                                    let f = forced[t]
                                    if f >= 0 {
                                        // A schedule, not the chain, chose this call's regime.
                                        for j in 0..<k { current[j] = 0 }
                                        current[f] = row[f]
                                        total = row[f]
                                    } else if t == first {
                                        for j in 0..<k {
                                            let value = firstProbability[j] * row[j]
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
                                    let bin = bins[t]
                                    for i in 0..<k {
                                        let g = gamma[i] * inverse
                                        if o >= 0 { outcomes[i * c + o] += g }
                                        if bin >= 0 { binWeights[i * nb + bin] += g }
                                    }
                                    if lognormal && bin >= 0 {
                                        let x = logLatencies[t]
                                        for i in 0..<k {
                                            let gx = gamma[i] * inverse * x
                                            latencySum[i] += gx
                                            latencySquares[i] += gx * x
                                        }
                                    }
                                    // The move from call t − 1 to call t.
                                    let inverseScale = 1 / scale[t]
                                    let row = e + t * k
                                    for j in 0..<k { weighted[j] = row[j] * beta[j] }
                                    if t == first {
                                        // The move from the regime before the sequence into its
                                        // first call; a forced first call says nothing about it.
                                        if forced[t] < 0 {
                                            Self.accumulateMoves(
                                                from: initialProbability, scaledBy: inverseScale,
                                                transitions: transitions, weighted: weighted, regimes: k,
                                                moves: moves, sums: nextBeta, sumsScaledBy: 1)
                                            for i in 0..<k {
                                                initial[i] += initialProbability[i] * inverseScale * nextBeta[i]
                                            }
                                        }
                                        break
                                    }
                                    let previous = current - k
                                    if forced[t] >= 0 {
                                        // No move of the chain leads into a forced call.
                                        let reached = weighted[forced[t]] * inverseScale
                                        for i in 0..<k { nextBeta[i] = reached }
                                    } else {
                                        Self.accumulateMoves(
                                            from: previous, scaledBy: inverseScale, transitions: transitions,
                                            weighted: weighted, regimes: k, moves: moves, sums: nextBeta,
                                            sumsScaledBy: inverseScale)
                                    }
                                    swap(&beta, &nextBeta)
                                    t -= 1
                                }
                            }
                        }
                    }
                }
            }
        }
        var next = model
        next.startShares = Self.normalized((0..<k).map { initial[$0] }, fallback: model.startShares)
        for i in 0..<k {
            next.transitions[i] = Self.normalized(
                (0..<k).map { moves[i * k + $0] }, fallback: model.transitions[i])
            next.outcomes[i] = Self.normalized((0..<c).map { outcomes[i * c + $0] }, fallback: model.outcomes[i])
            let binWeight = (0..<nb).map { binWeights[i * nb + $0] }
            if lognormal {
                next.latencyShares[i] = Self.lognormalShares(
                    binWeights: binWeight, sum: latencySum[i], squares: latencySquares[i],
                    bins: model.latencyBins, fallback: model.latencyShares[i])
            } else {
                next.latencyShares[i] = Self.freeShares(
                    weights: binWeight, bins: model.latencyBins, fallback: model.latencyShares[i])
            }
        }
        return (next, logLikelihood)
    }

    /// The backward pass's moves into one call: adds each move's expected count, the source
    /// regime's forward weight `from[i]` × `inverseScale` × P(i→j) × `weighted[j]` (call j's
    /// emission times its β), to `moves`, and writes each source regime's Σⱼ P(i→j) × `weighted[j]`
    /// × `sumScale` to `sums`. The same accumulation serves the move into a sequence's first call (from the
    /// start shares) and the moves between its calls (from the previous call's α), whose sums
    /// become the previous call's β.
    @inline(__always)
    private static func accumulateMoves(
        from: UnsafeMutablePointer<Double>, scaledBy inverseScale: Double,
        transitions: UnsafeMutablePointer<Double>, weighted: UnsafeMutablePointer<Double>, regimes k: Int,
        moves: UnsafeMutablePointer<Double>, sums: UnsafeMutablePointer<Double>, sumsScaledBy sumScale: Double
    ) {
        for i in 0..<k {
            var total = 0.0
            let source = from[i] * inverseScale
            for j in 0..<k {
                let term = transitions[i * k + j] * weighted[j]
                total += term
                moves[i * k + j] += source * term
            }
            sums[i] = total * sumScale
        }
    }

    /// Free shares' M-step for one regime: the posterior weights of the fine bins (`weights`)
    /// summed per coarse bin and normalised, each coarse share spread over its fine bins by
    /// `LatencyBins.spread`; `fallback` when the regime holds no latency weight.
    static func freeShares(weights: [Double], bins: LatencyBins, fallback: [Double]) -> [Double] {
        let coarse = normalized(bins.coarseTotals(weights), fallback: [])
        guard !coarse.isEmpty else { return fallback }
        return bins.spreading(coarseShares: coarse)
    }

    /// The binned lognormal's M-step for one regime: the shares of `lognormalParameters`, or
    /// `fallback` when the regime holds no latency weight.
    static func lognormalShares(
        binWeights: [Double], sum: Double, squares: Double, bins: LatencyBins, fallback: [Double]
    ) -> [Double] {
        guard let fitted = lognormalParameters(binWeights: binWeights, sum: sum, squares: squares, bins: bins)
        else { return fallback }
        return bins.lognormalShares(mean: fitted.mean, deviation: fitted.deviation)
    }

    /// The `μ`, `σ` that maximise the expected log likelihood of a regime's binned latencies,
    /// `Σ_b w_b log p_b(μ, σ)` (`binWeights` the regime's posterior-weighted count per bin;
    /// `BinnedLognormalFit`); `nil` when the regime holds no latency weight. The search starts
    /// from the mean and variance of the log latencies (`sum` and `squares` the weighted sums of
    /// `x` and `x²`); the variance is at least `minimumLogVariance`. The E-step sees a call only
    /// by its bin, so this is an exact EM step: the likelihood never falls from one iteration to
    /// the next. At a fitted model's posterior it gives back the model's own lognormal, which
    /// `DynamicsLearner` writes.
    static func lognormalParameters(binWeights: [Double], sum: Double, squares: Double, bins: LatencyBins)
        -> BinnedLognormalFit.Parameters?
    {
        let weight = binWeights.reduce(0, +)
        guard weight > 0 else { return nil }
        let mean = sum / weight
        let variance = Swift.max(squares / weight - mean * mean, minimumLogVariance)
        return BinnedLognormalFit.fit(
            weights: binWeights, bins: bins,
            start: BinnedLognormalFit.Parameters(mean: mean, deviation: variance.squareRoot()),
            minimumDeviation: minimumLogVariance.squareRoot())
    }

    /// The smallest variance of a lognormal regime's log latency (a standard deviation of 0.1 %
    /// of latency): a regime whose calls share one latency stays a finite, very narrow lognormal.
    static let minimumLogVariance = 1e-6

    /// The starting point of one restart. Restart 0 centres the regimes' latency shares on
    /// evenly spread quantiles of the pooled latencies and gives each the overall outcome shares
    /// (slower regimes more errors); later restarts centre them on random quantiles and perturb
    /// the outcome shares. A regime's starting shares are the pooled bin shares weighted by a
    /// bump around its quantile (a Gaussian in quantile, `0.5 / k` wide, over `startFloor`), so
    /// each regime starts where part of the data is. The second restart starts the last regime
    /// on the data's largest spike (`LatencyBins.spikes`, a point mass): all of its latency share
    /// on the spike's bin, its outcome shares the spike's calls'; a rare point mass lies far from
    /// every quantile a bump is centred on. A regime that forced calls are pinned to starts, in
    /// every restart, at its forced calls' bin and outcome shares.
    func start(_ block: ObservationBlock, regimes k: Int, restart: Int) -> HiddenMarkovModel {
        let counts = block.smoothedOutcomeCounts
        let nb = block.latencyBins.count
        let pooled = Self.normalized(block.binCounts.map { Double($0) + 1 }, fallback: [])
        // Each bin's middle, as a share of the pooled latencies.
        let timed = Double(block.binCounts.reduce(0, +))
        var below = 0.0
        let position = block.binCounts.map { count -> Double in
            defer { below += Double(count) }
            return timed > 0 ? (below + Double(count) / 2) / timed : 0.5
        }
        var rng = RandomStream(
            seed: seed, key: [.string("learn"), .string("baum-welch"), .integer(Int64(k)), .integer(Int64(restart))])
        var latencyShares = Array(repeating: pooled, count: k)
        var outcomes = Array(repeating: Self.normalized(counts, fallback: counts), count: k)
        if k > 1 && timed > 0 {
            let width = 0.5 / Double(k)
            for i in 0..<k {
                let u = restart == 0 ? (Double(i) + 0.5) / Double(k) : rng.nextDouble()
                latencyShares[i] = Self.normalized(
                    (0..<nb).map { b in
                        let d = (position[b] - u) / width
                        return pooled[b] * (DeterministicMath.exp(-0.5 * d * d) + Self.startFloor)
                    }, fallback: pooled)
            }
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
        // The second restart starts the last regime as the largest spike, a point mass (a regime
        // whose latency is fixed, which the quantile bumps above hardly reach when it is rare):
        // all its latency share on the spike's bin, its outcome shares the spike's calls'.
        if restart == 1 && k > 1,
            let spike = block.latencyBins.spikes.max(by: { block.binCounts[$0] < block.binCounts[$1] })
        {
            var shares = Array(repeating: 1.0, count: counts.count)
            for t in block.bins.indices where block.bins[t] == spike && block.outcomes[t] >= 0 {
                shares[block.outcomes[t]] += 1
            }
            latencyShares[k - 1] = (0..<nb).map { $0 == spike ? 1 : 0 }
            outcomes[k - 1] = Self.normalized(shares, fallback: counts)
        }
        // A regime a schedule forces starts where its forced calls are: they are known to be its.
        for f in Set(block.forced).filter({ $0 >= 0 && $0 < k }).sorted() {
            var binShares = Array(repeating: 1.0, count: nb)
            var shares = Array(repeating: 1.0, count: counts.count)
            for t in block.forced.indices where block.forced[t] == f {
                if block.bins[t] >= 0 { binShares[block.bins[t]] += 1 }
                if block.outcomes[t] >= 0 { shares[block.outcomes[t]] += 1 }
            }
            latencyShares[f] = Self.normalized(binShares, fallback: pooled)
            outcomes[f] = Self.normalized(shares, fallback: counts)
        }
        let stay = k == 1 ? 1.0 : 0.9
        let transitions = (0..<k).map { i in
            (0..<k).map { j in i == j ? stay : (1 - stay) / Double(k - 1) }
        }
        return HiddenMarkovModel(
            startShares: Array(repeating: 1 / Double(k), count: k), transitions: transitions, outcomes: outcomes,
            latencyBins: block.latencyBins, latencyShares: latencyShares)
    }

    /// What a starting regime keeps of the pooled share of bins far from its quantile, so no
    /// bin starts out of its reach.
    static let startFloor = 0.01

    /// `values` scaled to sum to 1, or `fallback` when they sum to 0.
    static func normalized(_ values: [Double], fallback: [Double]) -> [Double] {
        let total = values.reduce(0, +)
        guard total > 0 else { return fallback }
        return values.map { $0 / total }
    }
}
