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

/// An answer text with `{{expression}}` placeholders.
package struct AnswerTemplate: Sendable {
    /// The parts of the text, in order.
    package var parts: [Part]

    /// A literal run of text or an expression to evaluate and insert.
    package enum Part: Sendable {
        /// Literal text.
        case text(String)
        /// An expression whose value is inserted (strings as-is, other values as JSON).
        case expression(CompiledExpression)
    }

    /// Creates a template from parts.
    package init(parts: [Part]) { self.parts = parts }
}
