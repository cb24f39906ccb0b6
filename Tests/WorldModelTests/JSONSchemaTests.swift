import Testing
import WorldModel

/// Compiles a schema written as JSON text.
private func schema(_ text: String) throws -> JSONSchema {
    try JSONSchema(try JSON(parsing: text))
}

/// The rendered violations of `instance` (JSON text) against `schema`.
private func violations(_ schema: JSONSchema, _ instance: String) throws -> [String] {
    let value = try JSON(parsing: instance)
    let found = schema.validate(value)
    #expect(found.isEmpty == schema.isValid(value), "validate and isValid disagree on \(instance)")
    return found.map(\.description)
}

/// The compile error message for a schema written as JSON text.
private func compileError(_ text: String) throws -> String {
    let document = try JSON(parsing: text)
    do {
        _ = try JSONSchema(document)
    } catch {
        return error.description
    }
    Issue.record("schema compiled but should not: \(text)")
    return ""
}

@Suite("JSON Schema")
struct JSONSchemaTests {
    static let refund = """
        {"type": "object",
         "properties": {"charge_id": {"type": "string"}, "amount": {"type": "number", "minimum": 0},
                        "idempotency_key": {"type": "string"}},
         "required": ["charge_id", "amount"], "additionalProperties": false}
        """

    // MARK: Messages from the design document

