import WorldModel

extension DynamicsLearner {
    /// What the search for a schedule found: the windows (`ScheduleInference`), the calls with
    /// them forced, and the candidate models fitted that way.
    package struct ScheduleSearch: Sendable, Hashable {
        /// The windows found; each `regime` indexes the scheduled fits' regimes (the forced
        /// regimes are the first ones, in the order of the windows).
        package var windows: [ScheduleInference.Window] = []
        /// The observations with the windows' calls forced.
        package var forced: [[CallObservation]] = []
        /// The scheduled candidates, fitted or refused.
        package var candidates: [ServiceDynamics.Candidate] = []
        /// The fits of the scheduled candidates, by index into `candidates`.
        package var fits: [Int: BaumWelch.Fit] = [:]
        /// Why no window was found (`nil` when some were).
        package var reason: String?
        /// How many regimes the chain that decoded the calls had (0 when none was decoded).
        package var detectorRegimes = 0
        /// Which round of the search found the windows (1: in the calls decoded with the
        /// unscheduled chain; more: with a scheduled refit; 0 when none did).
        package var round = 0
        /// Every round that found windows, in the order they ran (`DynamicsLearner.scheduleSearch`).
        package var rounds: [Round] = []

        /// A round of the search that found windows: where, and the BIC of the best scheduled
        /// candidate fitted with them.
        package struct Round: Sendable, Hashable {
            /// The windows found.
            package var windows: [ScheduleInference.Window]
            /// The lowest BIC of the candidates fitted with them (`nil` when none could be fitted).
            package var bic: Double?
        }

        /// The index of the scheduled candidate with the lowest BIC (the earlier on ties), if any was fitted.
        package var best: Int? {
            var best: Int? = nil
            for (index, candidate) in candidates.enumerated() {
                guard let bic = candidate.bic else { continue }
                if best == nil || bic < candidates[best!].bic! { best = index }
            }
            return best
        }

        /// The report's words on the rounds of the search, when there was more than one: which
        /// found the windows, and each round's windows and best BIC (empty for a single round).
        var roundsFound: String {
            guard rounds.count > 1 else { return "" }
            let each = rounds.enumerated().map { index, round in
                let windows = round.windows.map { "\($0.fromMs)–\($0.toMs) ms" }.joined(separator: ", ")
                return "\(index + 1): \(windows)"
                    + (round.bic.map { " (BIC \(DynamicsLearner.figure($0)))" } ?? " (no fit)")
            }
            return "; found in round \(round) of \(rounds.count) (round 1 decoded with the chain without a schedule, "
                + "each later one with the best refit of the round before, or its next best when that found a window found before; \(each.joined(separator: "; ")))"
        }

        /// The report's line on the schedule: the windows written and what they replaced, or
        /// `no schedule: …` and why. `dynamics` is the described result (its `schedule` holds
        /// the windows with the regimes' final positions when `chosen` is scheduled).
        package func finding(
            chosen: ServiceDynamics.Candidate, unscheduled: ServiceDynamics.Candidate, in dynamics: ServiceDynamics
        ) -> String {
            if let reason { return "no schedule: \(reason)" }
            let found = windows.map { window in
                "\(window.calls) calls from \(window.sequences) sequences between "
                    + "\(window.fromMs) and \(window.toMs) ms"
            }
            guard chosen.schedule else {
                let best = candidates.filter { $0.bic != nil }.min { $0.bic! < $1.bic! }
                let why =
                    best.map {
                        "the best model with it (\($0.regimes) regimes, BIC \(DynamicsLearner.figure($0.bic!))) is "
                            + "\(DynamicsLearner.figure($0.bic! - chosen.bic!)) above the chosen \(chosen.regimes)-regime "
                            + "model without it"
                    }
                    ?? "no model with it could be fitted (\(candidates.compactMap(\.rejection).first ?? "none tried"))"
                return "no schedule: a regime served \(found.joined(separator: "; ")) (at least "
                    + "\(ScheduleInference.minimumShare) of them, decoded with the \(detectorRegimes)-regime chain), "
                    + "but \(why)" + roundsFound
            }
            let described = dynamics.schedule.map { window in
                let outside = [window.lastCallBeforeMs, window.firstCallAfterMs].compactMap { $0 }.map {
                    "\(ScheduleInference.milliseconds($0)) ms"
                }
                let start =
                    window.lastCallBeforeMs == nil
                    ? "it starts at the sequences' start (no call came before it)"
                    : "it starts at the first of those calls"
                let end =
                    window.firstCallAfterMs == nil
                    ? "ends just after the last of them (no call came after it)" : "ends just after the last of them"
                return "\(dynamics.regimes[window.regime].name) forced from \(window.fromMs) to \(window.toMs) ms "
                    + "(\(window.calls) calls from \(window.sequences) sequences, "
                    + "\(LatencyFit.rounded(window.share, digits: 4)) of them decoded as that regime or a copy of it before the refit; "
                    + "\(start) and \(end), in whole milliseconds"
                    + (outside.isEmpty
                        ? "" : "; the nearest calls outside came at \(outside.joined(separator: " and "))")
                    + ": the edges are known no finer than the gaps between calls, and a call the regime served "
                    + "that the decoding gave to another can end the window early)"
            }
            var text = "schedule: " + described.joined(separator: "; ")
            text +=
                "; it replaced the \(unscheduled.regimes)-regime model without it (BIC "
                + "\(DynamicsLearner.figure(unscheduled.bic!)), \(DynamicsLearner.figure(unscheduled.bic! - chosen.bic!)) above)"
            text += roundsFound
            if forced.allSatisfy({ $0.first?.forcedRegime != nil }) {
                text += "; every sequence starts inside it, so the initial regime is not observed"
            }
            return text
        }
    }

