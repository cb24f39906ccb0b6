import WorldModel

/// Learns a `ServiceDynamics` from a service's call sequences: fits hidden Markov models of 1 to
/// `maximumRegimes` regimes by Baum–Welch, each with both latency emission families
/// (`LatencyFamily`: free bin shares and the binned lognormal), keeps the one with the lowest BIC
/// over family and regime count among those the data can support, and describes each regime
/// (latency distribution, outcome shares).
///
/// Pure: no I/O, no clock; the same sequences and options always give the same dynamics.
package struct DynamicsLearner: Sendable, Hashable {
    /// How many regimes to consider.
    package enum RegimeChoice: Sendable, Hashable {
        /// 1 to 4, by BIC.
        case automatic
        /// Exactly this many (still refused, with a note, when the data cannot support it).
        case fixed(Int)
    }

    /// The regime counts tried by `.automatic`.
    package static let maximumRegimes = 4
    /// The fewest calls per free parameter a model needs before it is fitted at all; below it
    /// the fit would describe noise.
    package static let callsPerParameter = 10

    /// How the number of regimes is chosen.
    package var regimes: RegimeChoice
    /// The fitter.
    package var fitter: BaumWelch

    /// A learner.
    package init(regimes: RegimeChoice = .automatic, fitter: BaumWelch = BaumWelch()) {
        self.regimes = regimes
        self.fitter = fitter
    }

    /// The number of free parameters of a `k`-regime model over `classes` observed outcome
    /// classes and `latencyBins` coarse latency bins (`LatencyBins.coarseCount`): initial shares, transitions, and
    /// each regime's outcome shares and latency emission (`LatencyFamily.parameters(bins:)`:
    /// `coarse bins − 1` free shares, or a lognormal's 2).
    package static func parameterCount(
        regimes k: Int, classes: Int, latencyBins: Int, family: LatencyFamily = .freeShares
    ) -> Int {
        (k - 1) + k * (k - 1) + k * Swift.max(classes - 1, 0) + k * family.parameters(bins: latencyBins)
    }

    /// The latency families fitted over `bins` coarse bins (`LatencyFamily.fitted(bins:)`), free shares first.
    static func families(bins: Int) -> [LatencyFamily] {
        LatencyFamily.allCases.filter { $0.fitted(bins: bins) }
    }

    /// Learns the dynamics of `service` from its calls, one array per independent sequence,
    /// each in time order. Returns `nil` when there are no calls at all.
    /// A token bucket is inferred first (`TokenBucketInference`); the 429s it refused are no
    /// evidence of the regime serving them.
    package func learn(service: String, sequences calls: [[RecordedCall]]) -> ServiceDynamics? {
        let nonEmpty = calls.filter { !$0.isEmpty }
        let bucket = TokenBucketInference.infer(nonEmpty)
        let sequences = nonEmpty.enumerated().map { s, sequence in
            sequence.enumerated().map { t, call in
                CallObservation(
                    call,
                    refusedByLimiter: call.outcome == .rateLimited && bucket?.refused(sequence: s, call: t) == true)
            }
        }
        let flat = sequences.flatMap { $0 }
        guard !flat.isEmpty else { return nil }
        let n = flat.count
        let classes = Set(flat.compactMap(\.outcome)).count
        let bins = LatencyBins(sequences)
        let latencyBins = bins.coarseCount
        var notes: [String] = []
        let rateLimitedClass = OutcomeClass.allCases.firstIndex(of: .rateLimited)
        let rateLimited = flat.filter { $0.outcome == rateLimitedClass }.count
        if let bucket {
            notes.append(
                "token bucket: capacity \(bucket.capacity), refill \(Self.rate(bucket.refillPerSecond)) per s "
                    + "explains \(bucket.explained) of the \(bucket.rateLimited) 429s (refused at the recorded times, "
                    + "Retry-After agreeing) and refuses \(bucket.contradicted) other calls; its 429s are left out of "
                    + "the regimes' evidence, the other \(rateLimited) are the regimes' rate_limited share")
        } else if rateLimited > 0 {
            notes.append(
                "no token bucket explains the \(rateLimited) 429s (at least \(TokenBucketInference.minimumExplained) "
                    + "refused at the recorded times, few other calls refused): they are the regimes' rate_limited share"
            )
        }
        let tried: [Int]
        switch regimes {
        case .automatic: tried = Array(1...Self.maximumRegimes)
        case .fixed(let k):
            precondition(k >= 1, "a fixed regime count is at least 1 (the CLI checks it)")
            tried = [k]
        }
        var candidates: [ServiceDynamics.Candidate] = []
        for k in tried {
            for family in Self.families(bins: latencyBins) {
                let parameters = Self.parameterCount(
                    regimes: k, classes: classes, latencyBins: latencyBins, family: family)
                let needed = parameters * Self.callsPerParameter
                var candidate = ServiceDynamics.Candidate(
                    regimes: k, parameters: parameters, callsNeeded: needed, logLikelihood: nil, bic: nil,
                    rejection: nil,
                    family: family)
                if n < needed && k > 1 {
                    candidate.rejection =
                        "not enough calls to fit \(k) regimes: \(n) calls, \(needed) needed (\(Self.callsPerParameter) per parameter, \(parameters) parameters)"
                } else if n < needed && family == .freeShares {
                    notes.append(
                        "only \(n) calls (a single regime's \(parameters) parameters want \(needed)): the figures are rough"
                    )
                }
                candidates.append(candidate)
            }
        }
        // Every supported shape at once: their restarts share the threads.
        let fitted = candidates.indices.filter { candidates[$0].rejection == nil }
        let shapes = fitted.map { BaumWelch.Shape(regimes: candidates[$0].regimes, family: candidates[$0].family) }
        // The fits by candidate index.
        var fits: [Int: BaumWelch.Fit] = [:]
        for (index, fit) in zip(fitted, fitted.isEmpty ? [] : fitter.fit(sequences, shapes: shapes)) {
            fits[index] = fit
            candidates[index].logLikelihood = fit.logLikelihood
            candidates[index].bic =
                -2 * fit.logLikelihood + Double(candidates[index].parameters) * DeterministicMath.log(Double(n))
        }
        // The lowest BIC among fitted candidates; ties go to fewer regimes, then to free shares.
        var chosen: Int? = nil
        for (index, candidate) in candidates.enumerated() {
            guard let bic = candidate.bic else { continue }
            if chosen == nil || bic < candidates[chosen!].bic! { chosen = index }
        }
        guard let unscheduled = chosen else {
            // A fixed count the data cannot support: say so and fall back to one regime.
            notes.append("\(candidates[0].rejection!); one regime fitted instead")
            var fallback = DynamicsLearner(regimes: .fixed(1), fitter: fitter)
            fallback.regimes = .fixed(1)
            var dynamics = fallback.learn(service: service, sequences: calls)!
            dynamics.candidates = candidates + dynamics.candidates
            dynamics.notes = notes + dynamics.notes.filter { !notes.contains($0) }
            return dynamics
        }
        // Schedules: windows where one regime serves every sequence's calls, refitted with those
        // calls forced; each scheduled candidate competes by BIC with the others.
        let search = scheduleSearch(
            sequences: sequences, times: nonEmpty.map { $0.map(\.atMs) }, fits: fits, candidates: candidates,
            chosen: unscheduled, tried: tried, classes: classes)
        let unscheduledCount = candidates.count
        candidates += search.candidates
        for (index, candidate) in candidates.enumerated() where candidate.schedule {
            if let bic = candidate.bic, bic < candidates[chosen!].bic! { chosen = index }
        }
        let winner = candidates[chosen!]
        let chosenBIC = winner.bic!
        let label =
            "\(winner.regimes)-regime \(winner.family.words) model\(winner.schedule ? " with the schedule" : "")"
        for index in candidates.indices where candidates[index].bic != nil && index != chosen! {
            let bic = candidates[index].bic!
            candidates[index].rejection =
                "BIC \(Self.figure(bic)) is \(Self.figure(bic - chosenBIC)) above the chosen \(label)'s \(Self.figure(chosenBIC))"
        }
        var dynamics = describe(
            service: service, fit: winner.schedule ? search.fits[chosen! - unscheduledCount]! : fits[chosen!]!,
            sequences: winner.schedule ? search.forced : sequences, calls: nonEmpty, candidates: candidates,
            notes: notes, schedule: winner.schedule ? search.windows : [])
        dynamics.rateLimit = bucket
        dynamics.scheduleFinding = search.finding(chosen: winner, unscheduled: candidates[unscheduled], in: dynamics)
        dynamics.latencyEmission = Self.emissionFinding(
            winner: winner, candidates: candidates, bins: latencyBins, fineBins: bins.count)
        return dynamics
    }

    /// The report's line on the latency emission: the chosen family over the bins with its BIC,
    /// and the other family's best BIC over every regime count (with or without the schedule),
    /// or why it was not fitted.
    static func emissionFinding(
        winner: ServiceDynamics.Candidate, candidates: [ServiceDynamics.Candidate], bins: Int, fineBins: Int
    ) -> ServiceDynamics.EmissionFinding {
        var finding = ServiceDynamics.EmissionFinding(
            family: winner.family, bins: bins, fineBins: fineBins, bic: winner.bic!)
        let other = candidates.filter { $0.family != winner.family && $0.bic != nil }.min { $0.bic! < $1.bic! }
        if let other {
            finding.competitor = other.family
            finding.competitorBIC = other.bic!
            finding.competitorRegimes = other.regimes
            finding.competitorSchedule = other.schedule
        } else {
            finding.competitor = LatencyFamily.allCases.first { $0 != winner.family }
        }
        return finding
    }

    /// Orders the fitted regimes by median latency and describes each; `schedule`'s windows
    /// (regimes as indices into the fit's) are given the regimes' new positions.
    func describe(
        service: String, fit: BaumWelch.Fit, sequences: [[CallObservation]], calls: [[RecordedCall]],
        candidates: [ServiceDynamics.Candidate], notes: [String], schedule: [ScheduleInference.Window] = []
    ) -> ServiceDynamics {
        let model = fit.model
        let k = model.regimeCount
        // Every service latency with each regime's posterior weight: a regime's latency is fitted
        // to all calls, each weighing the probability that the regime served it (LatencyFit);
        // below `minimumLatencyWeight(family:)`, a call does not count.
        let minimumWeight = Self.minimumLatencyWeight(family: fit.family)
        var latencies: [Double] = []
        var logLatencies: [Double] = []
        var weights = Array(repeating: [Double](), count: k)
        var served = Array(repeating: 0, count: k)
        var occupancy = Array(repeating: 0.0, count: k)
        var timeoutLatencies: [Double] = []
        let nonEmpty = calls.filter { !$0.isEmpty }
        for (sequence, recorded) in zip(sequences, nonEmpty) {
            let posterior = model.forwardBackward(sequence)
            for (t, call) in recorded.enumerated() {
                let gamma = posterior.gamma[t]
                var regime = 0
                for i in 1..<k where gamma[i] > gamma[regime] { regime = i }
                served[regime] += 1
                for i in 0..<k { occupancy[i] += gamma[i] }
                if let x = sequence[t].logLatency, let latency = call.latencyMs {
                    latencies.append(latency)
                    logLatencies.append(x)
                    for i in 0..<k { weights[i].append(gamma[i] >= minimumWeight ? gamma[i] : 0) }
                }
                if call.outcome == .timeout, let latency = call.latencyMs { timeoutLatencies.append(latency) }
            }
        }
        let total = Double(served.reduce(0, +))
        // A binned lognormal regime's lognormal is the model's own: the binned maximum-likelihood
        // μ, σ at the model's posterior (its M-step, at the fixed point it converged to). The
        // weighted moments of the raw log latencies are not: a weight computed from a bin is
        // the same for every call in it, and where a slow regime's lower tail lies in a fast
        // regime's range, the calls in a bin lie lower than the slow regime's own would (the
        // retail store's degraded median: 792 ms that way, 843 the model's; truth 897).
        // Where the bins do not resolve the regime's shape, the raw latencies' moments are
        // written (`binsResolveShape`).
        var lognormals: [BinnedLognormalFit.Parameters?] = Array(repeating: nil, count: k)
        if fit.family == .lognormal && k > 1 && !latencies.isEmpty {
            lognormals = weights.map { w in
                let statistics = Self.latencyStatistics(logLatencies, weights: w, bins: model.latencyBins)
                guard Self.binsResolveShape(statistics.binWeights) else { return nil }
                return BaumWelch.lognormalParameters(
                    binWeights: statistics.binWeights, sum: statistics.sum, squares: statistics.squares,
                    bins: model.latencyBins)
            }
            // The lognormals refitted with every call's latency its own bin (`refitOnEachValue`),
            // and the same calls weighed again, each by its posterior under the lognormals
            // written (`writtenModelWeights`), for the figures that look inside a bin.
            lognormals = Self.refitOnEachValue(
                model: model, fitter: fitter, sequences: sequences, logLatencies: logLatencies,
                binnedWeights: weights, lognormals: lognormals)
            weights = Self.writtenModelWeights(
                model: model, sequences: sequences, logLatencies: logLatencies, binnedWeights: weights,
                lognormals: lognormals)
        }
        let fitsByRegime = weights.indices.map { i -> LatencyFit? in
            let w = weights[i]
            guard !latencies.isEmpty, w.reduce(0, +) > 0 else { return nil }
            if k == 1 { return LatencyFit(latencies: latencies) }
            return LatencyFit(
                latencies: latencies, weights: w, lognormal: lognormals[i],
                cuts: lognormals[i] == nil ? [] : model.latencyBins.cuts)
        }
        // Ascending median latency; regimes without latencies last; ties keep the fit's order.
        let order = (0..<k).sorted { a, b in
            let ma = fitsByRegime[a]?.observedMedian ?? .infinity
            let mb = fitsByRegime[b]?.observedMedian ?? .infinity
            return ma != mb ? ma < mb : a < b
        }
        let reordered = HiddenMarkovModel(
            startShares: order.map { model.startShares[$0] },
            transitions: order.map { i in order.map { j in model.transitions[i][j] } },
            outcomes: order.map { model.outcomes[$0] }, latencyBins: model.latencyBins,
            latencyShares: order.map { model.latencyShares[$0] })
        let regimes = order.enumerated().map { position, index in
            ServiceDynamics.Regime(
                name: k == 1 ? "learned" : "regime_\(position + 1)", latency: fitsByRegime[index],
                outcomeShares: model.outcomes[index], calls: served[index], occupancy: occupancy[index] / total)
        }
        let initialRegime = reordered.startRegime
        var notes = notes
        if timeoutLatencies.isEmpty {
            notes.append("no timed-out call with a latency: no timeout_ms learned")
        }
        let timeout =
            timeoutLatencies.isEmpty
            ? nil
            : Int64(LatencyFit.quantile(0.5, ofSorted: timeoutLatencies.sorted()).rounded(.toNearestOrAwayFromZero))
        return ServiceDynamics(
            service: service, calls: Int(total), sequences: sequences.count, model: reordered, regimes: regimes,
            initialRegime: initialRegime, timeoutMs: timeout, candidates: candidates, notes: notes,
            schedule: schedule.map { window in
                var moved = window
                moved.regime = order.firstIndex(of: window.regime)!
                return moved
            })
    }

    /// Each call's posterior weight per regime (one array per regime, one weight per call with
    /// a latency, in `logLatencies`' order) under `model` with every regime's latency emission
    /// replaced by the lognormal written for it: the binned maximum-likelihood one (`lognormals`),
    /// or, where the bins do not resolve it (`nil`), the lognormal of its calls' weighted moments
    /// under `binnedWeights` (the model's own posterior). Every call's latency is its own bin
    /// (`LatencyBins(eachValueOf:)`), so a call's weight follows its latency within the model's
    /// bins too.
    ///
    /// Why: the model's posterior is the same for every call in a bin (given its outcome and
    /// neighbours), which is right for the bin counts the binned lognormal is fitted to but not
    /// for the calls' own quantiles (the report's `median_ms`, `p99_ms`) or a regime's
    /// weighted moments. Where a slow regime's lower tail overlaps a fast regime's upper one, a
    /// wide bin's calls near its lower edge are mostly the fast regime's and those near its
    /// upper edge mostly the slow one's, but each weighed alike, so the slow regime's weighted
    /// quantiles came out low: billing-outage without its schedule, 600 episodes, degraded
    /// median 1,344 ms by the model's posterior, 1,376 by the written lognormals', 1,453 the
    /// true regime's calls and 1,350 the lognormal written (the likelihood's maximum: 1,374 with
    /// every latency its own bin). The lognormals written are the model's; only the figures
    /// that look inside a bin move.
    static func writtenModelWeights(
        model: HiddenMarkovModel, sequences: [[CallObservation]], logLatencies: [Double], binnedWeights: [[Double]],
        lognormals: [BinnedLognormalFit.Parameters?]
    ) -> [[Double]] {
        let written = writtenModel(
            model: model, logLatencies: logLatencies, binnedWeights: binnedWeights, lognormals: lognormals)
        return posteriorWeights(
            of: written, sequences: sequences, regimes: model.regimeCount, calls: logLatencies.count)
    }

    /// How many Baum–Welch steps `refitOnEachValue` takes from the chosen model.
    static let refitSteps = 5

    /// The chosen binned lognormal model's lognormals refitted with every call's latency its own
    /// bin: from `model` with each regime's emission the lognormal written for it (`writtenModel`),
    /// `refitSteps` Baum–Welch steps on the calls binned by `LatencyBins(eachValueOf:)`, then each
    /// regime's binned maximum-likelihood lognormal at that model's posterior. A regime whose
    /// bins did not resolve its shape (`lognormals[i] == nil`) stays `nil`. The model's choice
    /// (regime count, family, BIC) is unchanged: only the lognormals written move.
    ///
    /// Why: on the model's bins a small regime's tail depends on where the bins' edges fall
    /// (the retail store's degraded regime, the same calls recorded four ways: p99 4,324 to
    /// 5,396 ms); on each call's own latency there are no edges to fall.
    static func refitOnEachValue(
        model: HiddenMarkovModel, fitter: BaumWelch, sequences: [[CallObservation]], logLatencies: [Double],
        binnedWeights: [[Double]], lognormals: [BinnedLognormalFit.Parameters?]
    ) -> [BinnedLognormalFit.Parameters?] {
        precondition(model.latencyFamily == .lognormal, "only a binned lognormal model is refitted")
        var written = writtenModel(
            model: model, logLatencies: logLatencies, binnedWeights: binnedWeights, lognormals: lognormals)
        let block = ObservationBlock(sequences, latencyBins: written.latencyBins)
        let workspace = BaumWelch.Workspace(block, regimes: model.regimeCount)
        for _ in 0..<refitSteps { written = fitter.step(written, block, workspace).0 }
        let weights = posteriorWeights(
            of: written, sequences: sequences, regimes: model.regimeCount, calls: logLatencies.count)
        let bins = written.latencyBins
        return lognormals.indices.map { i in
            guard lognormals[i] != nil else { return nil }
            let statistics = Self.latencyStatistics(logLatencies, weights: weights[i], bins: bins)
            return BaumWelch.lognormalParameters(
                binWeights: statistics.binWeights, sum: statistics.sum, squares: statistics.squares, bins: bins)
                ?? lognormals[i]
        }
    }

    /// A regime's posterior-weighted latency statistics, what its binned lognormal M-step
    /// (`BaumWelch.lognormalParameters`) takes: the weight of its calls in each of `bins`, and
    /// the weighted sums of their log latencies and of their squares.
    static func latencyStatistics(_ logLatencies: [Double], weights: [Double], bins: LatencyBins) -> (
        binWeights: [Double], sum: Double, squares: Double
    ) {
        var binWeights = Array(repeating: 0.0, count: bins.count)
        var sum = 0.0
        var squares = 0.0
        for (x, weight) in zip(logLatencies, weights) {
            binWeights[bins.bin(of: x)] += weight
            sum += weight * x
            squares += weight * x * x
        }
        return (binWeights, sum, squares)
    }

    /// `model` with every call's latency its own bin (`LatencyBins(eachValueOf:)`) and each
    /// regime's latency emission the lognormal written for it: `lognormals[i]`, or where that is
    /// `nil` the lognormal of its calls' weighted moments under `binnedWeights`.
    static func writtenModel(
        model: HiddenMarkovModel, logLatencies: [Double], binnedWeights: [[Double]],
        lognormals: [BinnedLognormalFit.Parameters?]
    ) -> HiddenMarkovModel {
        let bins = LatencyBins(eachValueOf: logLatencies.sorted())
        var written = model
        written.latencyBins = bins
        written.latencyShares = lognormals.indices.map { i in
            let w = binnedWeights[i]
            let weight = w.reduce(0, +)
            // A regime that served no latency serves none here either.
            guard weight > 0 else { return Array(repeating: 0, count: bins.count) }
            let lognormal =
                lognormals[i]
                ?? {
                    let mean = zip(logLatencies, w).reduce(0.0) { $0 + $1.0 * $1.1 } / weight
                    let squares = zip(logLatencies, w).reduce(0.0) { $0 + $1.0 * $1.0 * $1.1 } / weight
                    let variance = Swift.max(squares - mean * mean, BaumWelch.minimumLogVariance)
                    return BinnedLognormalFit.Parameters(mean: mean, deviation: variance.squareRoot())
                }()
            return bins.lognormalShares(mean: lognormal.mean, deviation: lognormal.deviation)
        }
        return written
    }

    /// Each call's posterior weight per regime under `model` (one array per regime, one weight
    /// per call with a latency, `calls` of them, in the sequences' order).
    static func posteriorWeights(
        of model: HiddenMarkovModel, sequences: [[CallObservation]], regimes: Int, calls: Int
    ) -> [[Double]] {
        var weights = Array(repeating: [Double](), count: regimes)
        for i in weights.indices { weights[i].reserveCapacity(calls) }
        for sequence in sequences {
            let posterior = model.forwardBackward(sequence)
            for (t, observation) in sequence.enumerated() where observation.logLatency != nil {
                for i in weights.indices { weights[i].append(posterior.gamma[t][i]) }
            }
        }
        return weights
    }

    /// The least posterior probability with which a call's latency counts towards a regime's
    /// latency fit under free bin shares. Below it, the many calls that another regime almost
    /// surely served would fatten a small regime's tail when its true latency is not lognormal
    /// (billing-outage's uniform 20–60 ms outage: p99 89 ms with every weight, 69 with the hard
    /// assignment, when the emission was one Gaussian per regime). With free bin shares
    /// (`LatencyBins`) it still does best on the shipped scenarios' recovery sweeps: every weight
    /// makes overlapping slow regimes 12–14 % too fast, the hard assignment 12–17 % too slow
    /// (docs/learning.md).
    static let minimumLatencyWeight = 0.1

    /// The least posterior probability with which a call's latency counts towards a regime's
    /// latency fit in a model of `family`: `minimumLatencyWeight` under free shares, 0 (every
    /// call) under the binned lognormal. A lognormal model's Baum–Welch step takes each regime's
    /// `μ` and `σ` from every call's posterior weight (its expected bin counts), so the written
    /// lognormal, the model's own, does too; a threshold
    /// would cut off the part of a slow regime's lower tail that lies in a fast regime's range,
    /// where each call is only a little likely to be the slow regime's but such calls are many
    /// (the retail store's degraded regime, 900/6,000 ms beside healthy's 90/600: `σ` 0.69
    /// instead of 0.77 even at the true model, p99 −20 %).
    static func minimumLatencyWeight(family: LatencyFamily) -> Double {
        switch family {
        case .freeShares: minimumLatencyWeight
        case .lognormal: 0
        }
    }

    /// Whether a regime's latency weight per bin determines a lognormal's shape: at least
    /// `resolvingBins` bins each hold at least `resolvingShare` of it (a lognormal has two
    /// parameters; shares in two bins fix one ratio). Otherwise the binned maximum likelihood is
    /// a limit the bins cannot tell from others (crm-refund's billing healthy regime, 223 of its
    /// 224 calls' weight in the lowest of 14 bins: median 4.5 ms and `σ` 2.3 fit the bins as
    /// well as its calls' 93 ms), and `describe` writes the weighted moments of the latencies.
    static func binsResolveShape(_ binWeights: [Double]) -> Bool {
        let total = binWeights.reduce(0, +)
        return binWeights.filter { $0 >= resolvingShare * total }.count >= resolvingBins
    }

    /// See `binsResolveShape`.
    static let resolvingBins = 3
    /// See `binsResolveShape`.
    static let resolvingShare = 0.05

    /// A rate for a report: up to three decimals, no trailing zeros.
    static func rate(_ value: Double) -> String {
        let rounded = LatencyFit.rounded(value, digits: 3)
        return rounded == rounded.rounded() ? "\(Int64(rounded))" : "\(rounded)"
    }

    /// A figure for a report: one decimal.
    static func figure(_ value: Double) -> String {
        let rounded = LatencyFit.rounded(value, digits: 1)
        return rounded == rounded.rounded() ? "\(Int64(rounded)).0" : "\(rounded)"
    }
}
