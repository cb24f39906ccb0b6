/// A compiled condition simple enough to test without an evaluation frame, as the checker
/// recognised it (`CompiledExpression.directCondition`). Testing it gives exactly what evaluating the
/// expression gives, errors included; the engine uses it for preconditions, which are mostly of
/// these two shapes. It reads scope variables only (never lambda slots).
enum _DirectCondition: Sendable {
    /// `v.key == value`, or `!=` when `negate`, with `v` the variable in `slot` and `value` a
    /// constant.
    case memberEquals(slot: Int, key: String, value: JSON, negate: Bool)
    /// `exists(collection, row.id == args.<keyField>)` compiled against a bound row (see
    /// `ExpressionRowBinding`) in `boundSlot`, with `args` in `argsSlot`: it holds exactly when
    /// the bound row is an object whose `id` equals `args.<keyField>`, a string.
    case boundRowExists(boundSlot: Int, argsSlot: Int, keyField: String)

    /// Whether the condition reads only the engine scope's variables: `args` (slot 0), `row`
    /// (slot 1) and the bound row in `boundSlot`.
    func readsEngineVariablesOnly(boundSlot: Int?) -> Bool {
        switch self {
        case .memberEquals(let slot, _, _, _): slot == 0 || slot == 1 || slot == boundSlot
        case .boundRowExists(let bound, let argsSlot, _): bound == boundSlot && argsSlot == 0
        }
    }

    /// Whether the condition holds, given the engine scope's variables: `args` in slot 0, `row`
    /// in slot 1 and the bound row (if any) in `boundSlot`; other slots read as `null`.
    func holds(args: JSON, row: JSON, boundRow: JSON, boundSlot: Int?) throws(ExpressionRuntimeError) -> Bool {
        switch self {
        case .memberEquals(let slot, let key, let constant, let negate):
            let field: JSON
            switch slot {
            case 0: field = try _ExpressionOperations.member(args, key)
            case 1: field = try _ExpressionOperations.member(row, key)
            default: field = try _ExpressionOperations.member(slot == boundSlot ? boundRow : .null, key)
            }
            return (field == constant) != negate
        case .boundRowExists(let bound, let argsSlot, let keyField):
            guard bound == boundSlot, argsSlot == 0, case .object(let found) = boundRow else { return false }
            let id = try _ExpressionOperations.member(args, keyField)
            guard case .string = id else { return false }
            return found["id"] == id
        }
    }
}
