import WorldModel

/// The figures that compare distributions and rates of calls (latency, outcome rates, error
/// bursts, regime dwell), with the recorded sequence as the unit of independence.
///
/// The calls of one sequence share its regimes, so they are not independent observations: a
/// KS critical value or a binomial interval that counted each call as one would be too narrow,
/// and a faithful scenario would fail a figure far more often than α (docs/learning.md
/// "Fidelity calibration"). So every such figure keeps the calls by recorded sequence
/// (`Strata`): KS figures take their critical value from permutations of whole sequences
/// (`SequencePermutationKS`), and rates use the cluster-robust variance of each share
/// (`ProportionDifference.init(recorded:simulated:z:)`). Each of these figures has a p-value, and
/// the check holds them together to α (`FidelityCorrection`).
extension FidelityCheck {
    /// One section's calls by recorded sequence: per sequence (with at least one of the
    /// section's calls), its versions, the recording first and then its replay under each seed
    /// in `seeds` order, each filtered to the section's calls.
    struct Strata {
        /// `[sequence][version]`: version 0 the recorded calls, 1… the replays'.
        var versions: [[[RecordedCall]]]

        /// The recorded calls, in sequence order.
        var recorded: [RecordedCall] { versions.flatMap { $0[0] } }
        /// The simulated calls, by sequence and then seed.
        var simulated: [RecordedCall] { versions.flatMap { $0.dropFirst().flatMap { $0 } } }
        /// How many calls were recorded.
        var recordedCalls: Int { versions.reduce(0) { $0 + $1[0].count } }
        /// How many were simulated.
        var simulatedCalls: Int { versions.reduce(0) { $0 + $1.dropFirst().reduce(0) { $0 + $1.count } } }

        /// The values `extract` takes from each version's calls, in the same arrangement.
        func values(_ extract: ([RecordedCall]) -> [Double]) -> [[[Double]]] {
            versions.map { $0.map(extract) }
        }
    }

    /// The calls of `replayed` for which `belongs` holds, by recorded sequence (sequences
    /// without such a call left out; their replays make the same calls or fewer, so have none
    /// either). Recorded retries a replay skipped are in no version but the recording's, and the
    /// retries it added are in its version after the others: a figure compares the calls each
    /// side made. With `firstAttempts`, the calls at the places of recorded retries (`retries`)
    /// are left out of every version, and added retries too.
    static func strata(
        _ replayed: [Replayed], firstAttempts: Bool = false, where belongs: (RecordedCall) -> Bool
    ) -> Strata {
        var versions: [[[RecordedCall]]] = []
        for sequence in replayed {
            let retry = firstAttempts ? retries(sequence.recorded) : []
            var kept: [[RecordedCall]] = []
            for (version, calls) in ([sequence.recorded.map(Optional.some)] + sequence.simulated).enumerated() {
                let added = version == 0 || firstAttempts ? [] : sequence.added[version - 1]
                kept.append(
                    (calls.indices.filter { !firstAttempts || !retry[$0] }.compactMap { calls[$0] } + added)
                        .filter(belongs))
            }
            if !kept[0].isEmpty { versions.append(kept) }
        }
        return Strata(versions: versions)
    }

    /// Per recorded call, whether it is a retry: the call before it in the sequence was of the
    /// same tool with the same arguments and was a service error (`isError`).
    ///
    /// An agent that retries makes such a call *because* the one before failed, so in the
    /// recording a retry always follows an error, and often meets one (a regime that caused it
    /// lasts); an open-loop replay (`Retries.replay`) makes the same call whatever its previous
    /// answer was, and a following one (`Retries.follow`) makes it after a simulated error only,
    /// but cannot add the retries the agent would have made after simulated errors. Runs of errors
    /// and decoded regime runs over all calls would then differ between a faithful replay and
    /// its recording by the agent's retry policy alone (docs/learning.md "Fidelity
    /// calibration"); over first attempts they do not.
    static func retries(_ calls: [RecordedCall]) -> [Bool] {
        calls.indices.map { i in
            i > 0 && isError(calls[i - 1].outcome) && calls[i - 1].tool == calls[i].tool
                && calls[i - 1].arguments == calls[i].arguments
        }
    }

    /// The latencies that are service times (`CallObservation`'s rule: not timeouts, not 429s).
    static func serviceLatencies(_ calls: [RecordedCall]) -> [Double] {
        calls.compactMap { CallObservation($0).logLatency == nil ? nil : $0.latencyMs }
    }

    /// A two-sample KS figure of `values` (per recorded sequence, per version, as `Strata`), with
    /// the critical value at α from sequence permutations and the sequential p-value, drawing up
    /// to the permutations a family of `family` tested figures needs
    /// (`SequencePermutationKS.maximumPermutations`; only `B` with no correction, whose level is
    /// α); the shown values are `summary` of each side. Held to α until the check holds the
    /// family (`FidelityReport.holdTestedFigures`).
    func ksFigure(
        _ kind: FidelityFigure.Kind, _ values: [[[Double]]], what: String, family: Int,
        summary: ([Double]) -> Double
    ) -> FidelityFigure {
        let recorded = values.flatMap { $0[0] }
        let simulated = values.flatMap { $0.dropFirst().flatMap { $0 } }
        if let reason = tooFew(recorded.count, simulated.count, what: what) {
            return .notComputed(kind, recorded: recorded.count, simulated: simulated.count, reason: reason)
        }
        let alpha = thresholds.alpha
        let most =
            thresholds.correction == .none
            ? SequencePermutationKS.permutations(alpha: alpha)
            : SequencePermutationKS.maximumPermutations(alpha: alpha, family: family)
        let test = SequencePermutationKS.test(values, alpha: alpha, maximumPermutations: most, key: kind.key)
        return FidelityFigure(
            kind: kind, recordedCount: recorded.count, simulatedCount: simulated.count,
            recordedValue: summary(recorded), simulatedValue: summary(simulated), statistic: test.statistic,
            interval: nil, limit: test.critical, verdict: .pass, pValue: test.pValue
        ).held(to: alpha)
    }

