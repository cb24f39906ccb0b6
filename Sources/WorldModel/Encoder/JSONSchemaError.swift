/// Why a schema could not be compiled, and where in the schema.
///
/// `path` is relative to the schema's root (`properties.amount.minimum`); embedders that
/// keep schemas inside larger documents prefix their own location with `rendered(under:)`.
package struct JSONSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the schema the problem is.
    package var segments: [JSONPath.Component]
    /// What is wrong, e.g. `expected a number, found string "0"`.
    package var message: String

    /// Creates an error.
    package init(segments: [JSONPath.Component], message: String) {
        self.segments = segments
        self.message = message
    }

    /// The path in dotted form, empty for the schema's root.
    package var path: String { JSONPath.Component.render(segments, under: "") }

    /// `properties.amount.minimum: expected a number, found string "0"` (`schema: …` at the root).
    package var description: String { rendered(under: "") }

    /// The message with the path placed under `root`, e.g. `tools[2].input.properties.x: …`.
    package func rendered(under root: String) -> String {
        let path = JSONPath.Component.render(segments, under: root)
        return "\(path.isEmpty ? "schema" : path): \(message)"
    }
}

/// One way an instance fails its schema.
///
/// Renders as `arguments.amount: expected number, got string "12.5"`.
package struct JSONSchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// Where in the instance, in dotted form under the root name given to `validate`
    /// (`arguments.items[2].sku`, `arguments["first name"]`).
    package var path: String
    /// The schema keyword that failed (`type`, `required`, `additionalProperties`, `oneOf`, …).
    package var keyword: String
    /// What was expected and what was found, e.g. `expected number, got string "12.5"`.
    package var message: String

    /// Creates a violation.
    package init(path: String, keyword: String, message: String) {
        self.path = path
        self.keyword = keyword
        self.message = message
    }

    /// `path: message`.
    package var description: String { "\(path): \(message)" }
}
