/// The set of JSON types a `type` keyword allows, as a bit set.
struct _TypeSet: OptionSet, Sendable, Hashable {
    let rawValue: UInt8
    static let null = _TypeSet(rawValue: 1)
    static let boolean = _TypeSet(rawValue: 2)
    static let integer = _TypeSet(rawValue: 4)
    static let number = _TypeSet(rawValue: 8)
    static let string = _TypeSet(rawValue: 16)
    static let array = _TypeSet(rawValue: 32)
    static let object = _TypeSet(rawValue: 64)

    /// Names in the order used in messages.
    static let named: [(String, _TypeSet)] = [
        ("null", .null), ("boolean", .boolean), ("integer", .integer), ("number", .number),
        ("string", .string), ("array", .array), ("object", .object),
    ]

    static func named(_ name: String) -> _TypeSet? {
        named.first { $0.0 == name }?.1
    }

    /// Whether `value` has one of these types; integral numbers count as integers.
    @inline(__always)
    func admits(_ value: JSON) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .string: return contains(.string)
        case .array: return contains(.array)
        case .object: return contains(.object)
        case .number(let number):
            if contains(.number) { return true }
            return contains(.integer) && number.hasIntegralValue
        }
    }

    /// `string`, `string or null`, `integer, string or null`.
    var listing: String {
        let names = Self.named.filter { contains($0.1) }.map(\.0)
        guard names.count > 1 else { return names.first ?? "nothing" }
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }
}

extension JSONNumber {
    /// Whether the value is mathematically an integer (`1.0` is, per JSON Schema).
    var hasIntegralValue: Bool {
        switch self {
        case .integer, .bigInteger: true
        case .double(let value): value.isFinite && value.rounded(.towardZero) == value
        }
    }
}

/// A compiled `pattern`: the source text and the regular expression.
///
/// A class so that `_Keyword` keeps a fixed, pointer-sized layout (`Regex` is a resilient
/// type, which would otherwise make every keyword copy go through runtime witnesses).
/// `Regex` is not declared `Sendable`, but a compiled regex is immutable after construction
/// (its lazily lowered program is initialised atomically), so sharing it is safe.
final class _SchemaPattern: @unchecked Sendable {
    let source: String
    let regex: Regex<AnyRegexOutput>
    /// A fast matcher with the same meaning, when the pattern is simple enough.
    let simple: _SimplePattern?

    init(source: String, regex: Regex<AnyRegexOutput>) {
        self.source = source
        self.regex = regex
        simple = _SimplePattern(source)
    }

    /// Unanchored search, as JSON Schema specifies.
    func matches(_ text: String) -> Bool {
        if let result = simple?.matches(text) { return result }
        return text.contains(regex)
    }
}

/// `properties`, `patternProperties` and `additionalProperties` together, since the last
/// depends on the first two. A class so that keywords stay cheap to copy.
final class _ObjectMembers: Sendable {
    let properties: [(name: String, node: Int)]
    let propertyLookup: [String: Int]?
    let patternProperties: [(pattern: _SchemaPattern, node: Int)]
    let additional: Int?
    /// Whether no two declared properties share a name (so counting the declared properties an
    /// object has tells whether it has any other).
    let namesAreUnique: Bool

    init(
        properties: [(name: String, node: Int)], patternProperties: [(pattern: _SchemaPattern, node: Int)],
        additional: Int?
    ) {
        self.properties = properties
        self.patternProperties = patternProperties
        self.additional = additional
        namesAreUnique = Set(properties.map(\.name)).count == properties.count
        if properties.count > 12 {
            var lookup: [String: Int] = [:]
            for property in properties where lookup[property.name] == nil { lookup[property.name] = property.node }
            propertyLookup = lookup
        } else {
            propertyLookup = nil
        }
    }

    func declaredNode(for name: String) -> Int? {
        if let propertyLookup { return propertyLookup[name] }
        for property in properties where property.name == name { return property.node }
        return nil
    }
}

/// A `oneOf`/`anyOf` whose branches are told apart by the constant value of one property
/// (`"op": {"const": "list"}`), so failures can name the discriminating property.
struct _Discriminator: Sendable {
    let property: String
    /// Per branch, the values of `property` that select it.
    let values: [[JSON]]
}

/// One compiled keyword (or group of interdependent keywords).
enum _Keyword: Sendable {
    case type(_TypeSet)
    case members(_ObjectMembers)
    case required([String])
    case propertyNames(Int)
    case minProperties(Int)
    case maxProperties(Int)
    case enumeration([JSON])
    case constant(JSON)
    case minimum(JSONNumber)
    case maximum(JSONNumber)
    case exclusiveMinimum(JSONNumber)
    case exclusiveMaximum(JSONNumber)
    case multipleOf(JSONNumber)
    case minLength(Int)
    case maxLength(Int)
    case pattern(_SchemaPattern)
    case items(prefix: [Int], rest: Int?)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case contains(Int, min: Int, max: Int?)
    case allOf([Int])
    case anyOf([Int], _Discriminator?)
    case oneOf([Int], _Discriminator?)
    case not(Int)
    case conditional(if: Int, then: Int?, else: Int?)
    case ref(Int)
}

/// A compiled schema: a boolean schema or a list of keywords in evaluation order
/// (`type` first, then the schema's own order).
struct _SchemaNode: Sendable {
    /// `true`/`false` for boolean schemas, `nil` for object schemas.
    var boolean: Bool?
    var keywords: [_Keyword] = []
    /// For helpers: the declared types and properties.
    var types: _TypeSet?
    var members: _ObjectMembers?
    var required: [String] = []
    var items: Int?
    var ref: Int?
    /// Where the schema sits, for messages: `#/$defs/node`.
    var pointer: String = "#"
}
