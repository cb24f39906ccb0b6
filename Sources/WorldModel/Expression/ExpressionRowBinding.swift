/// A row the evaluator looks up once, before evaluating, and lends to an expression in a slot.
///
/// A keyed operation (`update` with `key: args.ticket_id`) addresses one row, and its
/// preconditions usually look up that same row again:
/// `exists('tickets', row.id == args.ticket_id)`, `get('tickets', args.ticket_id).status`.
/// Compiled with a binding (`CompiledExpression.binding(_:)`), those lookups read the slot, which the
/// engine fills with exactly what `get(collection, args.<keyField>)` gives (the row or `null`),
/// so a step looks the row up once, and the operation reuses the same lookup.
struct ExpressionRowBinding: Sendable, Hashable {
    /// The collection the row belongs to.
    let collection: String
    /// The field of the `args` variable that holds the row's id.
    let keyField: String

    /// The name of the variable holding the row: not an identifier, so no source text can
    /// read or shadow it.
    static let variable = "$bound_row"
}

extension CompiledExpression {
    /// This expression compiled again in its own scope with `binding` declared, when it looks up
    /// the bound row at least once; otherwise (or when the scope has no `args` variable or no
    /// such collection) `nil`, and the expression is best evaluated as it is.
    ///
    /// The specialised expression has one more scope variable, `ExpressionRowBinding.variable`,
    /// at `boundRowSlot`; every other slot, its value, cost and errors are the same.
    func binding(_ binding: ExpressionRowBinding) -> CompiledExpression? {
        var scope = self.scope
        guard scope.rowBinding == nil, scope.slot(of: "args") != nil,
            let rowType = scope.collections[binding.collection]
        else { return nil }
        scope.declare(ExpressionRowBinding.variable, as: rowType)
        scope.rowBinding = binding
        // The source compiled in `self.scope`; one more variable, under a name no source can
        // write, cannot make it fail, so a failure here is an engine bug.
        let specialized: CompiledExpression
        do throws(ExpressionCompileError) {
            specialized = try CompiledExpression.compile(source, in: scope)
        } catch {
            preconditionFailure("'\(source)' compiled, but not with the row binding declared: \(error)")
        }
        return specialized.boundRowSlot != nil ? specialized : nil
    }
}
