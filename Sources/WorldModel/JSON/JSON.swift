/// A JSON value with exact numbers and object keys in insertion order.
///
/// `JSON` is the currency of simrun: scenario files, tool arguments, entity rows, response
/// bodies and traces are all `JSON`. Two properties matter for determinism:
/// - numbers are exact: integers in `Int64` range stay integers, larger integers keep their
///   decimal text, and doubles print as the shortest text that reads back to the same value;
/// - objects keep the order their keys were written in, while equality and hashing ignore
///   order, and the canonical serializer sorts keys so that output never depends on it.
public enum JSON: Sendable, Hashable {
    /// The literal `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept exactly as parsed or computed.
    case number(JSONNumber)
    /// A string of Unicode scalars.
    case string(String)
    /// An ordered list of values.
    case array([JSON])
    /// An object whose keys keep their insertion order.
    case object(JSONObject)
}

extension JSON {
    /// An integer number.
    @inlinable
    public static func int(_ value: Int64) -> JSON { .number(.integer(value)) }

    /// An integer number.
    @inlinable
    public static func int(_ value: Int) -> JSON { .number(.integer(Int64(value))) }

    /// A floating-point number.
    @inlinable
    public static func double(_ value: Double) -> JSON { .number(.double(value)) }

    /// The name of this value's JSON type, as used in error messages
    /// (`null`, `boolean`, `integer`, `number`, `string`, `array`, `object`).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let number): number.isInteger ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Whether this is `null`.
    @inlinable
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The Boolean, if this is `true` or `false`.
    @inlinable
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The string, if this is a string.
    @inlinable
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The number, if this is a number.
    @inlinable
    public var numberValue: JSONNumber? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, if this is a number.
    @inlinable
    public var doubleValue: Double? { numberValue?.doubleValue }

    /// The number as an `Int64`, if this is a number with an exact integer value in range.
    @inlinable
    public var int64Value: Int64? { numberValue?.int64Value }

    /// The elements, if this is an array.
    @inlinable
    public var arrayValue: [JSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object, if this is an object.
    @inlinable
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member named `key`, if this is an object that has it.
    @inlinable
    public subscript(key: String) -> JSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index`, if this is an array and the index is in bounds.
    @inlinable
    public subscript(index: Int) -> JSON? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }
}

extension JSON {
    /// Structural equality: strings and keys compare by their Unicode scalars (UTF-8 bytes), as
    /// JSON defines them, not by Swift's canonical equivalence; numbers compare numerically;
    /// object member order is ignored.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b && _JSONKey.sameBytes(a, b)
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default: return false
        }
    }
}

extension JSON: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `nil` is JSON `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A Boolean literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer literal.
    public init(integerLiteral value: Int64) { self = .number(.integer(value)) }
    /// A floating-point literal.
    public init(floatLiteral value: Double) { self = .number(.double(value)) }
    /// A string literal.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array literal.
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    /// A dictionary literal; keys keep the order they are written in, and a repeated key keeps
    /// its first position with the last value.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        var object = JSONObject()
        for (key, value) in elements { object[key] = value }
        self = .object(object)
    }
}
