/// The values of a scope's variables for one evaluation, indexed by `ExpressionSlot`.
///
/// Make it once with `ExpressionScope.makeBindings()` and reassign slots between evaluations
/// (e.g. `row` for each row of a scan): assigning into uniquely held bindings does not allocate,
/// and evaluation reads them without copying.
package struct ExpressionBindings: Sendable {
    /// The variable names, parallel to `values`.
    package let names: [String]
    /// The values, indexed by slot; unbound variables are `null`.
    package var values: [JSON]

    /// Bindings for the given variable names, all `null`.
    package init(names: [String] = []) {
        self.names = names
        self.values = Array(repeating: .null, count: names.count)
    }

    /// The value in a slot.
    @inlinable
    package subscript(slot: ExpressionSlot) -> JSON {
        get { values[slot.index] }
        set { values[slot.index] = newValue }
    }

    /// The value of a variable by name (a linear lookup; prefer slots on hot paths).
    /// Assigning to an undeclared name does nothing.
    package subscript(name: String) -> JSON? {
        get { names.firstIndex(of: name).map { values[$0] } }
        set {
            guard let index = names.firstIndex(of: name) else { return }
            values[index] = newValue ?? .null
        }
    }
}
