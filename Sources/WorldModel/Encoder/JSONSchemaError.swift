/// Why a schema could not be compiled, and where in the schema: a `Diagnostic` whose path is
/// relative to the schema's root (`properties.amount.minimum`). Embedders that keep schemas
/// inside larger documents place it under their own location with `rendered(under:)`.
package typealias JSONSchemaError = Diagnostic

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
