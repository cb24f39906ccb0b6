/// A precompiled validator for the schema shape nearly every tool input has: a root object with
/// `properties` whose subschemas use only leaf keywords, plus `required`, `additionalProperties`
/// and `minProperties`/`maxProperties`.
///
/// It answers exactly what `_SchemaValidator.check(_:_:collect: false)` answers for an object
/// instance, without copying keyword enums, hashing names or allocating: the instance's members
/// are walked once by position, each is matched to its declared property by bytes, checked
/// against that property's `_FlatLeaf`, and `required` is checked with a bit mask of the
/// properties seen. `init?` returns `nil` for any schema outside this shape (nested objects or
/// arrays with `items`, combinators, `$ref`, `patternProperties`, `propertyNames`, more than 64
/// properties, a required name that is not a declared property…), which then takes the general
/// path.
final class _FlatObjectSchema: Sendable {
    /// What happens to a member that is not a declared property.
    enum Additional: Sendable {
        case allowed
        case rejected
        /// Checked against the last of `leaves`.
        case checked
    }

    /// Whether the root `type` (if any) admits objects.
    let admitsObject: Bool
    /// The declared property names, in declaration order (at most 64).
    let names: [String]
    /// The checks of each declared property, parallel to `names`, then the checks of
    /// `additionalProperties` (at position `names.count`).
    let leaves: [_FlatLeaf]
    /// The UTF-8 lengths of `names`.
    let nameLengths: [Int]
    /// Bit `i` set when `names[i]` is required.
    let requiredMask: UInt64
    let additional: Additional
    let minProperties: Int
    let maxProperties: Int
    /// The string values of every `enum` and `const`; leaves name their part by range.
    let strings: [String]
    /// The UTF-8 lengths of `strings`.
    let stringLengths: [Int]
    /// The other values of every `enum` and `const`; leaves name their part by range.
    let others: [JSON]
    /// The `pattern`s the leaves refer to by position.
    let patterns: [_SchemaPattern]
    /// The `multipleOf` divisors the leaves refer to by position.
    let divisors: [JSONNumber]

    /// The flat form of the schema rooted at `root`, or `nil` if it does not have the flat shape.
    init?(nodes: [_SchemaNode], root: Int) {
        let node = nodes[root]
        guard node.boolean == nil else { return nil }
        var tables = _FlatLeaf.Tables()
        var admitsObject = true
        var properties: [(name: String, node: Int)] = []
        var additional = Additional.allowed
        var additionalLeaf = _FlatLeaf()
        var required: [String] = []
        var minProperties = 0
        var maxProperties = Int.max
        for keyword in node.keywords {
            switch keyword {
            case .type(let types):
                admitsObject = types.contains(.object)
            case .members(let members):
                guard members.patternProperties.isEmpty else { return nil }
                properties = members.properties
                if let index = members.additional {
                    if nodes[index].boolean == false {
                        additional = .rejected
                    } else if nodes[index].boolean == true || nodes[index].keywords.isEmpty {
                        additional = .allowed
                    } else if let leaf = _FlatLeaf(nodes[index], tables: &tables) {
                        additional = .checked
                        additionalLeaf = leaf
                    } else {
                        return nil
                    }
                }
            case .required(let names):
                required = names
            case .minProperties(let limit):
                minProperties = limit
            case .maxProperties(let limit):
                maxProperties = limit
            default:
                return nil
            }
        }
        guard properties.count <= 64 else { return nil }
        var leaves: [_FlatLeaf] = []
        for property in properties {
            guard let leaf = _FlatLeaf(nodes[property.node], tables: &tables) else { return nil }
            leaves.append(leaf)
        }
        var requiredMask: UInt64 = 0
        for name in required {
            // `required` looks names up by bytes; a name that is not declared is left to the
            // general validator.
            guard let position = properties.firstIndex(where: { $0.name == name && _JSONKey.sameBytes($0.name, name) })
            else { return nil }
            requiredMask |= 1 << UInt64(position)
        }
        self.admitsObject = admitsObject
        self.names = properties.map(\.name)
        nameLengths = properties.map(\.name.utf8.count)
        self.leaves = leaves + [additionalLeaf]
        self.requiredMask = requiredMask
        self.additional = additional
        self.minProperties = minProperties
        self.maxProperties = maxProperties
        strings = tables.strings
        stringLengths = tables.strings.map(\.utf8.count)
        others = tables.others
        patterns = tables.patterns
        divisors = tables.divisors
    }

