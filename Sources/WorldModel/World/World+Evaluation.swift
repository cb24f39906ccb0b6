extension World {
    /// Evaluates an engine expression (compiled with `ExpressionScope.engine`) against `state`,
    /// with `args` bound (null by default) and no row: checks, approvals, fault conditions.
    package func evaluate(_ expression: CompiledExpression, in state: WorldState, args: JSON = .null)
        throws(ExpressionRuntimeError) -> JSON
    {
        try StepContext(world: self, state: state).evaluate(expression, args: args)
    }

    /// Whether a call of `tool` with `arguments` needs approval in `state` (its `approval`
    /// expression is true; an expression that fails to evaluate counts as needing approval).
    package func needsApproval(_ tool: ToolSpec, arguments: JSON, in state: WorldState) -> Bool {
        guard let approval = tool.approval else { return false }
        do throws(ExpressionRuntimeError) {
            return try evaluate(approval, in: state, args: arguments) != .bool(false)
        } catch {
            return true
        }
    }
}
