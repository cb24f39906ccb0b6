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
        /// The final data must equal the data the reference solution reaches in the idealized
        /// world, apart from the ignored fields.
        case stateSolution(ignore: [StateIgnore])
        /// The named collections must be exactly as they began.
        case unchanged([String])
    }
}

/// A part of the data a `{"state": "solution"}` check does not compare: a whole collection
/// (`"coll"`) or a field of its rows, possibly nested (`"coll.field"`, `"coll.address.zip"`).
package struct StateIgnore: Sendable, Hashable {
    /// The collection.
    package var collection: String
    /// The field path inside each row; empty to ignore the whole collection.
    package var field: [String]

    /// Creates an ignore entry.
    package init(collection: String, field: [String]) {
        self.collection = collection
        self.field = field
    }
}

extension StateIgnore: CustomStringConvertible {
    /// As written in the file: `coll` or `coll.field`.
    package var description: String { ([collection] + field).joined(separator: ".") }
}