    /// How many times the search runs at most: once on the calls decoded with the unscheduled
    /// chain, then again on the calls decoded with the best scheduled refit, until the window
    /// stays where it was. Each run after the first costs a refit of every scheduled candidate.
    package static let maximumScheduleRounds = 4

    /// Looks for a schedule (`ScheduleInference`) in calls decoded with the chosen unscheduled
    /// model (or, when it has one regime, the best-scoring fitted model with more), and fits
    /// every regime count tried, from 2 and at least one per forced regime, with the windows'
    /// calls forced. `times[s][t]` is the time of call `t` of sequence `s` since it began.
    ///
    /// Then it searches again in the calls decoded with the best of those refits (the lowest
    /// BIC), and refits, until a search finds the windows it found before (a fixed point, or a
    /// cycle) or none, at most `maximumScheduleRounds` times. When the best refit's decoding finds
    /// windows found before, the round's other refits decode in turn (the lowest BIC first), and
    /// the first that finds new windows goes on: a refit that gives the calls past a cut window a
    /// regime of their own decodes the same cut window again. The unscheduled chain may have
    /// given part of a window's calls a regime of its own, which cuts the window there, and a
    /// refit that explains the window's calls by its forced regime decodes them as that regime.
    /// Of the rounds, the one whose best scheduled candidate has the lowest BIC is kept (the
    /// earlier on ties); BIC then decides between it and the unscheduled candidates. A round
    /// whose best refit does not beat the chosen model without a schedule (`chosen`) ends the
    /// search: a window that does not pay for itself is reported, not refined at the cost of
    /// more refits.
    func scheduleSearch(
        sequences: [[CallObservation]], times: [[Double]], fits: [Int: BaumWelch.Fit],
        candidates unscheduled: [ServiceDynamics.Candidate], chosen: Int, tried: [Int], classes: Int
    ) -> ScheduleSearch {
        var detector = chosen
        if unscheduled[chosen].regimes == 1 {
            let richer = unscheduled.indices.filter { unscheduled[$0].regimes > 1 && unscheduled[$0].bic != nil }
                .min { unscheduled[$0].bic! < unscheduled[$1].bic! }
            guard let richer else {
                var search = ScheduleSearch()
                search.reason =
                    "one regime, and no model with more could be fitted: there is nothing for a schedule to force"
                return search
            }
            detector = richer
        }
        let unscheduledBIC = unscheduled[chosen].bic!
        var model = fits[detector]!.model
        // The round before's other refits, the lowest BIC first: decoders for when the best
        // refit's decoding finds windows found before.
        var alternatives: [HiddenMarkovModel] = []
        var kept: ScheduleSearch? = nil
        var rounds: [ScheduleSearch.Round] = []
        // Windows found before (their regimes are the decoding model's, so they are compared by
        // their edges).
        let edges = { (windows: [ScheduleInference.Window]) in windows.map { [$0.fromMs, $0.toMs] } }
        let foundBefore = { (inference: ScheduleInference) in
            inference.reason == nil && rounds.contains { edges($0.windows) == edges(inference.windows) }
        }
        for round in 1...Self.maximumScheduleRounds {
            var inference = ScheduleInference(model: model, sequences: sequences, times: times)
            // The best refit's decoding is a fixed point (or a cycle); another refit of the round
            // before, which explains the calls differently (another regime count or family), may
            // decode past it: the first that finds windows not found before is the next decoder.
            // (crm-refund's billing: the best refit with its window cut at 9.3 s gave the calls
            // after it a regime of their own and decoded the same window again; the 3-regime
            // refit decoded them as the forced regime, and the window grew to 20 s.)
            while foundBefore(inference), !alternatives.isEmpty {
                let next = ScheduleInference(
                    model: alternatives.removeFirst(), sequences: sequences, times: times)
                if next.reason == nil && !foundBefore(next) { inference = next }
            }
            guard inference.reason == nil else {
                // The first search's reason is the finding; a later one's leaves the kept round.
                if kept == nil {
                    kept = ScheduleSearch()
                    kept!.reason = inference.reason
                    kept!.detectorRegimes = model.regimeCount
                }
                break
            }
            // A fixed point (or a cycle) that no other refit decodes past.
            if foundBefore(inference) { break }
            var search = scheduledFits(
                inference.windows, sequences: sequences, times: times, tried: tried, classes: classes)
            search.detectorRegimes = model.regimeCount
            search.round = round
            guard search.reason == nil else {
                if kept == nil { kept = search }
                break
            }
            rounds.append(.init(windows: search.windows, bic: search.best.map { search.candidates[$0].bic! }))
            guard let best = search.best else {
                // No scheduled candidate could be fitted (too few calls): nothing to decode with.
                if kept == nil { kept = search }
                break
            }
            // A later round replaces the kept one only with a lower BIC.
            let keptBIC = kept?.best.map { kept!.candidates[$0].bic! }
            if keptBIC.map({ search.candidates[best].bic! < $0 }) ?? true { kept = search }
            // Refined only while it pays for itself: a window whose best refit scores no better
            // than the best model without a schedule is reported and left there (another round
            // costs a refit of every scheduled candidate).
            guard search.candidates[best].bic! < unscheduledBIC else { break }
            model = search.fits[best]!.model
            alternatives = search.candidates.indices.filter { $0 != best && search.candidates[$0].bic != nil }
                .sorted { (search.candidates[$0].bic!, $0) < (search.candidates[$1].bic!, $1) }
                .map { search.fits[$0]!.model }
        }
        kept!.rounds = rounds
        return kept!
    }

