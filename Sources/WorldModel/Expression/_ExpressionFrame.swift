/// The mutable state of one evaluation: variable and lambda slots, the world state, and the
/// step budget.
struct _ExpressionFrame {
    /// Scope variables first (shared with the caller's bindings until a lambda or row scan
    /// writes a slot), then the slots of lambda parameters and per-row `row` variables.
    var slots: [JSON]
    /// The world state, stored only for expressions that read it (so the common path neither
    /// boxes nor retains it).
    let storedContext: (any ExpressionContext)?
    /// Steps charged so far.
    var steps: Int
    /// The most steps allowed.
    let budget: Int

    /// The world state (an empty one if the expression was compiled as not reading it).
    var context: any ExpressionContext { storedContext ?? _NoExpressionContext() }

    /// Charges `cost` steps, failing once the budget is exceeded.
    @inline(__always)
    mutating func charge(_ cost: Int) throws(ExpressionRuntimeError) {
        steps &+= cost
        if steps > budget { throw .costExceeded(budget: budget) }
    }
}

/// A compiled expression node: reads the frame, returns a value.
typealias _ExpressionCode = @Sendable (inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON
