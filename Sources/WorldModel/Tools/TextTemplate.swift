/// A text with `{{expression}}` placeholders: a solution's answer, a precondition's message.
///
/// The loader splits the text and compiles each placeholder once (`ScenarioReader.readTemplate`);
/// `render` fills them in: strings as they are, other values as canonical JSON.
package struct TextTemplate: Sendable {
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

    /// Whether the text has at least one placeholder.
    package var hasPlaceholders: Bool {
        parts.contains { if case .expression = $0 { true } else { false } }
    }

    /// The text with every placeholder replaced by the value `evaluate` gives for it.
    package func render<Failure: Error>(_ evaluate: (CompiledExpression) throws(Failure) -> JSON) throws(Failure)
        -> String
    {
        var text = ""
        for part in parts {
            switch part {
            case .text(let literal): text += literal
            case .expression(let expression):
                let value = try evaluate(expression)
                text += value.stringValue ?? value.canonicalText
            }
        }
        return text
    }
}
