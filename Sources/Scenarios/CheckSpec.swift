import WorldModel

/// One check of a scenario's verdict.
package struct CheckSpec: Sendable {
    /// The check's name as written, shown in verdicts.
    package var name: String
    /// What is checked.
    package var kind: Kind

    /// Creates a check.
    package init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// The kinds of checks.
    package enum Kind: Sendable {
        /// An expression that must be true on the final state.
        case expect(CompiledExpression)
        /// An expression that must be true after every step.
        case always(CompiledExpression)
        /// Bounds on how often a tool was called (optionally only calls answered `status`).
        case calls(tool: String, min: Int?, max: Int?, status: Int?)
        /// Conditions on the agent's final answer: every `contains` text (case-insensitive) and
        /// the `regex`, if given.
        case answer(contains: [String], regex: String?)
    }
}
