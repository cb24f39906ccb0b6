/// A compiled condition simple enough to test without an evaluation frame, as the checker
/// recognised it (`Expression.directCondition`). Testing it gives exactly what evaluating the
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

    /// Whether the condition holds, given the values of the slots it reads.
    func holds(_ value: (Int) -> JSON) throws(ExpressionRuntimeError) -> Bool {
        switch self {
        case .memberEquals(let slot, let key, let constant, let negate):
            return (try _ExpressionOperations.member(value(slot), key) == constant) != negate
        case .boundRowExists(let boundSlot, let argsSlot, let keyField):
            guard case .object(let row) = value(boundSlot) else { return false }
            let id = try _ExpressionOperations.member(value(argsSlot), keyField)
            guard case .string = id else { return false }
            return row["id"] == id
        }
    }
}
