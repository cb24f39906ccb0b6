import WorldModel

/// The result of one episode: every check with its evidence, the agent's answer, and how long
/// the episode ran in steps and virtual time.
public struct Verdict: Sendable, Hashable {
    /// Whether the episode passed (normally: every check passed).
    public var passed: Bool
    /// Every check, in the order the scenario lists them, then the built-in ones.
    public var checks: [CheckResult]
    /// The agent's final answer, or `nil` if it never gave one.
    public var answer: String?
    /// The number of tool calls the agent made.
    public var steps: Int
    /// The virtual time at the end of the episode, in milliseconds.
    public var virtualTimeMs: Int64

    /// Creates a verdict with an explicit pass/fail.
    package init(passed: Bool, checks: [CheckResult], answer: String?, steps: Int, virtualTimeMs: Int64) {
        self.passed = passed
        self.checks = checks
        self.answer = answer
        self.steps = steps
        self.virtualTimeMs = virtualTimeMs
    }

    /// Creates a verdict that passes exactly when every check passed.
    package init(checks: [CheckResult], answer: String?, steps: Int, virtualTimeMs: Int64) {
        self.init(
            passed: checks.allSatisfy(\.passed), checks: checks, answer: answer, steps: steps,
            virtualTimeMs: virtualTimeMs)
    }

    /// The checks that failed, in order.
    public var failedChecks: [CheckResult] { checks.filter { !$0.passed } }

    /// Whether the episode failed because of the scenario, not the agent: a failed check is
    /// attributed to the scenario (one of its expressions failed at run time).
    public var scenarioAtFault: Bool { failedChecks.contains { $0.attribution == .scenario } }

    /// The verdict in one word, for harnesses that branch on it.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// The episode passed.
        case pass
        /// The episode failed, and the failure is the agent's (possibly while an injected fault fired).
        case fail
        /// The episode failed because of the scenario: one of its expressions failed at run time
        /// (`scenarioAtFault`). Not a verdict on the agent.
        case error
    }

    /// `pass` when the episode passed, else `error` when the scenario is at fault, else `fail`.
    public var outcome: Outcome {
        if passed { return .pass }
        return scenarioAtFault ? .error : .fail
    }

    /// The JSON form: `{"answer","checks","passed","steps","verdict","virtual_time_ms"}` (the
    /// canonical serializer sorts the keys); `verdict` is `outcome`.
    package var json: JSON { .object(jsonMembers) }

    /// The members of the JSON form, for embedding in a larger object (the trace's verdict line).
    var jsonMembers: JSONObject {
        [
            "passed": .bool(passed),
            "checks": .array(checks.map(\.json)),
            "answer": answer.map(JSON.string) ?? .null,
            "steps": .int(steps),
            "virtual_time_ms": .int(virtualTimeMs),
            "verdict": .string(outcome.rawValue),
        ]
    }

    /// Decodes the JSON form; `path` prefixes error paths.
    package init(json: JSON, path: String = "verdict") throws(RecordDecodingError) {
        var reader = try _RecordReader(json, path: path)
        try self.init(reader: &reader)
        try reader.finish()
    }

    /// Reads the verdict members from `reader`, leaving unknown-member checking to the caller.
    init(reader: inout _RecordReader) throws(RecordDecodingError) {
        passed = try reader.bool("passed")
        var checks: [CheckResult] = []
        for (index, element) in try reader.array("checks").enumerated() {
            checks.append(try CheckResult(json: element, path: reader.memberPath("checks") + "[\(index)]"))
        }
        self.checks = checks
        answer = try reader.optionalString("answer")
        steps = try reader.int("steps", minimum: 0)
        virtualTimeMs = try reader.int64("virtual_time_ms", minimum: 0, maximum: WorldState.maximumNowMs)
        // `verdict` follows from `passed` and the checks' attributions; traces written before it
        // existed lack it. One that disagrees was edited, and is refused.
        if reader.optionalValue("verdict") != nil {
            let recorded = try reader.choice("verdict", Outcome.self)
            guard recorded == outcome else {
                throw RecordDecodingError(
                    path: reader.memberPath("verdict"),
                    expected: "\"\(outcome.rawValue)\" (what passed and the checks' attributions say)",
                    found: "\"\(recorded.rawValue)\"")
            }
        }
    }

    /// A readable rendering for terminals, one line per check:
    ///
    /// ```
    /// FAILED  1 of 3 checks failed · 4 steps · 2.150 s virtual
    ///   ✓ duplicate refunded exactly once
    ///   ✗ never over-refund — broke at step 7
    /// answer: "Refunded the duplicate charge CH-2."
    /// ```
    /// With `.ascii`, marks are `PASS`/`FAIL` and the text is plain ASCII apart from what the
    /// scenario and agent wrote.
    public func rendered(symbols: ReportSymbols = .unicode) -> String {
        let failed = failedChecks.count
        let dot = symbols == .unicode ? " · " : ", "
        var summary = passed ? "PASSED  " : "FAILED  "
        summary += failed == 0 ? "all \(checks.count) checks passed" : "\(failed) of \(checks.count) checks failed"
        summary += "\(dot)\(steps) step\(steps == 1 ? "" : "s")"
        summary += "\(dot)\(_TextFormatting.seconds(milliseconds: virtualTimeMs)) s virtual"
        var lines = [summary]
        for check in checks {
            var line = "  \(symbols.mark(check.passed)) \(check.name)"
            if !check.evidence.isEmpty { line += symbols.separator + Self.oneLine(check.evidence) }
            if let attribution = check.attribution, attribution != .agent {
                line += " [\(attribution == .scenario ? "scenario's fault" : "injected fault fired")]"
            }
            lines.append(line)
        }
        if scenarioAtFault {
            lines.append("the scenario is at fault, not the agent: one of its expressions failed at run time")
        }
        if let answer {
            lines.append("answer: " + JSON.string(answer).canonicalText)
        } else {
            lines.append("answer: (none)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Evidence on one line: line breaks shown as `\n` so one check stays one line.
    static func oneLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) else { return text }
        return text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: "\\n")
    }
}

extension Verdict: CustomStringConvertible {
    /// The ASCII rendering.
    public var description: String { rendered(symbols: .ascii) }
}
