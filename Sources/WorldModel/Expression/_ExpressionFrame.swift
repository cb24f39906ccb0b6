/// The mutable state of one evaluation: variable and lambda slots, the world state, and the
/// step budget.
struct _ExpressionFrame {
    /// Scope variables first (shared with the caller's bindings until a lambda or row scan
    /// writes a slot), then the slots of lambda parameters and per-row `row` variables.
    var slots: [JSON]
    /// The world state.
    let context: any ExpressionContext
    /// Steps charged so far.
    var steps: Int
    /// The most steps allowed.
    let budget: Int

    /// Charges `cost` steps, failing once the budget is exceeded.
    @inline(__always)
    mutating func charge(_ cost: Int) throws(ExpressionRuntimeError) {
        steps &+= cost
        if steps > budget { throw .costExceeded(budget: budget) }
    }
}

/// A compiled expression node: reads the frame, returns a value.
typealias _ExpressionCode = @Sendable (inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON
