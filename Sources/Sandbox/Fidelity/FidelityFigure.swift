/// One compared figure of a fidelity check: what the recording and the simulation showed, the
/// statistic comparing them, the limit it is held to, and whether it is within it.
package struct FidelityFigure: Sendable, Hashable {
    /// What is compared.
    package enum Kind: Sendable, Hashable {
        /// Latencies of calls the service answered (not timeouts, not 429s), by the two-sample KS
        /// test with a critical value from sequence permutations (`SequencePermutationKS`); the
        /// values are medians in milliseconds.
        case latency
        /// The share of calls of one outcome class, by the difference of proportions.
        case rate(OutcomeClass)
        /// Lengths of runs of consecutive errors (server error, timeout, rate limited) over first
        /// attempts (recorded retries left out), by the same KS test; the values are mean
        /// lengths in calls.
        case errorBursts
        /// Lengths of runs of first attempts in the same most probable regime (decoded with one
        /// hidden Markov model learned from the recorded and simulated first attempts), by the
        /// same KS test; values are mean lengths in calls.
        case regimeDwell
        /// The share of simulated successful bodies matching the schema inferred from the
        /// recorded successful bodies.
        case schemaAgreement
        /// The share of read calls (`get`, `list`: the state determines the answer) whose
        /// simulated body equals the recorded one (canonical JSON).
        case bodyAgreement
        /// The same share for a tool with `"op": "recorded"`, whose answer depends on its
        /// arguments (the recorded answer for the same canonical arguments), not on the state.
        case recordedBodyAgreement
        /// The share of calls of a world-changing tool (`create`, `update`, `delete`, `custom`)
        /// whose simulated answer equals the recorded one, except the fields the scenario sets
        /// from the clock, compared by their offset from the call's time (`WriteBodyMatch`).
        case writeBodyAgreement

        /// The figure's name in reports: `latency`, `rate server_error`, `error bursts`, ….
        package var name: String {
            switch self {
            case .latency: "latency"
            case .rate(let outcome): "rate \(outcome.rawValue)"
            case .errorBursts: "error bursts"
            case .regimeDwell: "regime dwell"
            case .schemaAgreement: "response schema"
            case .bodyAgreement: "exact body"
            case .recordedBodyAgreement: "recorded body"
            case .writeBodyAgreement: "write body"
            }
        }

        /// The figure's key in JSON: `latency`, `rate_server_error`, `error_bursts`, ….
        package var key: String { name.replacingSpaces }
    }

    /// Whether the figure is within its threshold.
    package enum Verdict: Sendable, Hashable {
        /// Within.
        case pass
        /// Outside.
        case fail
        /// Not computed, for the reason given (too few observations, nothing to compare); it does
        /// not fail the check.
        case notComputed(String)

        /// `pass`, `fail` or `n/a`.
        package var word: String {
            switch self {
            case .pass: "pass"
            case .fail: "FAIL"
            case .notComputed: "n/a"
            }
        }
    }

    /// What is compared.
    package var kind: Kind
    /// The recorded observations the figure rests on (latencies, calls, bursts, dwell times,
    /// bodies).
    package var recordedCount: Int
    /// The simulated observations.
    package var simulatedCount: Int
    /// The recorded value (a median, share or mean; for agreements, `nil`).
    package var recordedValue: Double?
    /// The simulated value (a median, share, mean or agreement share).
    package var simulatedValue: Double?
    /// The statistic: KS `D`, the difference of shares, or the agreement share.
    package var statistic: Double?
    /// The confidence interval of a rate difference.
    package var interval: ClosedRange<Double>?
    /// The limit: the KS critical value, the largest tolerated difference, or the least agreement.
    package var limit: Double?
    /// Whether it is within the limit; for a tested figure (with a `pValue`), whether its p-value
    /// is above its `level`.
    package var verdict: Verdict
    /// The p-value of a tested figure (KS figures: from the sequence permutations; rates: of the
    /// tolerance test, `ProportionDifference.pValue(tolerance:)`); `nil` for the agreements, which
    /// are not hypothesis tests, and for figures not computed.
    package var pValue: Double?
    /// The level the check's correction held the p-value to (`FidelityCorrection.levels`: α with
    /// none, Holm's α/(k − i)); the figure fails when its p-value is at most this. `nil` with
    /// `pValue`.
    package var level: Double?

    /// A figure from its parts; a tested figure also has a p-value and a level.
    package init(
        kind: Kind, recordedCount: Int, simulatedCount: Int, recordedValue: Double?, simulatedValue: Double?,
        statistic: Double?, interval: ClosedRange<Double>?, limit: Double?, verdict: Verdict,
        pValue: Double? = nil, level: Double? = nil
    ) {
        self.kind = kind
        self.recordedCount = recordedCount
        self.simulatedCount = simulatedCount
        self.recordedValue = recordedValue
        self.simulatedValue = simulatedValue
        self.statistic = statistic
        self.interval = interval
        self.limit = limit
        self.verdict = verdict
        self.pValue = pValue
        self.level = level
    }

    /// Whether the figure is a tested one: computed, with a p-value (KS figures and rates).
    package var isTested: Bool { pValue != nil && !isNotComputed }

    /// Whether the figure was not computed.
    package var isNotComputed: Bool { if case .notComputed = verdict { true } else { false } }

    /// The figure held to `level`: it fails when its p-value is at most the level (both rounded as
    /// verdicts compare them). Only for a tested figure.
    package func held(to level: Double) -> FidelityFigure {
        precondition(pValue != nil, "only a tested figure is held to a level")
        var figure = self
        figure.level = level
        figure.verdict = Self.settled(pValue!) <= Self.settled(level) ? .fail : .pass
        return figure
    }

    /// The decimals to show the p-value and its level with: four, or as many as it takes (up to
    /// `comparedDecimals`) to show two significant digits of a small p-value or level, and to show
    /// them unequal when the verdict found them unequal.
    package var pDecimals: Int {
        guard let pValue, let level else { return 4 }
        var digits = 4
        while digits < Self.comparedDecimals,
            [pValue, level].contains(where: { $0 > 0 && $0 < Self.power(1 - digits) })
                || (Self.settled(pValue) != Self.settled(level)
                    && LatencyFit.rounded(pValue, digits: digits) == LatencyFit.rounded(level, digits: digits))
        {
            digits += 1
        }
        return digits
    }

    /// 10 to the power `exponent`.
    private static func power(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<Swift.abs(exponent) { value *= 10 }
        return exponent < 0 ? 1 / value : value
    }

    /// The decimals to which a statistic and its limit are compared: the verdict compares them
    /// rounded to 9 decimals (`settled`), so the report can always print them with enough digits
    /// to show the comparison the verdict made (never `0.0999 ≤ 0.0999 FAIL`).
    package static let comparedDecimals = 9

    /// `value` rounded to `comparedDecimals` decimals, as verdicts compare it.
    package static func settled(_ value: Double) -> Double { LatencyFit.rounded(value, digits: comparedDecimals) }

    /// The decimals to show the statistic (and interval) and the limit with: `minimum`, or more
    /// when that many would print a value equal to the limit it differs from (up to
    /// `comparedDecimals`), so the printed figures compare as the verdict did.
    package func decimals(minimum: Int) -> Int {
        guard let limit else { return minimum }
        var compared: [(Double, Double)] = []
        if let interval {
            for bound in [interval.lowerBound, interval.upperBound] { compared += [(bound, limit), (bound, -limit)] }
        } else if let statistic {
            compared.append((statistic, limit))
        }
        var digits = minimum
        while digits < Self.comparedDecimals,
            compared.contains(where: { value, limit in
                Self.settled(value) != Self.settled(limit)
                    && LatencyFit.rounded(value, digits: digits) == LatencyFit.rounded(limit, digits: digits)
            })
        {
            digits += 1
        }
        return digits
    }

    /// A figure that could not be computed, for `reason`.
    package static func notComputed(
        _ kind: Kind, recorded: Int, simulated: Int, reason: String
    ) -> FidelityFigure {
        FidelityFigure(
            kind: kind, recordedCount: recorded, simulatedCount: simulated, recordedValue: nil, simulatedValue: nil,
            statistic: nil, interval: nil, limit: nil, verdict: .notComputed(reason))
    }
}

extension String {
    /// The text with spaces as underscores (report keys).
    fileprivate var replacingSpaces: String { String(map { $0 == " " ? "_" : $0 }) }
}
