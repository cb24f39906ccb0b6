/// The position of a scope variable in `ExpressionBindings`, fixed when the variable is declared.
///
/// Resolve a slot once (e.g. when a tool is loaded) and bind values through it on the hot path;
/// it is a plain index, so binding costs no lookup.
package struct ExpressionSlot: Sendable, Hashable {
    /// The 0-based index into the bindings.
    package let index: Int

    init(_ index: Int) { self.index = index }
}