    /// Whether `object` satisfies the schema; with `ignoringCursor`, a member whose key is
    /// `cursor` (by bytes) is treated as absent, as if it had been removed first.
    @inline(__always)
    func isValid(_ object: JSONObject, ignoringCursor: Bool) -> Bool {
        guard admitsObject else { return false }
        var seen: UInt64 = 0
        var count = object.count
        let propertyCount = names.count
        members: for position in 0..<object.count {
            let key = object.keys[position]
            let keyLength = key.utf8.count
            if ignoringCursor && keyLength == 6 && _JSONKey.sameBytes(key, "cursor") {
                count -= 1
                continue
            }
            // By bytes first: a name of another length cannot match.
            var property = 0
            while property < propertyCount {
                if nameLengths[property] == keyLength && _JSONKey.sameBytes(names[property], key) {
                    guard admits(property, object.values[position]) else { return false }
                    seen |= 1 << UInt64(property)
                    continue members
                }
                property += 1
            }
            // A key canonically equivalent to a declared name but byte-different: the general
            // validator neither checks it against the property nor counts it as additional.
            if names.contains(key) { continue }
            switch additional {
            case .allowed: continue
            case .rejected: return false
            case .checked:
                guard admits(propertyCount, object.values[position]) else { return false }
            }
        }
        return seen & requiredMask == requiredMask && count >= minProperties && count <= maxProperties
    }

    /// Whether `value` passes every check of `leaves[leaf]` (read in place, not copied), each with the exact semantics of the
    /// matching case of `_SchemaValidator.checkKeyword`.
    @inline(__always)
    func admits(_ leaf: Int, _ value: JSON) -> Bool {
        if leaves[leaf].rejectsEverything || !leaves[leaf].types.admits(value) { return false }
        if let enumeration = leaves[leaf].enumeration, !contains(enumeration, value) { return false }
        if let constant = leaves[leaf].constant, !contains(constant, value) { return false }
        switch value {
        case .string(let text) where leaves[leaf].checksStrings:
            return admits(leaf, text)
        case .number(let number) where leaves[leaf].checksNumbers:
            return admits(leaf, number)
        default:
            return true
        }
    }

    /// Whether `value` equals one of the values of `set`, by `JSON`'s `==` (strings by bytes).
    @inline(__always)
    private func contains(_ set: _FlatValueSet, _ value: JSON) -> Bool {
        if case .string(let text) = value {
            let length = text.utf8.count
            var position = set.strings.lowerBound
            while position < set.strings.upperBound {
                if stringLengths[position] == length && _JSONKey.sameBytes(strings[position], text) { return true }
                position += 1
            }
            return false
        }
        return others[set.others].contains(value)
    }

    private func admits(_ leaf: Int, _ text: String) -> Bool {
        if leaves[leaf].minLength > 0 && text.unicodeScalars.count < leaves[leaf].minLength { return false }
        // Scalars never outnumber bytes.
        if leaves[leaf].maxLength != Int.max && text.utf8.count > leaves[leaf].maxLength
            && text.unicodeScalars.count > leaves[leaf].maxLength
        {
            return false
        }
        if leaves[leaf].pattern >= 0 && !patterns[leaves[leaf].pattern].matches(text) { return false }
        return true
    }

    private func admits(_ leaf: Int, _ number: JSONNumber) -> Bool {
        if let minimum = leaves[leaf].minimum, minimum.exceeds(number) { return false }
        if let maximum = leaves[leaf].maximum, maximum.isExceeded(by: number) { return false }
        if let exclusiveMinimum = leaves[leaf].exclusiveMinimum, !exclusiveMinimum.isExceeded(by: number) {
            return false
        }
        if let exclusiveMaximum = leaves[leaf].exclusiveMaximum, !exclusiveMaximum.exceeds(number) { return false }
        if leaves[leaf].multipleOf >= 0 && !_SchemaValidator.isMultiple(number, of: divisors[leaves[leaf].multipleOf]) {
            return false
        }
        return true
    }
}

