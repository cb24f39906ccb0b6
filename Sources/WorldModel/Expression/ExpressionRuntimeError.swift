/// Why evaluating a compiled expression failed. The caller turns it into a tool outcome
/// (4xx or 5xx); evaluation never crashes.
package enum ExpressionRuntimeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An operator or function got values of the wrong type, e.g. `'<' needs two numbers or two
    /// strings, got string and integer`.
    case typeMismatch(String)
    /// `/` or `%` with a zero divisor.
    case divisionByZero
    /// A number result that JSON cannot hold (infinite or NaN).
    case numberOutOfRange(String)
    /// A collection name that the world state does not know.
    case unknownCollection(String)
    /// A service name that the world state does not know.
    case unknownService(String)
    /// A function argument outside what the function accepts, e.g. `round` digits beyond 15.
    case invalidArgument(String)
    /// The evaluation took more steps than its budget.
    case costExceeded(budget: Int)
    /// The bindings do not hold the variables the expression was compiled for.
    case bindingsMismatch(expected: Int, found: Int)
    /// A condition evaluated to something other than a Boolean.
    case notABoolean(String)

    /// A message for people.
    package var description: String {
        switch self {
        case .typeMismatch(let message): "type mismatch: \(message)"
        case .divisionByZero: "division by zero"
        case .numberOutOfRange(let message): "number out of range: \(message)"
        case .unknownCollection(let name): "unknown collection '\(name)'"
        case .unknownService(let name): "unknown service '\(name)'"
        case .invalidArgument(let message): "invalid argument: \(message)"
        case .costExceeded(let budget): "evaluation exceeded its budget of \(budget) steps"
        case .bindingsMismatch(let expected, let found):
            "the expression needs \(expected) bound variables, the bindings have \(found)"
        case .notABoolean(let found): "expected a boolean condition, got \(found)"
        }
    }
}
