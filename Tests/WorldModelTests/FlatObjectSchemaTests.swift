import Foundation
import Testing

@testable import WorldModel

/// A fixed-seed SplitMix64 stream, so every run generates the same instances.
private struct SeededGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}

/// Builds instances for a schema from its own keywords: values that satisfy each property and
/// values that sit on or just past every boundary, plus a pool of awkward values of every type.
private struct InstanceFactory {
    /// Values of every type, including the ones that tell the checks apart: integral doubles,
    /// a big integer, non-ASCII and canonically equivalent but byte-different strings.
    static let pool: [JSON] = {
        var values: [JSON] = [
            nil, true, false, 0, 1, -1, 7, .double(2.0), .double(2.5), .double(-0.0), .double(1e300),
            .double(0.30000000000000004), .int(Int64.min), .int(Int64.max),
            "", "a", "ab", "abc", "\u{E9}", "e\u{301}", "\u{1F600}", "\u{1F1EB}\u{1F1F7}", "T-1003", "T-",
            "billing", "Billing", "billin", "RNO-1", "C-1042", "CH-55917", "SKU-10231", "2026-W47",
            "A-\u{663}", "INC-2291", "new", "routed", [], [1], [:], ["a": 1],
        ]
        for text in ["99999999999999999999", "-99999999999999999999", "1e2", "1.0"] {
            if let number = try? JSON(parsing: text) { values.append(number) }
        }
        return values
    }()

    /// Candidate property names that are not declared (including near misses and `cursor`).
    static let extraNames = ["extra", "cursor", "Queue", "ticket_id ", "\u{E9}", "e\u{301}", "amount", "x-1"]

    /// Values likely to satisfy `schema` or to sit on its boundaries.
    static func candidates(for schema: JSON, random: inout SeededGenerator) -> [JSON] {
        var values: [JSON] = []
        if let allowed = schema["enum"]?.arrayValue { values += allowed }
        if let constant = schema["const"] { values.append(constant) }
        for key in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] {
            guard case .number(let limit)? = schema[key] else { continue }
            let double = limit.doubleValue
            values += [.number(limit), .double(double), .double(double + 0.5), .double(double - 0.5)]
            if let integer = limit.int64Value {
                values += [.int(integer &+ 1), .int(integer &- 1), .int(integer &* 3), .double(Double(integer) * 3)]
            }
        }
        for key in ["minLength", "maxLength"] {
            guard let limit = schema[key]?.int64Value, limit <= 4096 else { continue }
            for length in [Int(limit) - 1, Int(limit), Int(limit) + 1] where length >= 0 {
                values.append(.string(String(repeating: "a", count: length)))
                values.append(.string(String(repeating: "\u{E9}", count: length)))
                values.append(.string(String(repeating: "e\u{301}", count: max(length / 2, 0))))
                values.append(.string(String(repeating: "\u{1F600}", count: length)))
            }
        }
        if let pattern = schema["pattern"]?.stringValue {
            for _ in 0..<4 { values.append(.string(sample(pattern, random: &random))) }
            let good = sample(pattern, random: &random)
            values += [
                .string(good + "x"), .string(" " + good), .string(String(good.dropLast())),
                .string(good.replacingOccurrences(of: "1", with: "\u{661}")),
            ]
        }
        return values
    }

    /// A string that matches the simple patterns the scenarios use (`^T-[0-9]+$`,
    /// `^[0-9]{4}-W[0-9]{2}$`); other syntax is copied literally.
    static func sample(_ pattern: String, random: inout SeededGenerator) -> String {
        var scalars = Array(pattern.unicodeScalars)[...]
        var result = ""
        while let scalar = scalars.popFirst() {
            var atom: [String]
            switch scalar {
            case "^", "$": continue
            case "[":
                var members: [String] = []
                var body: [Unicode.Scalar] = []
                while let next = scalars.popFirst(), next != "]" { body.append(next) }
                var index = 0
                while index < body.count {
                    if index + 2 < body.count, body[index + 1] == "-",
                        let low = Optional(body[index].value), let high = Optional(body[index + 2].value), low <= high
                    {
                        for value in low...min(high, low + 25) {
                            if let member = Unicode.Scalar(value) { members.append(String(member)) }
                        }
                        index += 3
                    } else {
                        members.append(String(body[index]))
                        index += 1
                    }
                }
                atom = members.isEmpty ? ["a"] : members
            case "\\":
                let next = scalars.popFirst() ?? "\\"
                atom = next == "d" ? ["0", "5", "9"] : next == "w" ? ["a", "Z", "_", "3"] : [String(next)]
            default:
                atom = [String(scalar)]
            }
            var count = 1
            if scalars.first == "+" || scalars.first == "*" {
                count = (scalars.first == "+" ? 1 : 0) + random.below(3)
                scalars.removeFirst()
            } else if scalars.first == "?" {
                count = random.below(2)
                scalars.removeFirst()
            } else if scalars.first == "{" {
                var digits = ""
                scalars.removeFirst()
                while let next = scalars.popFirst(), next != "}" { digits.unicodeScalars.append(next) }
                count = Int(digits.split(separator: ",").first ?? "1") ?? 1
            }
            for _ in 0..<count { result += random.pick(atom) }
        }
        return result
    }

    /// Instances of an object schema: mostly plausible ones, many with one or more mutations.
    static func instances(of schema: JSON, count: Int, random: inout SeededGenerator) -> [JSONObject] {
        let properties = schema["properties"]?.objectValue ?? JSONObject()
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        var perProperty: [[JSON]] = []
        for position in properties.keys.indices {
            perProperty.append(candidates(for: properties.values[position], random: &random))
        }
        var result: [JSONObject] = []
        for _ in 0..<count {
            var members: [(String, JSON)] = []
            for (position, name) in properties.keys.enumerated() {
                let include = required.contains(name) ? !random.chance(5) : random.chance(50)
                guard include else { continue }
                let good = perProperty[position]
                let value = !good.isEmpty && random.chance(80) ? random.pick(good) : random.pick(pool)
                members.append((name, value))
            }
            if random.chance(20) {
                let name = random.pick(extraNames + properties.keys.map { $0.uppercased() })
                let value: JSON = random.chance(50) ? random.pick(["next", nil, "", 3]) : random.pick(pool)
                members.append((name, value))
            }
            if random.chance(10), !members.isEmpty {
                let position = random.below(members.count)
                members[position].1 = random.pick(pool)
            }
            // Shuffle the member order.
            for position in members.indices.reversed() where position > 0 {
                members.swapAt(position, random.below(position + 1))
            }
            result.append(JSONObject(members))
        }
        return result
    }
}

