import WorldModel

/// One step of a scenario's reference solution; the built-in reference agents follow them.
package indirect enum SolutionStep: Sendable {
    /// Call `tool` with `arguments`, overridden by `argumentsFrom` (expressions over `saved` and
    /// loop variables); keep the parsed body as `saved.<save>`; with `paginate`, follow
    /// `next_cursor` and keep `{"items": [all items]}`.
    case call(SolutionCall)
    /// Repeat `steps` for each element of the array `items`, bound to `variable`.
    case forEach(items: CompiledExpression, variable: String, steps: [SolutionStep])
    /// Give the final answer; `{{expression}}` placeholders are filled from `saved`.
    case answer(AnswerTemplate)
}

/// One call of a reference solution.
package struct SolutionCall: Sendable {
    /// The tool.
    package var tool: String
    /// Literal arguments.
    package var arguments: JSONObject
    /// Arguments computed when the step runs, over `saved` and loop variables; they override
    /// literal ones of the same name.
    package var argumentsFrom: [(name: String, value: CompiledExpression)]
    /// The name under `saved` that keeps the parsed body.
    package var save: String?
    /// Whether to follow `next_cursor` and keep `{"items": [all items]}`.
    package var paginate: Bool
    /// The status the step must answer (`expect_status`): the reference agents carry on after it,
    /// and validation fails when the step answers anything else. `nil`: any 2xx.
    package var expectStatus: Int?
    /// How to find out whether this write applied after an ambiguous failure (`verify`).
    package var verify: SolutionVerify?

    /// Creates a call step.
    package init(
        tool: String, arguments: JSONObject, argumentsFrom: [(name: String, value: CompiledExpression)] = [],
        save: String? = nil, paginate: Bool = false, expectStatus: Int? = nil, verify: SolutionVerify? = nil
    ) {
        self.tool = tool
        self.arguments = arguments
        self.argumentsFrom = argumentsFrom
        self.save = save
        self.paginate = paginate
        self.expectStatus = expectStatus
        self.verify = verify
    }
}

/// A solution step's `verify`: the read that shows whether a write applied, for the robust agent
/// to call after an ambiguous failure (500, 502, 504) of a write that is not safe to repeat.
///
/// `{"tool": "store_get_order", "args_from": {"order_id": "saved.order.id"},
///   "applied": "body.status == 'cancelled'"}`: the agent calls `tool`; when `applied` is true of
/// the read's parsed body (bound as `body`, with `saved` and loop variables), the write is taken
/// as done and the read's body is saved in its place; when false, the write did not apply and is
/// sent again.
package struct SolutionVerify: Sendable {
    /// The read-only tool to call.
    package var tool: String
    /// Literal arguments.
    package var arguments: JSONObject
    /// Computed arguments, as in `SolutionCall`.
    package var argumentsFrom: [(name: String, value: CompiledExpression)]
    /// A condition over `body` (the read's parsed body), `saved` and loop variables.
    package var applied: CompiledExpression

    /// Creates a verification.
    package init(
        tool: String, arguments: JSONObject, argumentsFrom: [(name: String, value: CompiledExpression)],
        applied: CompiledExpression
    ) {
        self.tool = tool
        self.arguments = arguments
        self.argumentsFrom = argumentsFrom
        self.applied = applied
    }
}

/// An answer text with `{{expression}}` placeholders (the template type requires messages
/// share).
package typealias AnswerTemplate = TextTemplate
