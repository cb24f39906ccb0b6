/// A scope list that grants nothing by mistake: empty, or with an empty name (`a,,b`).
package struct ScopeListError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The list as given.
    package var text: String
    /// What is wrong with it.
    package var problem: String

    package var description: String {
        "expected a comma-separated list of scope names such as 'crm.read,billing.write', found '\(text.printable)': \(problem)"
    }
}
