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
        /// The fits of the scheduled candidates, by regime count.
        package var fits: [Int: BaumWelch.Fit] = [:]
        /// Why no window was found (`nil` when some were).
        package var reason: String?
        /// How many regimes the chain that decoded the calls had (0 when none was decoded).
        package var detectorRegimes = 0

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
                    + "but \(why)"
            }
            let described = dynamics.schedule.map { window in
                let outside = [window.lastCallBeforeMs, window.firstCallAfterMs].compactMap { $0 }.map {
                    "\(ScheduleInference.milliseconds($0)) ms"
                }
                return "\(dynamics.regimes[window.regime].name) forced from \(window.fromMs) to \(window.toMs) ms "
                    + "(\(window.calls) calls from \(window.sequences) sequences, "
                    + "\(LatencyFit.rounded(window.share, digits: 4)) of them decoded as that regime before the refit; "
                    + "the edges are the first and last of those calls, rounded down to the millisecond"
                    + (outside.isEmpty
                        ? "" : "; the nearest calls outside came at \(outside.joined(separator: " and "))")
                    + ": the edges are known no finer than the gaps between calls, and a call the regime served "
                    + "that the decoding gave to another can end the window early)"
            }
            var text = "schedule: " + described.joined(separator: "; ")
            text +=
                "; it replaced the \(unscheduled.regimes)-regime model without it (BIC "
                + "\(DynamicsLearner.figure(unscheduled.bic!)), \(DynamicsLearner.figure(unscheduled.bic! - chosen.bic!)) above)"
            if forced.allSatisfy({ $0.first?.forcedRegime != nil }) {
                text += "; every sequence starts inside it, so the initial regime is not observed"
            }
            return text
        }
    }

    /// Looks for a schedule (`ScheduleInference`) in calls decoded with the chosen unscheduled
    /// model (or, when it has one regime, the best-scoring fitted model with more), and fits
    /// every regime count tried, from 2 and at least one per forced regime, with the windows'
    /// calls forced. `times[s][t]` is the time of call `t` of sequence `s` since it began.
    func scheduleSearch(
        sequences: [[CallObservation]], times: [[Double]], fits: [Int: BaumWelch.Fit],
        candidates unscheduled: [ServiceDynamics.Candidate], chosen: Int, tried: [Int], classes: Int
    ) -> ScheduleSearch {
        var search = ScheduleSearch()
        var detector = unscheduled[chosen]
        if detector.regimes == 1 {
            let richer = unscheduled.filter { $0.regimes > 1 && $0.bic != nil }.min { $0.bic! < $1.bic! }
            guard let richer else {
                search.reason =
                    "one regime, and no model with more could be fitted: there is nothing for a schedule to force"
                return search
            }
            detector = richer
        }
        search.detectorRegimes = detector.regimes
        let inference = ScheduleInference(model: fits[detector.regimes]!.model, sequences: sequences, times: times)
        guard inference.reason == nil else {
            search.reason = inference.reason
            return search
        }
        // The forced regimes become the first ones of the scheduled fits, in the windows' order.
        var forcedRegimes: [Int] = []
        for window in inference.windows where !forcedRegimes.contains(window.regime) {
            forcedRegimes.append(window.regime)
        }
        search.windows = inference.windows.map { window in
            var moved = window
            moved.regime = forcedRegimes.firstIndex(of: window.regime)!
            return moved
        }
        search.forced = ScheduleInference.forcing(sequences, times: times, windows: search.windows)
        let n = sequences.reduce(0) { $0 + $1.count }
        for k in tried where k >= Swift.max(2, forcedRegimes.count) {
            let parameters =
                Self.parameterCount(regimes: k, classes: classes, latencyBins: LatencyBins(sequences).count)
                + ScheduleInference.parametersPerWindow * search.windows.count
            let needed = parameters * Self.callsPerParameter
            search.candidates.append(
                .init(
                    regimes: k, parameters: parameters, callsNeeded: needed, logLikelihood: nil, bic: nil,
                    rejection: n < needed
                        ? "not enough calls to fit \(k) regimes with the schedule: \(n) calls, \(needed) needed"
                        : nil,
                    schedule: true))
        }
        if search.candidates.isEmpty {
            search.reason =
                "the windows force \(forcedRegimes.count) regimes, more than the \(tried.max()!) tried (--regimes)"
            return search
        }
        let fitted = search.candidates.filter { $0.rejection == nil }.map(\.regimes)
        for (k, fit) in zip(fitted, fitted.isEmpty ? [] : fitter.fit(search.forced, regimeCounts: fitted)) {
            search.fits[k] = fit
            let index = search.candidates.firstIndex { $0.regimes == k }!
            search.candidates[index].logLikelihood = fit.logLikelihood
            search.candidates[index].bic =
                -2 * fit.logLikelihood + Double(search.candidates[index].parameters) * DeterministicMath.log(Double(n))
        }
        return search
    }
}
