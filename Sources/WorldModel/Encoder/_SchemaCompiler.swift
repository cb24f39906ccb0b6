/// Compiles a JSON Schema document into a graph of `_SchemaNode`s, resolving local `$ref`s.
struct _SchemaCompiler {
    /// Keywords that carry no validation meaning and are accepted as is.
    static let annotations: Set<String> = [
        "title", "description", "default", "examples", "$schema", "$id", "$comment", "format",
        "deprecated", "readOnly", "writeOnly", "contentMediaType",
    ]

    /// Every keyword understood, for suggestions.
    static let knownKeywords: [String] = [
        "type", "properties", "required", "additionalProperties", "patternProperties", "propertyNames",
        "minProperties", "maxProperties", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
        "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "items", "prefixItems",
        "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains", "allOf", "anyOf",
        "oneOf", "not", "if", "then", "else", "$defs", "$ref", "title", "description", "default",
        "examples", "$schema", "$id", "$comment", "format", "deprecated", "readOnly", "writeOnly",
        "contentMediaType",
    ]

    /// The deepest nesting of subschemas accepted.
    static let maximumNesting = 128

    let document: JSON
    var nodes: [_SchemaNode] = []
    var raw: [JSON] = []
    var locations: [[JSONPath.Component]] = []
    var memo: [String: Int] = [:]
    var pendingRefs: [(node: Int, target: String, at: [JSONPath.Component])] = []

    init(document: JSON) {
        self.document = document
    }

    /// Compiles the whole document; returns the root node's index.
    mutating func compileDocument() throws(Diagnostic) -> Int {
        let root = try compile(document, at: [])
        var next = 0
        while next < pendingRefs.count {
            let pending = pendingRefs[next]
            next += 1
            let target = try resolve(pending.target, at: pending.at)
            nodes[pending.node].ref = target
            nodes[pending.node].keywords = nodes[pending.node].keywords.map { keyword in
                if case .ref = keyword { return .ref(target) }
                return keyword
            }
        }
        try rejectCyclesWithoutProgress()
        for index in nodes.indices { addDiscriminators(to: index) }
        return root
    }

    // MARK: Pointers

    static func pointer(_ segments: [JSONPath.Component]) -> String {
        var text = "#"
        for segment in segments {
            text += "/"
            switch segment {
            case .index(let index): text += String(index)
            case .key(let key):
                text += key.replacingOccurrences("~", with: "~0").replacingOccurrences("/", with: "~1")
            }
        }
        return text
    }