/// Hand-written schemas that qualify for the fast path, one or more per leaf keyword.
private let flatSchemas: [String] = [
    #"{"type": "object", "properties": {"n": {"type": "integer", "minimum": -3, "maximum": 10, "multipleOf": 2}}, "required": ["n"], "additionalProperties": false}"#,
    #"{"type": "object", "properties": {"x": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 2.5}, "y": {"type": "number", "multipleOf": 0.1, "minimum": 0.5}}, "required": ["x"]}"#,
    #"{"type": "object", "properties": {"big": {"type": "integer", "minimum": 99999999999999999999}, "small": {"type": ["integer", "null"], "maximum": -99999999999999999999}}}"#,
    #"{"type": "object", "properties": {"s": {"type": "string", "minLength": 2, "maxLength": 3}, "t": {"type": "string", "minLength": 0, "maxLength": 0}, "u": {"maxLength": 1}}, "required": ["s"], "additionalProperties": false}"#,
    #"{"type": "object", "properties": {"p": {"type": "string", "pattern": "^T-[0-9]+$"}, "q": {"type": "string", "pattern": "(a|b)c"}, "r": {"pattern": "\\d{2}"}}, "additionalProperties": false}"#,
    #"{"type": "object", "properties": {"e": {"enum": ["billing", "\u00e9", null, 1, 2.5, [1], {"a": 1}]}, "c": {"const": 2}, "d": {"const": "e\u0301"}, "z": {"enum": []}}, "additionalProperties": true}"#,
    #"{"type": "object", "properties": {"yes": true, "no": false, "any": {}, "desc": {"description": "only an annotation", "format": "date", "x-note": 1}}, "required": ["yes"], "additionalProperties": false}"#,
    #"{"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer", "minimum": 0}, "minProperties": 1, "maxProperties": 2}"#,
    #"{"type": "object", "properties": {"\u00e9": {"type": "string"}, "e\u0301": {"type": "integer"}, "cursor": {"type": "integer"}}, "required": ["\u00e9"], "additionalProperties": false}"#,
    #"{"type": ["object", "null"], "properties": {"a": {"type": "boolean"}, "b": {"type": "array"}, "c": {"type": "object"}}, "required": ["a", "b"]}"#,
    #"{"type": "string", "properties": {"a": {"type": "string"}}}"#,
    #"{"properties": {"a": {"type": "integer", "enum": [1, 2.0, 3.5], "const": 2}}, "required": ["a"], "additionalProperties": false}"#,
    #"{"type": "object", "properties": {}, "additionalProperties": false}"#,
    #"{"type": "object", "properties": {"\u00e9": {"type": "string"}}, "additionalProperties": false}"#,
    #"{"type": "object"}"#,
]

