/// One name of a `let`: bound to the value of `value`, evaluated once, for the expressions after
/// it (a tool's `let`: its preconditions, operation, effects and `returns`; an effect's `let`: the
/// effects after it in the same list).
package struct LetBinding: Sendable {
    /// The name, a lower-case identifier that shadows nothing in scope.
    package var name: String
    /// The expression giving its value; it may use the names bound before it.
    package var value: CompiledExpression

    /// Creates a binding.
    package init(name: String, value: CompiledExpression) {
        self.name = name
        self.value = value
    }

    /// Names a `let` may not take: the engine's variables, the literals, and every built-in
    /// function (a binding named `count` would read as a call).
    package static func isReserved(_ name: String) -> Bool {
        ["args", "row", "saved", "true", "false", "null", "in"].contains(name)
            || ExpressionChecker.functionNames.contains(name)
    }
}