/// The checks of one property schema that uses only leaf keywords (`type`, `enum`, `const`,
/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`, `minLength`,
/// `maxLength`, `pattern`, and annotations), or a boolean schema.
///
/// Plain data (no references), so reading one costs no retain or release: value sets, patterns
/// and divisors live in the owning `_FlatObjectSchema`'s tables and are named by range or
/// position (`nil` or `-1` when absent).
struct _FlatLeaf: Sendable {
    /// The tables being filled while leaves are built.
    struct Tables {
        var strings: [String] = []
        var others: [JSON] = []
        var patterns: [_SchemaPattern] = []
        var divisors: [JSONNumber] = []
    }

    /// The `type` keyword; every type when absent.
    var types = _TypeSet(rawValue: 0x7F)
    /// Set for the `false` schema, which admits nothing.
    var rejectsEverything = false
    /// Whether any number keyword is present.
    var checksNumbers = false
    /// Whether any string keyword is present.
    var checksStrings = false
    var enumeration: _FlatValueSet?
    var constant: _FlatValueSet?
    var pattern = -1
    var multipleOf = -1
    var minimum: _FlatBound?
    var maximum: _FlatBound?
    var exclusiveMinimum: _FlatBound?
    var exclusiveMaximum: _FlatBound?
    var minLength = 0
    var maxLength = Int.max

    /// A leaf that admits everything.
    init() {}

    /// The leaf form of `node`, or `nil` if it uses any other keyword.
    init?(_ node: _SchemaNode, tables: inout Tables) {
        if let boolean = node.boolean {
            rejectsEverything = !boolean
            return
        }
        for keyword in node.keywords {
            switch keyword {
            case .type(let types): self.types = types
            case .enumeration(let values):
                enumeration = _FlatValueSet(values, tables: &tables)
            case .constant(let value):
                constant = _FlatValueSet([value], tables: &tables)
            case .minimum(let limit):
                minimum = _FlatBound(limit)
                checksNumbers = true
            case .maximum(let limit):
                maximum = _FlatBound(limit)
                checksNumbers = true
            case .exclusiveMinimum(let limit):
                exclusiveMinimum = _FlatBound(limit)
                checksNumbers = true
            case .exclusiveMaximum(let limit):
                exclusiveMaximum = _FlatBound(limit)
                checksNumbers = true
            case .multipleOf(let divisor):
                multipleOf = tables.divisors.count
                tables.divisors.append(divisor)
                checksNumbers = true
            case .minLength(let limit):
                minLength = limit
                checksStrings = true
            case .maxLength(let limit):
                maxLength = limit
                checksStrings = true
            case .pattern(let pattern):
                self.pattern = tables.patterns.count
                tables.patterns.append(pattern)
                checksStrings = true
            default:
                return nil
            }
        }
    }
}

/// The values of an `enum` or `const`, as ranges of the owning schema's tables: the strings
/// apart, so that a string instance is compared by bytes (as `JSON`'s `==` does) without
/// building a `JSON`.
struct _FlatValueSet: Sendable {
    let strings: Range<Int>
    let others: Range<Int>

    init(_ values: [JSON], tables: inout _FlatLeaf.Tables) {
        let stringStart = tables.strings.count
        let otherStart = tables.others.count
        for value in values {
            if case .string(let text) = value { tables.strings.append(text) } else { tables.others.append(value) }
        }
        strings = stringStart..<tables.strings.count
        others = otherStart..<tables.others.count
    }
}

/// A numeric limit, compared exactly as `JSONNumber`'s `<` compares: as integers when both are
/// `integer`, else by `doubleValue`.
enum _FlatBound: Sendable {
    case integer(Int64)
    case double(Double)

    init(_ limit: JSONNumber) {
        if case .integer(let value) = limit {
            self = .integer(value)
        } else {
            self = .double(limit.doubleValue)
        }
    }

    /// `number < limit`.
    @inline(__always)
    func exceeds(_ number: JSONNumber) -> Bool {
        switch self {
        case .integer(let limit):
            if case .integer(let value) = number { return value < limit }
            return number.doubleValue < Double(limit)
        case .double(let limit):
            return number.doubleValue < limit
        }
    }

    /// `limit < number`.
    @inline(__always)
    func isExceeded(by number: JSONNumber) -> Bool {
        switch self {
        case .integer(let limit):
            if case .integer(let value) = number { return limit < value }
            return Double(limit) < number.doubleValue
        case .double(let limit):
            return limit < number.doubleValue
        }
    }
}