/// Schemas that do not qualify, each for a different reason.
private let generalSchemas: [String] = [
    #"{"type": "object", "properties": {"inner": {"type": "object", "properties": {"a": {"type": "string"}}}}}"#,
    #"{"type": "object", "properties": {"list": {"type": "array", "items": {"type": "string"}}}}"#,
    #"{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]}"#,
    #"{"type": "object", "patternProperties": {"^x-": {"type": "string"}}}"#,
    ##"{"type": "object", "properties": {"a": {"$ref": "#/$defs/id"}}, "$defs": {"id": {"type": "string"}}}"##,
    #"{"type": "object", "properties": {"a": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}"#,
    #"{"type": "object", "allOf": [{"required": ["a"]}]}"#,
    #"{"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}"#,
    #"{"type": "object", "additionalProperties": {"type": "array", "minItems": 1}}"#,
    ##"{"$ref": "#/$defs/root", "$defs": {"root": {"type": "object"}}}"##,
    "true",
]

/// The tool input schemas of every shipped scenario, with whether the tool takes a cursor.
private func shippedToolSchemas() throws -> [(name: String, schema: JSON, acceptsCursor: Bool)] {
    let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scenarios")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted()
    var result: [(name: String, schema: JSON, acceptsCursor: Bool)] = []
    for file in files {
        let data = try Data(contentsOf: directory.appendingPathComponent(file))
        let document = try JSON(parsing: [UInt8](data))
        for tool in document["tools"]?.arrayValue ?? [] {
            let name = "\(file): \(tool["name"]?.stringValue ?? "?")"
            result.append((name, try #require(tool["input"]), tool["op"]?.stringValue == "list"))
        }
    }
    return result
}

/// What `ActionEncoder.validate` returned before the fast path: drop the cursor by copying, then
/// validate with the general validator only.
private func referenceValidate(_ object: JSONObject, schema: JSONSchema, acceptsCursor: Bool) -> [String] {
    var object = object
    if acceptsCursor, let cursor = object["cursor"] {
        guard cursor.stringValue != nil || cursor.isNull else {
            return ["arguments.cursor: expected string, got \(cursor.typeName)"]
        }
        object.removeValue(forKey: "cursor")
    }
    if schema.isValidByGeneralValidator(.object(object)) { return [] }
    var validator = _SchemaValidator(nodes: schema.nodes, root: "arguments")
    _ = validator.check(schema.rootIndex, .object(object), collect: true)
    var seen: Set<JSONSchemaViolation> = []
    return validator.violations.filter { seen.insert($0).inserted }.map(\.description)
}

/// Checks that the fast path and the general validator agree on every generated instance;
/// returns how many instances were valid and invalid.
private func compare(
    _ text: String, _ schemaJSON: JSON, acceptsCursor: Bool, count: Int, seed: UInt64
) throws -> (valid: Int, invalid: Int) {
    let schema = try JSONSchema(schemaJSON)
    let flat = try #require(schema.flat, "expected the fast path for \(text)")
    var random = SeededGenerator(state: seed)
    var tally = (valid: 0, invalid: 0)
    for object in InstanceFactory.instances(of: schemaJSON, count: count, random: &random) {
        let general = schema.isValidByGeneralValidator(.object(object))
        let instance = JSON.object(object).canonicalText
        #expect(flat.isValid(object, ignoringCursor: false) == general, "\(text) on \(instance)")
        #expect(schema.isValid(.object(object)) == general, "\(text) on \(instance)")
        if general { tally.valid += 1 } else { tally.invalid += 1 }
        var withoutCursor = object
        withoutCursor.removeValue(forKey: "cursor")
        #expect(
            flat.isValid(object, ignoringCursor: true) == schema.isValidByGeneralValidator(.object(withoutCursor)),
            "\(text) ignoring the cursor on \(instance)")
        #expect(
            ActionEncoder.validate(.object(object), schema: schema, acceptsCursor: acceptsCursor)
                == referenceValidate(object, schema: schema, acceptsCursor: acceptsCursor),
            "\(text) messages on \(instance)")
    }
    return tally
}

