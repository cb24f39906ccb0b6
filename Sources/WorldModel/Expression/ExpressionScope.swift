/// The names an expression may use: variables with their types, collections with their row
/// types, and the tools and services `calls()` and `regime()` may name.
///
/// Variables get a slot in declaration order; an `ExpressionBindings` made from the same scope
/// (or a scope that declared the same variables first, in the same order) carries their values.
package struct ExpressionScope: Sendable {
    /// Declared variables in slot order.
    package private(set) var variables: [(name: String, type: ExpressionType)] = []
    /// Collections by name, each with the type of its rows (usually `.record(fields)` or
    /// `.openObject`).
    package var collections: [String: ExpressionType] = [:]
    /// Tool names `calls()` may name; `nil` accepts any name.
    package var tools: Set<String>?
    /// Service names `regime()` may name; `nil` accepts any name.
    package var services: Set<String>?
    /// The row lookups that read a pre-bound slot instead (see `ExpressionRowBinding`).
    var rowBinding: ExpressionRowBinding?

    /// Creates a scope.
    package init(
        variables: KeyValuePairs<String, ExpressionType> = [:],
        collections: [String: ExpressionType] = [:],
        tools: Set<String>? = nil,
        services: Set<String>? = nil
    ) {
        for (name, type) in variables { declare(name, as: type) }
        self.collections = collections
        self.tools = tools
        self.services = services
    }

    /// Declares `name` (or changes its type if already declared) and returns its slot.
    @discardableResult
    package mutating func declare(_ name: String, as type: ExpressionType) -> ExpressionSlot {
        if let existing = variables.firstIndex(where: { $0.name == name }) {
            variables[existing].type = type
            return ExpressionSlot(existing)
        }
        variables.append((name, type))
        return ExpressionSlot(variables.count - 1)
    }

    /// Declares a collection whose rows have the given fields, or any fields when `nil`.
    package mutating func declareCollection(_ name: String, fields: [String]?) {
        collections[name] = fields.map { ExpressionType.record($0) } ?? .openObject
    }

    /// The slot of a declared variable.
    package func slot(of name: String) -> ExpressionSlot? {
        variables.firstIndex(where: { $0.name == name }).map(ExpressionSlot.init)
    }

    /// Empty bindings (every variable `null`) sized for this scope.
    package func makeBindings() -> ExpressionBindings {
        ExpressionBindings(names: variables.map(\.name))
    }
}