    /// The scheduled candidates of one round of the search: every regime count tried, from 2 and
    /// at least one per forced regime, fitted with the calls inside `windows` (found by
    /// `ScheduleInference`, regimes as the decoding model's) forced.
    func scheduledFits(
        _ windows: [ScheduleInference.Window], sequences: [[CallObservation]], times: [[Double]], tried: [Int],
        classes: Int
    ) -> ScheduleSearch {
        var search = ScheduleSearch()
        // The forced regimes become the first ones of the scheduled fits, in the windows' order.
        var forcedRegimes: [Int] = []
        for window in windows where !forcedRegimes.contains(window.regime) {
            forcedRegimes.append(window.regime)
        }
        search.windows = windows.map { window in
            var moved = window
            moved.regime = forcedRegimes.firstIndex(of: window.regime)!
            return moved
        }
        search.forced = ScheduleInference.forcing(sequences, times: times, windows: search.windows)
        let n = sequences.reduce(0) { $0 + $1.count }
        let bins = LatencyBins(sequences).coarseCount
        for k in tried where k >= Swift.max(2, forcedRegimes.count) {
            for family in Self.families(bins: bins) {
                let parameters =
                    Self.parameterCount(regimes: k, classes: classes, latencyBins: bins, family: family)
                    + ScheduleInference.parametersPerWindow * search.windows.count
                let needed = parameters * Self.callsPerParameter
                search.candidates.append(
                    .init(
                        regimes: k, parameters: parameters, callsNeeded: needed, logLikelihood: nil, bic: nil,
                        rejection: n < needed
                            ? "not enough calls to fit \(k) regimes with the schedule: \(n) calls, \(needed) needed"
                            : nil,
                        schedule: true, family: family))
            }
        }
        if search.candidates.isEmpty {
            search.reason =
                "the windows force \(forcedRegimes.count) regimes, more than the \(tried.max()!) tried (--regimes)"
            return search
        }
        let fitted = search.candidates.indices.filter { search.candidates[$0].rejection == nil }
        let shapes = fitted.map {
            BaumWelch.Shape(regimes: search.candidates[$0].regimes, family: search.candidates[$0].family)
        }
        for (index, fit) in zip(fitted, fitted.isEmpty ? [] : fitter.fit(search.forced, shapes: shapes)) {
            search.fits[index] = fit
            search.candidates[index].logLikelihood = fit.logLikelihood
            search.candidates[index].bic =
                -2 * fit.logLikelihood + Double(search.candidates[index].parameters) * DeterministicMath.log(Double(n))
        }
        return search
    }
}