@Suite("Flat object schemas")
struct FlatObjectSchemaTests {
    @Test("every shipped tool input schema takes the fast path and agrees with the general validator")
    func shippedSchemasAgree() throws {
        let tools = try shippedToolSchemas()
        #expect(tools.count >= 20)
        var total = (valid: 0, invalid: 0)
        for (position, tool) in tools.enumerated() {
            let tally = try compare(
                tool.name, tool.schema, acceptsCursor: tool.acceptsCursor, count: 400, seed: UInt64(position + 1))
            total.valid += tally.valid
            total.invalid += tally.invalid
        }
        // Both outcomes are exercised plenty, so a disagreement either way would show.
        #expect(total.valid > 1000)
        #expect(total.invalid > 1000)
    }

    @Test("hand-written schemas using every leaf keyword agree with the general validator")
    func handWrittenSchemasAgree() throws {
        var total = (valid: 0, invalid: 0)
        for (position, text) in flatSchemas.enumerated() {
            let tally = try compare(
                text, try JSON(parsing: text), acceptsCursor: position % 2 == 0, count: 1500,
                seed: UInt64(100 + position))
            total.valid += tally.valid
            total.invalid += tally.invalid
        }
        #expect(total.valid > 1000)
        #expect(total.invalid > 1000)
    }

    @Test("schemas with nested objects, items, combinators or references take the general path")
    func generalSchemasDoNotQualify() throws {
        for text in generalSchemas {
            let schema = try JSONSchema(try JSON(parsing: text))
            #expect(schema.flat == nil, "\(text) should take the general path")
        }
        for text in flatSchemas {
            let schema = try JSONSchema(try JSON(parsing: text))
            #expect(schema.flat != nil, "\(text) should take the fast path")
        }
    }

    @Test("the fast path gives the same answers as the general validator on telling cases")
    func tellingCases() throws {
        let schema = try JSONSchema(try JSON(parsing: flatSchemas[0]))
        #expect(schema.isValid(["n": .double(2.0)]))
        #expect(!schema.isValid(["n": .double(2.5)]))
        #expect(!schema.isValid(["n": 12]))
        #expect(!schema.isValid(["n": 3]))
        #expect(!schema.isValid([:]))
        #expect(!schema.isValid(["n": 2, "m": 1]))
        let enums = try JSONSchema(try JSON(parsing: flatSchemas[5]))
        #expect(enums.isValid(["e": "\u{E9}", "d": "e\u{301}", "c": .double(2.0)]))
        #expect(!enums.isValid(["e": "e\u{301}"]))  // canonically equivalent, other bytes
        #expect(!enums.isValid(["d": "\u{E9}"]))
        // A key canonically equivalent to a declared name, but byte-different, is neither
        // checked against that property nor rejected as additional (the general validator's rule).
        let accented = try JSONSchema(try JSON(parsing: flatSchemas[13]))
        #expect(accented.isValid(["e\u{301}": 1]))
        #expect(!accented.isValid(["\u{E9}": 1]))
        let lengths = try JSONSchema(try JSON(parsing: flatSchemas[3]))
        #expect(lengths.isValid(["s": "e\u{301}"]))  // two scalars
        #expect(!lengths.isValid(["s": "\u{E9}"]))
        #expect(
            lengths.validate(["s": "\u{E9}"]).map(\.description) == [
                #"arguments.s: expected a string of at least 2 characters, got "é" (1)"#
            ])
    }

    @Test("a list tool's cursor is ignored without changing the messages for invalid arguments")
    func cursorHandling() throws {
        let schema = try JSONSchema(
            try JSON(
                parsing:
                    #"{"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"], "additionalProperties": false}"#
            ))
        #expect(ActionEncoder.validate(["q": "a", "cursor": "c1"], schema: schema, acceptsCursor: true) == [])
        #expect(ActionEncoder.validate(["q": "a", "cursor": nil], schema: schema, acceptsCursor: true) == [])
        #expect(
            ActionEncoder.validate(["q": "a", "cursor": 3], schema: schema, acceptsCursor: true) == [
                "arguments.cursor: expected string, got integer"
            ])
        #expect(
            ActionEncoder.validate(["q": "a", "cursor": "c1"], schema: schema, acceptsCursor: false) == [
                "arguments: unexpected property 'cursor'"
            ])
        #expect(
            ActionEncoder.validate(["cursor": "c1", "x": 1], schema: schema, acceptsCursor: true) == [
                "arguments: unexpected property 'x' (did you mean 'q'?)",
                "arguments: missing required property 'q'",
            ])
        #expect(
            ActionEncoder.validate("q", schema: schema, acceptsCursor: true) == [
                "arguments: expected object, got string"
            ])
    }
}
