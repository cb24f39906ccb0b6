/// The static type of an expression or variable, used for compile-time checks.
///
/// Types are deliberately loose: any value may also be `null` at run time (a missing optional
/// argument, an absent field), so the checker only rejects what can never work, such as
/// `'a' - 1` or a field that a closed object type does not have. `any` disables checks.
package indirect enum ExpressionType: Sendable, Hashable, CustomStringConvertible {
    /// Anything; no static checks.
    case any
    /// Only `null`.
    case null
    /// `true` or `false`.
    case boolean
    /// An integer or double.
    case number
    /// A string.
    case string
    /// An array whose elements have the given type.
    case array(ExpressionType)
    /// An object with known fields; when `open`, other fields may exist and have type `any`,
    /// when closed, naming another field is a compile error.
    case object(fields: [String: ExpressionType], open: Bool)

    /// A closed object whose fields have type `any`; e.g. the rows of a collection.
    package static func record(_ fieldNames: some Sequence<String>) -> ExpressionType {
        .object(
            fields: Dictionary(fieldNames.map { ($0, ExpressionType.any) }, uniquingKeysWith: { first, _ in first }),
            open: false)
    }

    /// An object of which nothing is known.
    package static let openObject = ExpressionType.object(fields: [:], open: true)

    /// The type a JSON Schema describes: `type` `object` with `properties` gives an object type
    /// (closed when `additionalProperties` is `false`), `array` with `items` an array type,
    /// `integer` and `number` a number, and so on; anything else (a list of types, `anyOf`, no
    /// `type`) is `any`.
    package init(jsonSchema schema: JSON) {
        guard let type = schema["type"]?.stringValue else {
            if let properties = schema["properties"]?.objectValue {
                self = Self.objectType(properties: properties, schema: schema)
            } else {
                self = .any
            }
            return
        }
        switch type {
        case "object":
            self = Self.objectType(properties: schema["properties"]?.objectValue ?? JSONObject(), schema: schema)
        case "array":
            self = .array(schema["items"].map { ExpressionType(jsonSchema: $0) } ?? .any)
        case "string": self = .string
        case "integer", "number": self = .number
        case "boolean": self = .boolean
        case "null": self = .null
        default: self = .any
        }
    }

    private static func objectType(properties: JSONObject, schema: JSON) -> ExpressionType {
        var fields: [String: ExpressionType] = [:]
        for (key, value) in properties.members { fields[key] = ExpressionType(jsonSchema: value) }
        let open = schema["additionalProperties"] != .bool(false)
        return .object(fields: fields, open: open)
    }

    /// The type of a sample value (objects closed; arrays typed by their elements when they all
    /// share one type, else `array` of `any`).
    package init(of value: JSON) {
        switch value {
        case .null: self = .null
        case .bool: self = .boolean
        case .number: self = .number
        case .string: self = .string
        case .array(let elements):
            let types = elements.map { ExpressionType(of: $0) }
            let first = types.first ?? .any
            self = .array(types.allSatisfy { $0 == first } ? first : .any)
        case .object(let object):
            var fields: [String: ExpressionType] = [:]
            for (key, value) in object.members { fields[key] = ExpressionType(of: value) }
            self = .object(fields: fields, open: false)
        }
    }

    /// How the type reads in messages: `number`, `array of string`, `object`.
    package var description: String {
        switch self {
        case .any: "any"
        case .null: "null"
        case .boolean: "boolean"
        case .number: "number"
        case .string: "string"
        case .array(let element): element == .any ? "array" : "array of \(element)"
        case .object: "object"
        }
    }

    /// The fields of a closed object type, sorted, for suggestions.
    var closedFieldNames: [String]? {
        if case .object(let fields, false) = self { return fields.keys.sorted() }
        return nil
    }

    var isObjectLike: Bool {
        switch self {
        case .any, .null, .object: true
        default: false
        }
    }
}
