/// How a tool whose operation addresses one row by `key: args.<field>` (`get`, `update` or
/// `delete` by key) finds that row: once per step, shared by its preconditions and the operation.
///
/// Built when the world is compiled. The preconditions that look the row up again
/// (`exists('tickets', row.id == args.ticket_id)`, `get('tickets', args.ticket_id).status`) are
/// compiled to read it from a slot instead (`CompiledExpression.binding(_:)`), so a step costs one id
/// lookup however many preconditions name the row.
struct TargetRowPlan: Sendable {
    /// The collection the operation addresses.
    let collection: String
    /// The collection's position in the world's entity store (the same in every state of one
    /// world; `resolve` checks it, so a state from elsewhere only loses the shortcut).
    let collectionIndex: Int
    /// The field of the arguments holding the row's id.
    let keyField: String
    /// The tool's preconditions, each compiled to read the target row when it looks it up.
    let requires: [Precondition]

    /// The plan for `tool`, or nil when its operation does not address one row by `args.<field>`
    /// or the collection is not in `data`.
    init?(_ tool: ToolSpec, data: EntityStore) {
        let collection: String
        let key: CompiledExpression
        switch tool.operation {
        case .get(let name, let expression): (collection, key) = (name, expression)
        case .update(let name, .key(let expression), _, _): (collection, key) = (name, expression)
        case .delete(let name, .key(let expression)): (collection, key) = (name, expression)
        default: return nil
        }
        guard let (slot, field) = key.variableMember, slot == 0, let index = data.index(of: collection) else {
            return nil
        }
        self.collection = collection
        collectionIndex = index
        keyField = field
        let binding = ExpressionRowBinding(collection: collection, keyField: field)
        requires = tool.requires.map { precondition in
            var bound = precondition
            if let expression = precondition.expression.binding(binding) { bound.expression = expression }
            return bound
        }
    }

    /// The target row of a call with `arguments` in `data`: exactly what
    /// `get(collection, args.<keyField>)` finds. Nil when `data` is not laid out as the plan
    /// expects, or when `arguments` is neither an object nor null (reading `args.<keyField>`
    /// would then be a type error, which only the unbound preconditions reproduce); the caller
    /// then looks rows up by name.
    func resolve(_ arguments: JSON, in data: EntityStore) -> TargetRow? {
        guard collectionIndex < data.collections.count, data.collections[collectionIndex].name == collection else {
            return nil
        }
        switch arguments {
        case .object, .null: break
        default: return nil
        }
        let key = arguments[keyField]
        let keyIsString = if case .string? = key { true } else { false }
        let id = key?.rowID
        let position = id.flatMap { data.collections[collectionIndex].position(of: $0) }
        return TargetRow(
            collectionIndex: collectionIndex, keyField: keyField, id: id,
            keyIsString: keyIsString, position: position,
            value: position.map { .object(data.collections[collectionIndex].rows[$0]) } ?? .null)
    }
}

/// The row one call's operation addresses, as `TargetRowPlan.resolve` found it.
struct TargetRow {
    /// The collection's position in the entity store.
    let collectionIndex: Int
    /// The field of the arguments holding the row's id.
    let keyField: String
    /// The id the key gives; nil when the key is neither a string nor an integer.
    let id: String?
    /// Whether the key is a string (an integer key names a row by its decimal text, but equals
    /// no row's id).
    let keyIsString: Bool
    /// The row's position in its collection; nil when there is no such row.
    let position: Int?
    /// The row, or `null`: what `get` gives, and what bound preconditions read. The step drops it
    /// once the preconditions are checked (a row held here would make an in-place update copy it).
    var value: JSON
}

extension TargetRow {
    /// The answer of a condition `exists(collection, row.id == args.<keyField>)` over this row,
    /// read off the lookup: true exactly when the key is a string and names a row (ids are
    /// indexed by their bytes, so the row found has that very id). Nil for other conditions.
    func existence(_ condition: CompiledExpression) -> Bool? {
        guard case .boundRowExists(_, _, let field)? = condition.directCondition, field == keyField else {
            return nil
        }
        return keyIsString && position != nil
    }
}

extension JSON {
    /// The row id this value names as a key or in `get`: a string as is, an integer as its
    /// decimal text; nil for anything else.
    var rowID: String? {
        switch self {
        case .string(let text): text
        case .number(let number) where number.isInteger: number.description
        default: nil
        }
    }
}