    /// The latency figure: KS on service latencies, medians shown.
    func latency(_ strata: Strata, family: Int) -> FidelityFigure {
        ksFigure(
            .latency, strata.values(Self.serviceLatencies), what: "latencies", family: family,
            summary: { LatencyFit.quantile(0.5, ofSorted: $0.sorted()) })
    }

    /// One rate figure per outcome class: the difference of shares with its interval, each
    /// recorded sequence (and all replays of it) one cluster, and the p-value of the tolerance
    /// test (`ProportionDifference.pValue(tolerance:)`): at α, failing exactly when the whole
    /// interval lies beyond ±tolerance. Held to α until the check holds the family.
    func rates(_ strata: Strata) -> [FidelityFigure] {
        let z = ProportionDifference.normalQuantile(alpha: thresholds.alpha)
        let recordedTotal = strata.recordedCalls
        let simulatedTotal = strata.simulatedCalls
        return OutcomeClass.allCases.map { outcome in
            if let reason = tooFew(recordedTotal, simulatedTotal, what: "calls") {
                return .notComputed(.rate(outcome), recorded: recordedTotal, simulated: simulatedTotal, reason: reason)
            }
            let cluster = { (calls: [[RecordedCall]]) in
                ProportionDifference.Cluster(
                    count: calls.reduce(0) { $0 + $1.filter { $0.outcome == outcome }.count },
                    total: calls.reduce(0) { $0 + $1.count })
            }
            let difference = ProportionDifference(
                recorded: strata.versions.map { cluster([$0[0]]) },
                simulated: strata.versions.map { cluster(Array($0.dropFirst())) }, z: z)
            return FidelityFigure(
                kind: .rate(outcome), recordedCount: recordedTotal, simulatedCount: simulatedTotal,
                recordedValue: difference.recordedShare, simulatedValue: difference.simulatedShare,
                statistic: difference.difference, interval: difference.low...difference.high,
                limit: thresholds.maximumErrorRateDifference, verdict: .pass,
                pValue: difference.pValue(tolerance: thresholds.maximumErrorRateDifference)
            ).held(to: thresholds.alpha)
        }
    }

    /// Whether an outcome is the service's error (client errors are the caller's).
    static func isError(_ outcome: OutcomeClass) -> Bool {
        outcome == .serverError || outcome == .timeout || outcome == .rateLimited
    }

    /// The lengths of the runs of equal `labels` for which `counts` holds.
    static func runLengths<Label: Equatable>(_ labels: [Label], counting counts: (Label) -> Bool) -> [Double] {
        var lengths: [Double] = []
        var index = 0
        while index < labels.count {
            var end = index + 1
            while end < labels.count && labels[end] == labels[index] { end += 1 }
            if counts(labels[index]) { lengths.append(Double(end - index)) }
            index = end
        }
        return lengths
    }

    /// The arithmetic mean of non-empty `values`.
    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    /// The error-burst figure: KS on the lengths of runs of errors in each sequence (of
    /// `strata` built with `firstAttempts`), in a family of `family` tested figures.
    func bursts(_ strata: Strata, family: Int) -> FidelityFigure {
        ksFigure(
            .errorBursts, strata.values { Self.runLengths($0.map { Self.isError($0.outcome) }, counting: { $0 }) },
            what: "error bursts", family: family, summary: Self.mean)
    }

    /// Dwell times of the most probable regime (over `strata` built with `firstAttempts`),
    /// decoded with the model `DynamicsLearner` fits to the recorded sub-sequences, in a family
    /// of `family` tested figures; and a note saying which model that was.
    func dwellTimes(service: String, _ strata: Strata, family: Int) -> (FidelityFigure, String) {
        let recorded = strata.versions.map { $0[0] }
        // One model for both sides, fitted to all of them: a model fitted to the recording alone
        // decodes the recording better than the replays it never saw.
        guard let dynamics = DynamicsLearner().learn(service: service, sequences: strata.versions.flatMap { $0 })
        else {
            return (
                .notComputed(.regimeDwell, recorded: 0, simulated: 0, reason: "no recorded calls"),
                "no regime model (no recorded calls)"
            )
        }
        let model = dynamics.model
        let k = model.regimeCount
        let note =
            "regimes for dwell times: \(k) learned from the \(dynamics.calls) recorded and simulated first attempts "
            + "(BIC, as simrun learn)"
        guard k > 1 else {
            return (
                .notComputed(
                    .regimeDwell, recorded: recorded.count, simulated: strata.versions.count * seeds.count,
                    reason: "the recording supports one regime, so there are no regime changes to time"), note
            )
        }
        let lengths = { (sequence: [RecordedCall]) -> [Double] in
            guard !sequence.isEmpty else { return [] }
            let gamma = model.forwardBackward(dynamics.observations(sequence)).gamma
            let regimes = gamma.map { row in
                var best = 0
                for i in 1..<k where row[i] > row[best] { best = i }
                return best
            }
            return Self.runLengths(regimes, counting: { _ in true })
        }
        return (
            ksFigure(.regimeDwell, strata.values(lengths), what: "regime runs", family: family, summary: Self.mean),
            note
        )
    }
}
