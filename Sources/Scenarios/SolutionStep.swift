import WorldModel

/// One step of a scenario's reference solution; the built-in reference agents follow them.
package indirect enum SolutionStep: Sendable {
    /// Call `tool` with `arguments`, overridden by `argumentsFrom` (expressions over `saved` and
    /// loop variables); keep the parsed body as `saved.<save>`; with `paginate`, follow
    /// `next_cursor` and keep `{"items": [all items]}`.
    case call(
        tool: String, arguments: JSONObject, argumentsFrom: [(name: String, value: CompiledExpression)], save: String?,
        paginate: Bool)
    /// Repeat `steps` for each element of the array `items`, bound to `variable`.
    case forEach(items: CompiledExpression, variable: String, steps: [SolutionStep])
    /// Give the final answer; `{{expression}}` placeholders are filled from `saved`.
    case answer(AnswerTemplate)
}

/// An answer text with `{{expression}}` placeholders (the template type requires messages
/// share).
package typealias AnswerTemplate = TextTemplate
