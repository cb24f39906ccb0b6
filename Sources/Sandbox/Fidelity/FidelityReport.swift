import WorldModel

/// What a fidelity check found: per service and per tool, each figure beside its limit (and a
/// tested figure's p-value beside the level the correction held it to); as a table for people
/// and as JSON (stable key order, figures rounded to four decimals) for programs. `passed` is
/// false when any computed figure fails; figures that could not be computed never fail it.
package struct FidelityReport: Sendable, Hashable {
    /// One service's or tool's figures.
    package struct Section: Sendable, Hashable {
        /// A service of the scenario, or a tool.
        package enum Kind: String, Sendable, Hashable {
            /// A service.
            case service
            /// A tool.
            case tool
        }

        /// Service or tool.
        package var kind: Kind
        /// Its name in the scenario.
        package var name: String
        /// Recorded calls compared.
        package var recordedCalls: Int
        /// Simulated calls compared.
        package var simulatedCalls: Int
        /// The figures, in a fixed order.
        package var figures: [FidelityFigure] = []
        /// Notes (the regime model used for dwell times, a schema mismatch example).
        package var notes: [String] = []

        /// A section with no figures yet.
        package init(kind: Kind, name: String, recordedCalls: Int, simulatedCalls: Int) {
            self.kind = kind
            self.name = name
            self.recordedCalls = recordedCalls
            self.simulatedCalls = simulatedCalls
        }
    }

    /// The scenario's name.
    package var scenario: String
    /// The inputs, summarised.
    package var sources: [String]
    /// The seeds each sequence was replayed with.
    package var seeds: [UInt64]
    /// The limits.
    package var thresholds: FidelityThresholds
    /// When the replayed calls were made.
    package var timing: FidelityCheck.Timing
    /// Whether recorded retries followed the simulated answers.
    package var retries: FidelityCheck.Retries
    /// The recorded sequences replayed.
    package var sequences: Int
    /// The recorded calls replayed.
    package var recordedCalls: Int
    /// The simulated calls made.
    package var simulatedCalls: Int
    /// Notes on the whole check (recorded tools the scenario lacks).
    package var notes: [String]
    /// Services first, then tools.
    package var sections: [Section] = []

    /// The number of tested figures (KS figures and rates, computed): the family the correction
    /// holds to α.
    package var tested: Int { sections.reduce(0) { $0 + $1.figures.filter(\.isTested).count } }

    /// Holds the tested figures of every section together to α with the thresholds' correction
    /// (`FidelityCorrection.levels`): each gets its level and fails when its p-value is at most it.
    /// The agreements keep their verdicts.
    package mutating func holdTestedFigures() {
        var places: [(section: Int, figure: Int)] = []
        for (s, section) in sections.enumerated() {
            for (f, figure) in section.figures.enumerated() where figure.isTested { places.append((s, f)) }
        }
        let levels = thresholds.correction.levels(
            places.map { sections[$0.section].figures[$0.figure].pValue! }, alpha: thresholds.alpha)
        for (place, level) in zip(places, levels) {
            sections[place.section].figures[place.figure] = sections[place.section].figures[place.figure].held(
                to: level)
        }
    }

    /// Whether every computed figure is within its limit.
    package var passed: Bool { !sections.contains { $0.figures.contains { $0.verdict == .fail } } }

    /// The figures outside their limits, as `service billing: latency`.
    package var failures: [String] {
        sections.flatMap { section in
            section.figures.filter { $0.verdict == .fail }.map {
                "\(section.kind.rawValue) \(section.name): \($0.kind.name)"
            }
        }
    }

    /// How many figures were not computed.
    package var notComputed: Int {
        sections.reduce(0) { total, section in
            total + section.figures.filter { if case .notComputed = $0.verdict { true } else { false } }.count
        }
    }

    /// The seeds for people: `1…20` when consecutive, else listed.
    var seedText: String {
        guard let first = seeds.first, let last = seeds.last else { return "" }
        if seeds.count > 1, seeds == Array(first...last) { return "\(first)…\(last)" }
        return seeds.map(String.init).joined(separator: ", ")
    }

    // MARK: - JSON

    /// The report as JSON.
    package var json: JSON {
        .object([
            "scenario": .string(scenario),
            "sources": .array(sources.map(JSON.string)),
            "seeds": .array(seeds.map(\._recordJSON)),
            "timing": .string(timing.rawValue),
            "correction": .string(thresholds.correction.rawValue),
            "tested_figures": .int(tested),
            "retries": .string(retries.rawValue),
            "thresholds": .object([
                "alpha": .double(thresholds.alpha),
                "ks_permutations": .int(SequencePermutationKS.permutations(alpha: thresholds.alpha)),
                "max_error_rate_diff": .double(thresholds.maximumErrorRateDifference),
                "min_schema_agreement": .double(thresholds.minimumSchemaAgreement),
                "min_body_agreement": .double(thresholds.minimumBodyAgreement),
                "min_samples": .int(thresholds.minimumSamples),
            ]),
            "sequences": .int(sequences),
            "recorded_calls": .int(recordedCalls),
            "simulated_calls": .int(simulatedCalls),
            "passed": .bool(passed),
            "failures": .array(failures.map(JSON.string)),
            "not_computed": .int(notComputed),
            "notes": .array(notes.map(JSON.string)),
            "services": .array(sections.filter { $0.kind == .service }.map(Self.sectionJSON)),
            "tools": .array(sections.filter { $0.kind == .tool }.map(Self.sectionJSON)),
        ])
    }

    /// A figure rounded to four decimals, or `digits`.
    static func number(_ value: Double, digits: Int = 4) -> JSON { .double(LatencyFit.rounded(value, digits: digits)) }

    /// One section as JSON: its name, call counts, figures and notes.
    static func sectionJSON(_ section: Section) -> JSON {
        .object([
            "name": .string(section.name),
            "recorded_calls": .int(section.recordedCalls),
            "simulated_calls": .int(section.simulatedCalls),
            "figures": .array(
                section.figures.map { figure in
                    var object: JSONObject = [
                        "figure": .string(figure.kind.key),
                        "recorded_n": .int(figure.recordedCount),
                        "simulated_n": .int(figure.simulatedCount),
                    ]
                    if let value = figure.recordedValue { object["recorded"] = number(value) }
                    if let value = figure.simulatedValue { object["simulated"] = number(value) }
                    // Statistic, interval and limit with the digits that show the verdict's comparison.
                    let digits = figure.decimals(minimum: 4)
                    if let value = figure.statistic { object["statistic"] = number(value, digits: digits) }
                    if let interval = figure.interval {
                        object["interval"] = .array([
                            number(interval.lowerBound, digits: digits), number(interval.upperBound, digits: digits),
                        ])
                    }
                    if let limit = figure.limit { object["limit"] = number(limit, digits: digits) }
                    if let pValue = figure.pValue, let level = figure.level {
                        object["p_value"] = number(pValue, digits: figure.pDecimals)
                        object["level"] = number(level, digits: figure.pDecimals)
                    }
                    switch figure.verdict {
                    case .pass: object["result"] = "pass"
                    case .fail: object["result"] = "fail"
                    case .notComputed(let reason):
                        object["result"] = "not_computed"
                        object["reason"] = .string(reason)
                    }
                    return .object(object)
                }),
            "notes": .array(section.notes.map(JSON.string)),
        ])
    }

    // MARK: - Text

    /// The report as text: a header, then a table per service and per tool, then the result.
    package var text: String {
        let t = thresholds
        var lines: [String] = []
        lines.append("fidelity of scenario \(scenario) against \(sources.joined(separator: ", "))")
        lines.append(
            "replayed \(sequences) recorded sequence\(sequences == 1 ? "" : "s") (\(recordedCalls) calls) over "
                + "\(seeds.count) seed\(seeds.count == 1 ? "" : "s") (\(seedText)), calls at their recorded \(timing == .recordedTimes ? "times" : "gaps"), "
                + (retries == .follow ? "retries following the simulated answers" : "every recorded call made")
                + ": "
                + "\(simulatedCalls) simulated calls")
        let alpha = Self.fixed(t.alpha, 2)
        lines.append(
            "thresholds: alpha \(alpha) (KS critical values at alpha from \(SequencePermutationKS.permutations(alpha: t.alpha)) "
                + "permutations of whole sequences; \(Self.fixed(100 * (1 - t.alpha), 0)) % intervals clustered by sequence); a rate fails when its whole interval is beyond ±\(Self.fixed(t.maximumErrorRateDifference, 3)); "
                + "schema agreement ≥ \(Self.fixed(t.minimumSchemaAgreement, 3)); "
                + "body agreement ≥ \(Self.fixed(t.minimumBodyAgreement, 3)); \(t.minimumSamples) observations a side")
        lines.append(
            "correction: \(t.correction.summary(tested: tested, alpha: alpha)): a KS figure or rate fails when its "
                + "p-value is at most its level")
        for note in notes { lines.append("note: \(note)") }
        for section in sections {
            lines.append("")
            lines.append(
                "\(section.kind.rawValue) \(section.name): \(section.recordedCalls) recorded calls, \(section.simulatedCalls) simulated"
            )
            let rows = section.figures.map(Self.row)
            let header = ["figure", "recorded", "simulated", "statistic", "limit at alpha", "p vs level", "result"]
            var widths = header.map(\.count)
            for row in rows where row.count == header.count {
                for (index, cell) in row.enumerated() { widths[index] = Swift.max(widths[index], cell.count) }
            }
            for row in [header] + rows {
                var cells: [String] = []
                for (index, cell) in row.enumerated() {
                    cells.append(index == row.count - 1 ? cell : _TextFormatting.rightPad(cell, widths[index]))
                }
                lines.append("  " + cells.joined(separator: "  "))
            }
            for note in section.notes { lines.append("  note: \(note)") }
        }
        lines.append("")
        let skipped =
            notComputed == 0
            ? ""
            : "; \(notComputed) figure\(notComputed == 1 ? "" : "s") not computed (too few observations or nothing to compare), which does not fail the check"
        if passed {
            lines.append("result: pass: every computed figure is within its threshold\(skipped)")
        } else {
            lines.append(
                "result: FAIL: \(failures.count) figure\(failures.count == 1 ? "" : "s") outside the threshold: \(failures.joined(separator: ", "))\(skipped)"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One figure's cells: name, recorded, simulated, statistic, limit (at α, on its own), the
    /// p-value against the level the correction held it to (`p 0.0003 ≤ 0.0016`: fails; `p 0.0420
    /// > 0.0017`: passes; `-` for an agreement, which is not a hypothesis test), result.
    package static func row(_ figure: FidelityFigure) -> [String] {
        let name = figure.kind.name
        if case .notComputed(let reason) = figure.verdict {
            return [name, "n=\(figure.recordedCount)", "n=\(figure.simulatedCount)", "-", "-", "-", "n/a: \(reason)"]
        }
        let recorded: String
        let simulated: String
        let statistic: String
        let limit: String
        // Enough digits that the statistic and its limit compare as the verdict did.
        let digits = figure.decimals(minimum: 4)
        let limitValue = figure.limit ?? 0
        let limitDigits =
            digits > 4 || LatencyFit.rounded(limitValue, digits: 3) != LatencyFit.rounded(limitValue, digits: 4)
            ? digits : 3
        switch figure.kind {
        case .latency:
            recorded = "p50 \(fixed(figure.recordedValue!, 1)) ms (n=\(figure.recordedCount))"
            simulated = "p50 \(fixed(figure.simulatedValue!, 1)) ms (n=\(figure.simulatedCount))"
            statistic = "KS D = \(fixed(figure.statistic!, digits))"
            limit = "≤ \(fixed(figure.limit!, digits))"
        case .rate:
            recorded = "\(fixed(figure.recordedValue!, 4)) (n=\(figure.recordedCount))"
            simulated = "\(fixed(figure.simulatedValue!, 4)) (n=\(figure.simulatedCount))"
            let interval = figure.interval!
            statistic =
                "\(signed(figure.statistic!, digits)) [\(signed(interval.lowerBound, digits)), "
                + "\(signed(interval.upperBound, digits))]"
            limit = "±\(fixed(figure.limit!, limitDigits))"
        case .errorBursts, .regimeDwell:
            recorded = "mean \(fixed(figure.recordedValue!, 2)) (n=\(figure.recordedCount))"
            simulated = "mean \(fixed(figure.simulatedValue!, 2)) (n=\(figure.simulatedCount))"
            statistic = "KS D = \(fixed(figure.statistic!, digits))"
            limit = "≤ \(fixed(figure.limit!, digits))"
        case .schemaAgreement:
            recorded = "\(fixed(figure.recordedValue!, 4)) match (n=\(figure.recordedCount))"
            simulated = "\(fixed(figure.simulatedValue!, 4)) match (n=\(figure.simulatedCount))"
            statistic = "agreement \(fixed(figure.statistic!, digits))\(Self.baselineInterval(figure, digits))"
            limit = "≥ \(fixed(figure.limit!, limitDigits))"
        case .bodyAgreement, .recordedBodyAgreement, .writeBodyAgreement:
            recorded = "\(figure.recordedCount) \(figure.kind == .writeBodyAgreement ? "write" : "read") calls"
            simulated =
                "\(fixed(figure.simulatedValue!, 4)) equal"
                + (figure.recordedValue.map { " (itself \(fixed($0, 4)))" } ?? "")
            statistic = "agreement \(fixed(figure.statistic!, digits))\(Self.baselineInterval(figure, digits))"
            limit = "≥ \(fixed(figure.limit!, limitDigits))"
        }
        var held = "-"
        if let pValue = figure.pValue, let level = figure.level {
            let digits = figure.pDecimals
            held = "p \(fixed(pValue, digits)) \(figure.verdict == .fail ? "≤" : ">") \(fixed(level, digits))"
        }
        return [name, recorded, simulated, statistic, limit, held, figure.verdict.word]
    }

    /// An agreement's difference from its baseline with its interval (` −0.0120 [−0.05, +0.03]`),
    /// or nothing when it has no baseline.
    static func baselineInterval(_ figure: FidelityFigure, _ digits: Int) -> String {
        guard let interval = figure.interval, let baseline = figure.recordedValue, let share = figure.simulatedValue
        else { return "" }
        return
            " \(signed(share - baseline, digits)) [\(signed(interval.lowerBound, digits)), "
            + "\(signed(interval.upperBound, digits))]"
    }

    /// `value` with `digits` decimals (rounded half away from zero), by integer arithmetic.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        _TextFormatting.decimal(value, digits: digits)
    }

    /// `fixed` with a sign always shown (`+0.0123`, `-0.0040`).
    static func signed(_ value: Double, _ digits: Int) -> String {
        let text = fixed(value, digits)
        return text.hasPrefix("-") ? text : "+" + text
    }
}
