/// One declarative effect of a `custom` tool. Effects are applied in order and atomically:
/// if any fails, none is kept.
package indirect enum Effect: Sendable {
    /// Changes the selected rows: `set` fields (nested paths allowed) and `append` to array fields.
    case update(collection: String, selector: RowSelector, set: [FieldAssignment], append: [FieldAssignment])
    /// Creates a row from `value`; its id comes from `key` or the collection's counter.
    case create(collection: String, value: [FieldAssignment], key: CompiledExpression?)
    /// Removes the selected rows.
    case delete(collection: String, selector: RowSelector)
    /// Applies `body` once per element of the array `items`, with the element bound to `variable`.
    case forEach(items: CompiledExpression, variable: String, body: [Effect])
    /// Binds names for the effects after it in the same list (`{"let": {…}}`), in order.
    case bind([LetBinding])
    /// Applies `then` when `condition` is true, `otherwise` when it is false (`{"if", "then",
    /// "else"}`); any other value is the scenario's error.
    case branch(condition: CompiledExpression, then: [Effect], otherwise: [Effect])

    /// Whether the effect may remove or overwrite data.
    package var isDestructive: Bool {
        switch self {
        case .update, .delete: true
        case .create: false
        case .forEach(_, _, let body): body.contains { $0.isDestructive }
        case .bind: false
        case .branch(_, let then, let otherwise): (then + otherwise).contains { $0.isDestructive }
        }
    }
}