    mutating func resolve(_ reference: String, at location: [JSONPath.Component]) throws(Diagnostic) -> Int {
        let refLocation = location + [.key("$ref")]
        guard reference.hasPrefix("#") else {
            throw Diagnostic(
                at: JSONPath(refLocation),
                "only local references are supported (\"#\", \"#/$defs/name\"), found '\(reference)'")
        }
        var tokens: [String] = []
        let body = reference.dropFirst()
        if !body.isEmpty {
            guard body.hasPrefix("/") else {
                throw Diagnostic(
                    at: JSONPath(refLocation),
                    "expected a JSON Pointer after '#' (like '#/$defs/name'), found '\(reference)'")
            }
            tokens = body.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
                Self.percentDecoded(String($0)).replacingOccurrences("~1", with: "/").replacingOccurrences(
                    "~0", with: "~")
            }
        }
        var value = document
        var segments: [JSONPath.Component] = []
        for token in tokens {
            if case .object(let object) = value, let member = object[token] {
                value = member
                segments.append(.key(token))
            } else if case .array(let array) = value, let index = Int(token), array.indices.contains(index) {
                value = array[index]
                segments.append(.index(index))
            } else {
                var message = "'\(reference)' does not resolve to anything in this schema"
                if let defs = document["$defs"]?.objectValue,
                    let name = closestMatch(to: tokens.last ?? "", among: defs.keys)
                {
                    message += " (did you mean '#/$defs/\(name)'?)"
                }
                throw Diagnostic(at: JSONPath(refLocation), message)
            }
        }
        if let known = memo[Self.pointer(segments)] { return known }
        return try compile(value, at: segments)
    }

    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Schemas

    mutating func compile(_ schema: JSON, at location: [JSONPath.Component]) throws(Diagnostic) -> Int {
        let pointer = Self.pointer(location)
        if let known = memo[pointer] { return known }
        guard location.count <= Self.maximumNesting else {
            throw Diagnostic(
                at: JSONPath(location), "schema nested deeper than \(Self.maximumNesting) levels")
        }
        let index = nodes.count
        memo[pointer] = index
        nodes.append(_SchemaNode(pointer: pointer))
        raw.append(schema)
        locations.append(location)
        switch schema {
        case .bool(let value):
            nodes[index].boolean = value
        case .object(let object):
            try compileKeywords(object, into: index, at: location)
        default:
            throw Diagnostic(
                at: JSONPath(location), expected: "a schema (an object or true/false)",
                found: _SchemaText.described(schema))
        }
        return index
    }

    private mutating func compileKeywords(
        _ object: JSONObject, into index: Int, at location: [JSONPath.Component]
    ) throws(Diagnostic) {
        var slots: [_Keyword?] = []
        var properties: [(name: String, node: Int)] = []
        var patternProperties: [(pattern: _SchemaPattern, node: Int)] = []
        var additional: Int?
        var membersSlot: Int?
        var prefixItems: [Int] = []
        var restItems: Int?
        var itemsSlot: Int?
        var containsNode: Int?
        var containsSlot: Int?
        var minContains = 1
        var maxContains: Int?
        var conditionNode: Int?
        var conditionSlot: Int?
        var thenNode: Int?
        var elseNode: Int?
        var types: _TypeSet?
        var required: [String] = []

        func claim(_ slot: inout Int?, _ slots: inout [_Keyword?]) {
            if slot == nil {
                slot = slots.count
                slots.append(nil)
            }
        }

        for (key, value) in object.members {
            let here = location + [.key(key)]
            switch key {
            case "type":
                types = try Self.typeSet(value, at: here)
            case "properties":
                let declared = try Self.object(value, at: here)
                for (name, subschema) in declared.members {
                    properties.append((name, try compile(subschema, at: here + [.key(name)])))
                }
                claim(&membersSlot, &slots)
            case "patternProperties":
                let patterned = try Self.object(value, at: here)
                for (source, subschema) in patterned.members {
                    let pattern = try Self.pattern(source, at: here + [.key(source)])
                    patternProperties.append((pattern, try compile(subschema, at: here + [.key(source)])))
                }
                claim(&membersSlot, &slots)
            case "additionalProperties":
                additional = try compile(value, at: here)
                claim(&membersSlot, &slots)
            case "required":
                guard case .array(let names) = value else {
                    throw Self.expected("an array of property names", value, at: here)
                }
                for (position, name) in names.enumerated() {
                    guard case .string(let text) = name else {
                        throw Self.expected("a property name (string)", name, at: here + [.index(position)])
                    }
                    if required.contains(text) {
                        throw Diagnostic(at: JSONPath(here + [.index(position)]), "'\(text)' is listed twice")
                    }
                    required.append(text)
                }
                slots.append(.required(required))
            case "propertyNames":
                slots.append(.propertyNames(try compile(value, at: here)))
            case "minProperties": slots.append(.minProperties(try Self.count(value, at: here)))
            case "maxProperties": slots.append(.maxProperties(try Self.count(value, at: here)))
            case "enum":
                guard case .array(let values) = value else {
                    throw Self.expected("an array of values", value, at: here)
                }
                slots.append(.enumeration(values))
            case "const": slots.append(.constant(value))
            case "minimum": slots.append(.minimum(try Self.number(value, at: here)))
            case "maximum": slots.append(.maximum(try Self.number(value, at: here)))
            case "exclusiveMinimum": slots.append(.exclusiveMinimum(try Self.number(value, at: here)))
            case "exclusiveMaximum": slots.append(.exclusiveMaximum(try Self.number(value, at: here)))
            case "multipleOf":
                let divisor = try Self.number(value, at: here)
                guard divisor.doubleValue > 0 else { throw Self.expected("a number greater than 0", value, at: here) }
                slots.append(.multipleOf(divisor))
            case "minLength": slots.append(.minLength(try Self.count(value, at: here)))
            case "maxLength": slots.append(.maxLength(try Self.count(value, at: here)))
            case "pattern":
                guard case .string(let source) = value else {
                    throw Self.expected("a regular expression (string)", value, at: here)
                }
                slots.append(.pattern(try Self.pattern(source, at: here)))
            case "items":
                if case .array = value {
                    throw Diagnostic(
                        at: JSONPath(here), expected: "a schema",
                        found: "an array (draft 2020-12 spells a list of item schemas 'prefixItems')"
                    )
                }
                restItems = try compile(value, at: here)
                claim(&itemsSlot, &slots)
            case "prefixItems":
                prefixItems = try schemaList(value, at: here)
                claim(&itemsSlot, &slots)
            case "minItems": slots.append(.minItems(try Self.count(value, at: here)))
            case "maxItems": slots.append(.maxItems(try Self.count(value, at: here)))
            case "uniqueItems":
                guard case .bool(let unique) = value else { throw Self.expected("true or false", value, at: here) }
                if unique { slots.append(.uniqueItems) }
            case "contains":
                containsNode = try compile(value, at: here)
                claim(&containsSlot, &slots)
            case "minContains": minContains = try Self.count(value, at: here)
            case "maxContains": maxContains = try Self.count(value, at: here)
            case "allOf": slots.append(.allOf(try schemaList(value, at: here)))
            case "anyOf": slots.append(.anyOf(try schemaList(value, at: here), nil))
            case "oneOf": slots.append(.oneOf(try schemaList(value, at: here), nil))
            case "not": slots.append(.not(try compile(value, at: here)))
            case "if":
                conditionNode = try compile(value, at: here)
                claim(&conditionSlot, &slots)
            case "then": thenNode = try compile(value, at: here)
            case "else": elseNode = try compile(value, at: here)
            case "$defs":
                let definitions = try Self.object(value, at: here)
                for (name, subschema) in definitions.members {
                    _ = try compile(subschema, at: here + [.key(name)])
                }
            case "$ref":
                guard case .string(let target) = value else {
                    throw Self.expected("a reference (string)", value, at: here)
                }
                pendingRefs.append((index, target, location))
                slots.append(.ref(-1))
            default:
                if Self.annotations.contains(key) || key.hasPrefix("x-") { continue }
                var message = "unknown keyword '\(key)'"
                if let suggestion = closestMatch(to: key, among: Self.knownKeywords) {
                    message += " (did you mean '\(suggestion)'?)"
                } else {
                    message += " (extensions must start with 'x-')"
                }
                throw Diagnostic(at: JSONPath(here), message)
            }
        }

        let members = _ObjectMembers(
            properties: properties, patternProperties: patternProperties, additional: additional)
        if let membersSlot { slots[membersSlot] = .members(members) }
        if let itemsSlot { slots[itemsSlot] = .items(prefix: prefixItems, rest: restItems) }
        if let containsSlot, let containsNode {
            if let maxContains, maxContains < minContains {
                throw Diagnostic(
                    at: JSONPath(location + [.key("maxContains")]),
                    "maxContains (\(maxContains)) is less than minContains (\(minContains))")
            }
            slots[containsSlot] = .contains(containsNode, min: minContains, max: maxContains)
        }
        if let conditionSlot, let conditionNode {
            slots[conditionSlot] = .conditional(if: conditionNode, then: thenNode, else: elseNode)
        }
        var keywords: [_Keyword] = []
        keywords.reserveCapacity(slots.count + 1)
        if let types { keywords.append(.type(types)) }
        for case let keyword? in slots { keywords.append(keyword) }
        nodes[index].keywords = keywords
        nodes[index].types = types
        nodes[index].members = membersSlot == nil ? nil : members
        nodes[index].required = required
        nodes[index].items = restItems
    }

    private mutating func schemaList(_ value: JSON, at location: [JSONPath.Component]) throws(Diagnostic) -> [Int] {
        guard case .array(let schemas) = value, !schemas.isEmpty else {
            throw Self.expected("a non-empty array of schemas", value, at: location)
        }
        var result: [Int] = []
        for (position, schema) in schemas.enumerated() {
            result.append(try compile(schema, at: location + [.index(position)]))
        }
        return result
    }

    // MARK: Keyword values

    static func expected(_ what: String, _ value: JSON, at location: [JSONPath.Component]) -> Diagnostic {
        Diagnostic(at: JSONPath(location), expected: what, found: _SchemaText.described(value))
    }

    static func object(_ value: JSON, at location: [JSONPath.Component]) throws(Diagnostic) -> JSONObject {
        guard case .object(let object) = value else { throw expected("an object", value, at: location) }
        return object
    }

    static func number(_ value: JSON, at location: [JSONPath.Component]) throws(Diagnostic) -> JSONNumber {
        guard case .number(let number) = value else { throw expected("a number", value, at: location) }
        return number
    }

    static func count(_ value: JSON, at location: [JSONPath.Component]) throws(Diagnostic) -> Int {
        guard case .number(let number) = value, number.hasIntegralValue, number.doubleValue >= 0 else {
            throw expected("a non-negative integer", value, at: location)
        }
        return Int(exactly: number.doubleValue) ?? Int.max
    }

    static func typeSet(_ value: JSON, at location: [JSONPath.Component]) throws(Diagnostic) -> _TypeSet {
        func one(_ name: JSON, at location: [JSONPath.Component]) throws(Diagnostic) -> _TypeSet {
            guard case .string(let text) = name else { throw expected("a type name", name, at: location) }
            guard let type = _TypeSet.named(text) else {
                var message =
                    "unknown type '\(text)'; expected one of "
                    + _TypeSet.named.map { "'\($0.0)'" }.joined(separator: ", ")
                if let suggestion = closestMatch(to: text, among: _TypeSet.named.map(\.0)) {
                    message += " (did you mean '\(suggestion)'?)"
                }
                throw Diagnostic(at: JSONPath(location), message)
            }
            return type
        }
        switch value {
        case .string: return try one(value, at: location)
        case .array(let names) where !names.isEmpty:
            var set: _TypeSet = []
            for (position, name) in names.enumerated() {
                set.formUnion(try one(name, at: location + [.index(position)]))
            }
            return set
        default: throw expected("a type name or a non-empty array of type names", value, at: location)
        }
    }

    static func pattern(_ source: String, at location: [JSONPath.Component]) throws(Diagnostic) -> _SchemaPattern {
        do {
            // Closer to ECMA-262 (with the `u` flag): ASCII `\d` and `\w`, and matching by
            // Unicode scalar rather than by grapheme cluster.
            let regex = try Regex(source).asciiOnlyDigits().asciiOnlyWordCharacters().matchingSemantics(.unicodeScalar)
            return _SchemaPattern(source: source, regex: regex)
        } catch {
            throw Diagnostic(at: JSONPath(location), "invalid regular expression /\(source)/: \(error)")
        }
    }

    // MARK: Whole-graph checks

    /// Edges to schemas applied to the same instance (they consume no input).
    static func inPlaceEdges(_ node: _SchemaNode) -> [Int] {
        var edges: [Int] = []
        for keyword in node.keywords {
            switch keyword {
            case .ref(let target): edges.append(target)
            case .allOf(let list), .anyOf(let list, _), .oneOf(let list, _): edges += list
            case .not(let target): edges.append(target)
            case .conditional(let condition, let then, let otherwise):
                edges.append(condition)
                if let then { edges.append(then) }
                if let otherwise { edges.append(otherwise) }
            default: break
            }
        }
        return edges
    }

    /// Rejects `$ref` loops that would recurse forever on the same value.
    func rejectCyclesWithoutProgress() throws(Diagnostic) {
        var state = [UInt8](repeating: 0, count: nodes.count)  // 0 new, 1 on stack, 2 done
        for start in nodes.indices where state[start] == 0 {
            var stack: [(node: Int, edges: [Int], next: Int)] = [(start, Self.inPlaceEdges(nodes[start]), 0)]
            state[start] = 1
            while let top = stack.last {
                if top.next == top.edges.count {
                    state[top.node] = 2
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let target = top.edges[top.next]
                if state[target] == 1 {
                    let cycleStart = stack.firstIndex { $0.node == target } ?? 0
                    let names = stack[cycleStart...].map { nodes[$0.node].pointer } + [nodes[target].pointer]
                    throw Diagnostic(
                        at: JSONPath(locations[top.node]),
                        "reference cycle that never reaches into the value: " + names.joined(separator: " → "))
                }
                if state[target] == 0 {
                    state[target] = 1
                    stack.append((target, Self.inPlaceEdges(nodes[target]), 0))
                }
            }
        }
    }

    /// Follows pure `$ref` schemas (`{"$ref": …}` only) to the schema they name.
    static func resolved(_ index: Int, in nodes: [_SchemaNode]) -> Int {
        var current = index
        for _ in 0..<32 {
            guard nodes[current].keywords.count == 1, case .ref(let target) = nodes[current].keywords[0] else { break }
            current = target
        }
        return current
    }

    /// The constant values a property schema allows, if it is a `const` or `enum`.
    func constants(of index: Int) -> [JSON]? {
        let node = nodes[Self.resolved(index, in: nodes)]
        for keyword in node.keywords {
            if case .constant(let value) = keyword { return [value] }
            if case .enumeration(let values) = keyword { return values }
        }
        return nil
    }

    /// Finds a property that tells `oneOf`/`anyOf` branches apart by constant values.
    func discriminator(for branches: [Int]) -> _Discriminator? {
        guard branches.count > 1 else { return nil }
        let resolvedBranches = branches.map { Self.resolved($0, in: nodes) }
        guard let first = nodes[resolvedBranches[0]].members else { return nil }
        candidates: for property in first.properties {
            var values: [[JSON]] = []
            var seen: [JSON] = []
            for branch in resolvedBranches {
                let node = nodes[branch]
                guard node.required.contains(property.name),
                    let propertyNode = node.members?.declaredNode(for: property.name),
                    let allowed = constants(of: propertyNode)
                else { continue candidates }
                for value in allowed where seen.contains(value) { continue candidates }
                seen += allowed
                values.append(allowed)
            }
            return _Discriminator(property: property.name, values: values)
        }
        return nil
    }

    mutating func addDiscriminators(to index: Int) {
        let keywords = nodes[index].keywords
        for (position, keyword) in keywords.enumerated() {
            switch keyword {
            case .anyOf(let branches, _):
                nodes[index].keywords[position] = .anyOf(branches, discriminator(for: branches))
            case .oneOf(let branches, _):
                nodes[index].keywords[position] = .oneOf(branches, discriminator(for: branches))
            default: break
            }
        }
    }
}

extension String {
    /// Replaces every occurrence of `target` (stdlib only, no Foundation).
    fileprivate func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