    @Test("a string where a number belongs is named with path, expectation and value")
    func typeMismatchMessage() throws {
        let s = try schema(Self.refund)
        #expect(
            try violations(s, #"{"charge_id": "CH-2", "amount": "12.5"}"#) == [
                #"arguments.amount: expected number, got string "12.5""#
            ])
    }

    @Test("every violation is listed, in schema order, with a typo suggestion")
    func allViolations() throws {
        let s = try schema(Self.refund)
        #expect(
            try violations(s, #"{"amout": 5, "idempotency_key": 7}"#) == [
                "arguments.idempotency_key: expected string, got integer 7",
                "arguments: unexpected property 'amout' (did you mean 'amount'?)",
                "arguments: missing required property 'charge_id'",
                "arguments: missing required property 'amount'",
            ])
    }

    @Test("a valid instance has no violations")
    func valid() throws {
        let s = try schema(Self.refund)
        #expect(try violations(s, #"{"charge_id": "CH-2", "amount": 120.0, "idempotency_key": "k"}"#).isEmpty)
        #expect(s.isValid(["charge_id": "CH-2", "amount": 0]))
    }

    @Test("enum failures list the allowed values and suggest the closest")
    func enumMessage() throws {
        let s = try schema(#"{"properties": {"status": {"enum": ["open", "closed"]}}}"#)
        #expect(
            try violations(s, #"{"status": "opne"}"#) == [
                "arguments.status: expected one of 'open', 'closed', got 'opne' (did you mean 'open'?)"
            ])
        #expect(try violations(s, #"{"status": 3}"#) == ["arguments.status: expected one of 'open', 'closed', got 3"])
        #expect(try violations(s, #"{"status": "closed"}"#).isEmpty)
    }

    @Test("the root name given to validate starts every path")
    func rootName() throws {
        let s = try schema(#"{"type": "string"}"#)
        #expect(s.validate(5, at: "body").map(\.description) == ["body: expected string, got integer 5"])
        #expect(s.validate(5, at: "body").first?.keyword == "type")
    }

    // MARK: Paths

    @Test("paths use dots for identifiers, brackets for indexes and odd keys")
    func paths() throws {
        let s = try schema(
            """
            {"properties": {
               "items": {"items": {"properties": {"sku": {"type": "string"}}}},
               "first name": {"type": "string"},
               "9lives": {"type": "string"}}}
            """)
        #expect(
            try violations(s, #"{"items": [{"sku": "a"}, {"sku": "b"}, {"sku": 3}], "first name": 1, "9lives": 2}"#)
                == [
                    "arguments.items[2].sku: expected string, got integer 3",
                    #"arguments["first name"]: expected string, got integer 1"#,
                    #"arguments["9lives"]: expected string, got integer 2"#,
                ])
    }

    @Test("long values are shortened in messages")
    func truncation() throws {
        let s = try schema(#"{"type": "number"}"#)
        let long = String(repeating: "x", count: 500)
        let message = try #require(s.validate(.string(long)).first?.message)
        #expect(message.hasPrefix(#"expected number, got string "xxx"#))
        #expect(message.hasSuffix("…"))
        #expect(message.count < 100)
    }

    // MARK: Types

    @Test("integer means integral value, so 1.0 is an integer and 1.5 is not")
    func integers() throws {
        let s = try schema(#"{"type": "integer"}"#)
        #expect(s.isValid(try JSON(parsing: "1.0")))
        #expect(s.isValid(try JSON(parsing: "-7")))
        #expect(s.isValid(try JSON(parsing: "123456789012345678901234567890")))
        #expect(try violations(s, "1.5") == ["arguments: expected integer, got number 1.5"])
        #expect(try violations(s, #""1""#) == [#"arguments: expected integer, got string "1""#])
        #expect(try schema(#"{"type": "number"}"#).isValid(3))
    }

    @Test("type lists accept any listed type and name them all on failure")
    func typeLists() throws {
        let s = try schema(#"{"type": ["string", "null"]}"#)
        #expect(s.isValid(nil))
        #expect(s.isValid("x"))
        #expect(try violations(s, "true") == ["arguments: expected null or string, got boolean true"])
        let three = try schema(#"{"type": ["object", "integer", "array"]}"#)
        #expect(try violations(three, "1.5") == ["arguments: expected integer, array or object, got number 1.5"])
    }

    @Test("a wrong type suppresses the same schema's other complaints")
    func typeShortCircuit() throws {
        let s = try schema(#"{"type": "string", "enum": ["a"], "minLength": 3}"#)
        #expect(try violations(s, "5") == ["arguments: expected string, got integer 5"])
    }

    // MARK: Objects

    @Test("additionalProperties as a schema validates the extra members")
    func additionalSchema() throws {
        let s = try schema(#"{"properties": {"a": true}, "additionalProperties": {"type": "integer"}}"#)
        #expect(s.isValid(["a": "anything", "b": 2]))
        #expect(try violations(s, #"{"a": 1, "b": "2"}"#) == [#"arguments.b: expected integer, got string "2""#])
    }

    @Test("patternProperties apply to matching keys and exempt them from additionalProperties")
    func patternProperties() throws {
        let s = try schema(
            #"{"patternProperties": {"^x-": {"type": "string"}}, "additionalProperties": false}"#)
        #expect(s.isValid(["x-trace": "t"]))
        #expect(
            try violations(s, #"{"x-trace": 1, "y": 2}"#) == [
                #"arguments["x-trace"]: expected string, got integer 1"#,
                "arguments: unexpected property 'y'",
            ])
    }

    @Test("propertyNames checks every key")
    func propertyNames() throws {
        let s = try schema(#"{"propertyNames": {"pattern": "^[a-z_]+$", "maxLength": 5}}"#)
        #expect(s.isValid(["ok": 1, "fine_": 2]))
        #expect(
            try violations(s, #"{"ok": 1, "Bad": 2}"#) == [
                #"arguments: invalid property name 'Bad': expected a string matching /^[a-z_]+$/, got "Bad""#
            ])
    }

    @Test("minProperties and maxProperties count members")
    func propertyCounts() throws {
        let s = try schema(#"{"minProperties": 1, "maxProperties": 2}"#)
        #expect(s.isValid(["a": 1]))
        #expect(try violations(s, "{}") == ["arguments: expected at least 1 property, got 0"])
        #expect(try violations(s, #"{"a":1,"b":2,"c":3}"#) == ["arguments: expected at most 2 properties, got 3"])
    }

    @Test("object keywords ignore values that are not objects")
    func objectKeywordsIgnoreOtherTypes() throws {
        let s = try schema(#"{"required": ["a"], "properties": {"a": false}, "minProperties": 3}"#)
        #expect(s.isValid("text"))
        #expect(s.isValid([1, 2]))
    }

    // MARK: Values

    @Test("const compares values numerically and ignores key order")
    func constValues() throws {
        let s = try schema(#"{"const": {"a": 1, "b": [2.0]}}"#)
        #expect(s.isValid(try JSON(parsing: #"{"b": [2], "a": 1.0}"#)))
        #expect(try violations(s, #"{"a": 1}"#) == [#"arguments: expected {"a":1,"b":[2.0]}, got {"a":1}"#])
        #expect(
            try violations(try schema(#"{"const": "list"}"#), #""lst""#) == [
                "arguments: expected 'list', got 'lst' (did you mean 'list'?)"
            ])
    }

    // MARK: Numbers

    @Test("minimum, maximum and their exclusive forms bound numbers")
    func numericBounds() throws {
        let s = try schema(#"{"minimum": 0, "maximum": 10}"#)
        #expect(s.isValid(0))
        #expect(s.isValid(10))
        #expect(try violations(s, "-0.5") == ["arguments: expected a number >= 0, got -0.5"])
        #expect(try violations(s, "11") == ["arguments: expected a number <= 10, got 11"])
        let exclusive = try schema(#"{"exclusiveMinimum": 0, "exclusiveMaximum": 1.5}"#)
        #expect(exclusive.isValid(1))
        #expect(try violations(exclusive, "0") == ["arguments: expected a number > 0, got 0"])
        #expect(try violations(exclusive, "1.5") == ["arguments: expected a number < 1.5, got 1.5"])
        #expect(s.isValid("not a number"))
    }

    @Test("multipleOf works for integers and decimal fractions")
    func multiples() throws {
        let cents = try schema(#"{"multipleOf": 0.01}"#)
        #expect(cents.isValid(19.99))
        #expect(cents.isValid(120))
        #expect(try violations(cents, "0.005") == ["arguments: expected a multiple of 0.01, got 0.005"])
        let even = try schema(#"{"multipleOf": 2}"#)
        #expect(even.isValid(-4))
        #expect(even.isValid(4.0))
        #expect(!even.isValid(3))
    }

    // MARK: Strings

    @Test("string lengths count Unicode scalars, not bytes or UTF-16 units")
    func unicodeLength() throws {
        let s = try schema(#"{"minLength": 2, "maxLength": 3}"#)
        #expect(s.isValid("日本"))
        #expect(s.isValid("😀😀😀"))
        #expect(!s.isValid("😀"))
        #expect(
            try violations(s, #""日本語!""#) == [#"arguments: expected a string of at most 3 characters, got "日本語!" (4)"#])
        #expect(try violations(s, #""a""#) == [#"arguments: expected a string of at least 2 characters, got "a" (1)"#])
    }

    @Test("pattern matches anywhere unless anchored")
    func patternUnanchored() throws {
        let s = try schema(#"{"pattern": "[0-9]+"}"#)
        #expect(s.isValid("order 88 today"))
        #expect(try violations(s, #""none""#) == [#"arguments: expected a string matching /[0-9]+/, got "none""#])
        let anchored = try schema(#"{"pattern": "^CH-\\d+$"}"#)
        #expect(anchored.isValid("CH-12"))
        #expect(!anchored.isValid("xCH-12"))
    }

    @Test("pattern classes follow ECMA-262: \\d and \\w are ASCII, . is one scalar")
    func patternSemantics() throws {
        let digits = try schema(#"{"pattern": "^\\d+$"}"#)
        #expect(digits.isValid("0123"))
        #expect(!digits.isValid("٣"))
        let word = try schema(#"{"pattern": "^\\w$"}"#)
        #expect(!word.isValid("é"))
        let one = try schema(#"{"pattern": "^.$"}"#)
        #expect(one.isValid("😀"))
        #expect(!one.isValid("e\u{301}"))
    }

    // MARK: Arrays

    @Test("items and prefixItems validate elements by position")
    func itemsAndPrefix() throws {
        let s = try schema(#"{"prefixItems": [{"type": "string"}, {"type": "integer"}], "items": {"type": "boolean"}}"#)
        #expect(s.isValid(["a", 1, true, false]))
        #expect(
            try violations(s, #"[1, 1, true, "x"]"#) == [
                "arguments[0]: expected string, got integer 1",
                #"arguments[3]: expected boolean, got string "x""#,
            ])
        let closed = try schema(#"{"prefixItems": [{"type": "string"}], "items": false}"#)
        #expect(closed.isValid(["a"]))
        #expect(try violations(closed, #"["a", "b"]"#) == ["arguments: expected at most 1 item, got 2"])
    }

    @Test("minItems and maxItems count elements")
    func itemCounts() throws {
        let s = try schema(#"{"minItems": 1, "maxItems": 2}"#)
        #expect(try violations(s, "[]") == ["arguments: expected at least 1 item, got 0"])
        #expect(try violations(s, "[1,2,3]") == ["arguments: expected at most 2 items, got 3"])
        #expect(s.isValid([1]))
    }

    @Test("uniqueItems treats numerically equal values and reordered objects as duplicates")
    func uniqueness() throws {
        let s = try schema(#"{"uniqueItems": true}"#)
        #expect(s.isValid([1, "1", [1], ["a": 1]]))
        #expect(
            try violations(s, "[1, 2, 1.0]") == [
                "arguments: expected unique items, but items [0] and [2] are equal (1.0)"
            ])
        #expect(!s.isValid(try JSON(parsing: #"[{"a": 1, "b": 2}, {"b": 2, "a": 1}]"#)))
        let many = JSON.array((0..<100).map { JSON.int($0) } + [.double(42)])
        #expect(s.validate(many).map(\.message) == ["expected unique items, but items [42] and [100] are equal (42.0)"])
        #expect(s.isValid(.array((0..<100).map { JSON.int($0) })))
    }

    @Test("contains with minContains and maxContains counts matching elements")
    func containsCounts() throws {
        let s = try schema(#"{"contains": {"type": "string"}}"#)
        #expect(s.isValid([1, "a"]))
        #expect(
            try violations(s, "[1, 2]") == [
                "arguments: expected at least 1 item matching the 'contains' schema, found 0"
            ])
        let bounded = try schema(#"{"contains": {"const": "x"}, "minContains": 2, "maxContains": 3}"#)
        #expect(bounded.isValid(["x", 1, "x"]))
        #expect(!bounded.isValid(["x"]))
        #expect(
            try violations(bounded, #"["x","x","x","x"]"#) == [
                "arguments: expected at most 3 items matching the 'contains' schema, found 4"
            ])
    }

    // MARK: Combinators

    @Test("allOf reports the violations of every failing branch")
    func allOf() throws {
        let s = try schema(#"{"allOf": [{"minimum": 5}, {"multipleOf": 2}]}"#)
        #expect(s.isValid(6))
        #expect(
            try violations(s, "3") == [
                "arguments: expected a number >= 5, got 3", "arguments: expected a multiple of 2, got 3",
            ])
    }

    @Test("anyOf over types reports one message naming the types")
    func anyOfTypes() throws {
        let s = try schema(#"{"anyOf": [{"type": "string"}, {"type": "integer"}]}"#)
        #expect(s.isValid("a"))
        #expect(s.isValid(2))
        #expect(try violations(s, "[1]") == ["arguments: expected integer or string, got array [1]"])
    }

    @Test("oneOf with a discriminating const names the bad tag")
    func oneOfDiscriminator() throws {
        let s = try schema(
            """
            {"oneOf": [
              {"type": "object", "properties": {"op": {"const": "get"}, "key": {"type": "string"}},
               "required": ["op"], "additionalProperties": false},
              {"type": "object", "properties": {"op": {"const": "list"}, "page_size": {"type": "integer"}},
               "required": ["op"], "additionalProperties": false}]}
            """)
        #expect(s.isValid(["op": "list", "page_size": 20]))
        #expect(
            try violations(s, #"{"op": "lst"}"#) == [
                "arguments.op: expected one of 'get', 'list', got 'lst' (did you mean 'list'?)"
            ])
        #expect(
            try violations(s, #"{"op": "list", "page_size": "20"}"#) == [
                #"arguments.page_size: expected integer, got string "20""#
            ])
    }

    @Test("oneOf without a discriminator reports the closest branch")
    func oneOfClosestBranch() throws {
        let s = try schema(
            """
            {"oneOf": [
              {"properties": {"update": {"type": "string"}, "where": {"type": "string"}},
               "required": ["update", "where"], "additionalProperties": false},
              {"properties": {"create": {"type": "string"}, "value": {"type": "object"}},
               "required": ["create", "value"], "additionalProperties": false}]}
            """)
        #expect(s.isValid(["create": "refunds", "value": [:]]))
        #expect(
            try violations(s, #"{"update": "charges", "wher": "x"}"#) == [
                "arguments: unexpected property 'wher' (did you mean 'where'?)",
                "arguments: missing required property 'where'",
            ])
    }

    @Test("oneOf rejects a value matching several branches")
    func oneOfAmbiguous() throws {
        let s = try schema(#"{"oneOf": [{"type": "integer"}, {"minimum": 0}, {"type": "string"}]}"#)
        #expect(s.isValid(-1))
        #expect(s.isValid(0.5))
        #expect(
            try violations(s, "3") == [
                "arguments: matches 2 of the 3 alternatives (#0 and #1); expected exactly one"
            ])
    }

    @Test("equally close alternatives give one summary message")
    func noMatchSummary() throws {
        let s = try schema(#"{"anyOf": [{"minimum": 10}, {"maximum": -10}]}"#)
        #expect(try violations(s, "0") == ["arguments: matches none of the 2 alternatives allowed here, got integer 0"])
    }

    @Test("not rejects what its schema accepts")
    func notKeyword() throws {
        let s = try schema(#"{"not": {"type": "null"}}"#)
        #expect(s.isValid(1))
        #expect(try violations(s, "null") == ["arguments: expected a value not matching the 'not' schema, got null"])
    }

    @Test("if/then/else applies then or else depending on if")
    func conditional() throws {
        let s = try schema(
            """
            {"if": {"properties": {"kind": {"const": "refund"}}},
             "then": {"required": ["amount"]},
             "else": {"properties": {"amount": false}}}
            """)
        #expect(s.isValid(["kind": "refund", "amount": 3]))
        #expect(s.isValid(["kind": "note"]))
        #expect(try violations(s, #"{"kind": "refund"}"#) == ["arguments: missing required property 'amount'"])
        #expect(
            try violations(s, #"{"kind": "note", "amount": 1}"#) == [
                "arguments.amount: no value is allowed here, got integer 1"
            ])
    }

    @Test("the same violation reached through overlapping schemas is reported once")
    func deduplicated() throws {
        let s = try schema(
            """
            {"properties": {"op": {"enum": ["list"]}, "page_size": {}}, "additionalProperties": false,
             "allOf": [{"if": {"properties": {"op": {"const": "list"}}},
                        "then": {"properties": {"op": true, "page_size": {}}, "additionalProperties": false}}]}
            """)
        #expect(
            try violations(s, #"{"op": "list", "page_sise": 2}"#) == [
                "arguments: unexpected property 'page_sise' (did you mean 'page_size'?)"
            ])
    }

    // MARK: Boolean schemas and references

    @Test("true accepts everything and false nothing")
    func booleanSchemas() throws {
        let yes = try JSONSchema(true)
        let no = try JSONSchema(false)
        #expect(yes.isValid(["any": [1, nil]]))
        #expect(no.validate(1).map(\.description) == ["arguments: no value is allowed here, got integer 1"])
        #expect(try JSONSchema([:]).isValid("anything"))
    }

    @Test("$ref resolves $defs, JSON pointers and the root, including recursion")
    func recursiveTree() throws {
        let s = try schema(
            """
            {"$defs": {"node": {"type": "object",
                                "properties": {"value": {"type": "integer"},
                                               "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                                "required": ["value"], "additionalProperties": false}},
             "$ref": "#/$defs/node"}
            """)
        #expect(s.isValid(try JSON(parsing: #"{"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]}"#)))
        #expect(
            try violations(s, #"{"value": 1, "children": [{"value": 2, "children": [{"value": "3"}, {}]}]}"#) == [
                #"arguments.children[0].children[0].value: expected integer, got string "3""#,
                "arguments.children[0].children[1]: missing required property 'value'",
            ])
        let pointer = try schema(##"{"properties": {"x": {"type": "string"}, "y": {"$ref": "#/properties/x"}}}"##)
        #expect(try violations(pointer, #"{"y": 1}"#) == ["arguments.y: expected string, got integer 1"])
        let root = try schema(##"{"type": ["array", "integer"], "items": {"$ref": "#"}}"##)
        #expect(root.isValid([1, [2, [3]]]))
        #expect(
            try violations(root, #"[1, [2, ["x"]]]"#) == [
                #"arguments[1][1][0]: expected integer or array, got string "x""#
            ])
    }

    @Test("very deep values against recursive schemas end in a violation, not a crash")
    func deepRecursion() throws {
        let s = try schema(##"{"type": "array", "items": {"$ref": "#"}}"##)
        var value: JSON = []
        for _ in 0..<400 { value = [value] }
        #expect(!s.isValid(value))
        #expect(s.validate(value).first?.message.contains("too deeply") == true)
    }

    // MARK: Compile errors

    @Test("unknown keywords are errors with a suggestion; annotations and x- keys are not")
    func unknownKeywords() throws {
        #expect(
            try compileError(#"{"properties": {"amount": {"type": "number", "minimun": 0}}}"#)
                == "properties.amount.minimun: unknown keyword 'minimun' (did you mean 'minimum'?)")
        #expect(
            try compileError(#"{"frobnicate": 1}"#)
                == "frobnicate: unknown keyword 'frobnicate' (extensions must start with 'x-')")
        #expect(
            try compileError(#"{"unevaluatedProperties": false}"#).hasPrefix("unevaluatedProperties: unknown keyword"))
        _ = try schema(
            #"{"title": "t", "description": "d", "default": 1, "examples": [1], "$schema": "x", "$id": "y", "$comment": "c", "format": "date", "deprecated": false, "readOnly": true, "writeOnly": false, "contentMediaType": "text/plain", "x-simrun": {"any": 1}}"#
        )
    }

    @Test("keyword values of the wrong type are errors naming the schema path")
    func wrongKeywordValues() throws {
        #expect(
            try compileError(#"{"properties": {"amount": {"minimum": "0"}}}"#)
                == #"properties.amount.minimum: expected a number, found string "0""#)
        #expect(try compileError(#"{"type": "strng"}"#).hasPrefix("type: unknown type 'strng'"))
        #expect(try compileError(#"{"type": "strng"}"#).hasSuffix("(did you mean 'string'?)"))
        #expect(
            try compileError(#"{"required": "a"}"#)
                == #"required: expected an array of property names, found string "a""#)
        #expect(
            try compileError(#"{"minLength": -1}"#) == "minLength: expected a non-negative integer, found integer -1")
        #expect(
            try compileError(#"{"maxItems": 1.5}"#) == "maxItems: expected a non-negative integer, found number 1.5")
        #expect(
            try compileError(#"{"multipleOf": 0}"#) == "multipleOf: expected a number greater than 0, found integer 0")
        #expect(try compileError(#"{"anyOf": []}"#) == "anyOf: expected a non-empty array of schemas, found array []")
        #expect(try compileError(#"{"items": [{}]}"#).hasPrefix("items: expected a schema, found an array"))
        #expect(try compileError(#"{"pattern": "("}"#).hasPrefix("pattern: invalid regular expression /(/"))
        #expect(
            try compileError(#"{"properties": {"a": 5}}"#)
                == "properties.a: expected a schema (an object or true/false), found integer 5")
        #expect(try compileError("7") == "expected a schema (an object or true/false), found integer 7")
        #expect(try compileError(#"{"required": ["a", "a"]}"#) == "required[1]: 'a' is listed twice")
    }

    @Test("bad references are compile errors")
    func badReferences() throws {
        #expect(
            try compileError(##"{"$defs": {"node": {}}, "$ref": "#/$defs/nod"}"##)
                == "$ref: '#/$defs/nod' does not resolve to anything in this schema (did you mean '#/$defs/node'?)")
        #expect(try compileError(#"{"$ref": "https://example.com/s.json"}"#).hasPrefix("$ref: only local references"))
        #expect(
            try compileError(##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}}"##)
                .contains("reference cycle that never reaches into the value"))
        #expect(try compileError(##"{"$ref": "#"}"##).contains("reference cycle"))
    }

    // MARK: Introspection

    @Test("property types, required names and subschemas are exposed in declaration order")
    func introspection() throws {
        let s = try schema(
            """
            {"$defs": {"args": {"type": "object",
               "properties": {"charge_id": {"type": "string"}, "amount": {"type": "number"},
                              "note": {"type": ["string", "null"]}, "tags": {"type": "array", "items": {"type": "string"}},
                              "meta": {}},
               "required": ["charge_id", "amount"]}},
             "$ref": "#/$defs/args"}
            """)
        #expect(s.propertyTypes.map(\.name) == ["charge_id", "amount", "note", "tags", "meta"])
        #expect(s.propertyTypes.map(\.type) == ["string", "number", nil, "array", nil])
        #expect(s.requiredProperties == ["charge_id", "amount"])
        #expect(s.types == ["object"])
        #expect(s.property("note")?.types == ["null", "string"])
        #expect(s.property("tags")?.itemSchema?.types == ["string"])
        #expect(s.property("missing") == nil)
        #expect(s.property("meta")?.types == nil)
        #expect(s.json["$ref"] == "#/$defs/args")
    }

    @Test("schemas are Sendable values usable across tasks")
    func sendable() async throws {
        let s = try schema(Self.refund)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask { s.isValid(["charge_id": .string("CH-\(index)"), "amount": .int(index)]) }
            }
            var all: [Bool] = []
            for await result in group { all.append(result) }
            return all
        }
        #expect(results == Array(repeating: true, count: 8))
    }
}
