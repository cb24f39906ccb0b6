import WorldModel

/// The outcome of one check of a scenario in one episode, with the evidence for it.
///
/// Evidence is written for people and says what was observed, e.g.
/// `count('refunds', …) was 2, expected true`, `broke at step 7`, `called 3 times, max 0`.
public struct CheckResult: Sendable, Hashable {
    /// Where a check comes from: the scenario's check kinds, or one simrun always applies.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// An `expect` check on the final state.
        case expect
        /// An `always` invariant checked after every step.
        case always
        /// A `calls` bound on how often a tool was called.
        case calls
        /// An `answer` check on the agent's final answer.
        case answer
        /// A `state` check: the final data equals the reference solution's.
        case state
        /// An `unchanged` check: collections exactly as they began.
        case unchanged
        /// A built-in check: calls in scope, approvals respected, step and deadline limits.
        case builtin
    }

    /// Who a failed check is put down to.
    public enum Attribution: String, Sendable, Hashable, CaseIterable {
        /// The agent: no injected fault fired and the scenario did not fail.
        case agent
        /// An injected fault (a fault rule, a service regime's error, the rate limit) fired in the
        /// episode: the agent may still be to blame, but did not cope with it.
        case fault
        /// The scenario itself: one of its expressions failed at run time (a step answered
        /// `scenario_error`, or the check could not be evaluated). Not the agent's failure.
        case scenario
    }

    /// The check's name as written in the scenario (or the built-in check's name).
    public var name: String
    /// Which kind of check this is.
    public var kind: Kind
    /// Whether the check passed.
    public var passed: Bool
    /// What was observed, in words; may be empty for a passing check.
    public var evidence: String
    /// Who a failed check is put down to; `nil` for a passing check.
    public var attribution: Attribution?

    /// Creates a check result.
    package init(name: String, kind: Kind, passed: Bool, evidence: String, attribution: Attribution? = nil) {
        self.name = name
        self.kind = kind
        self.passed = passed
        self.evidence = evidence
        self.attribution = attribution
    }

    /// The JSON form: `{"evidence","kind","name","passed"}`, plus `"attributed_to"` (`agent`,
    /// `fault` or `scenario`) on a failed check that has been attributed.
    package var json: JSON {
        var members: JSONObject = [
            "name": .string(name), "kind": .string(kind.rawValue), "passed": .bool(passed),
            "evidence": .string(evidence),
        ]
        if let attribution { members["attributed_to"] = .string(attribution.rawValue) }
        return .object(members)
    }

    /// Decodes the JSON form; `path` prefixes error paths (e.g. `checks[2]`).
    package init(json: JSON, path: String = "check") throws(RecordDecodingError) {
        var reader = try _RecordReader(json, path: path)
        name = try reader.string("name")
        kind = try reader.choice("kind", Kind.self)
        passed = try reader.bool("passed")
        evidence = try reader.string("evidence")
        if reader.optionalValue("attributed_to") != nil {
            attribution = try reader.choice("attributed_to", Attribution.self)
        }
        try reader.finish()
    }
}
