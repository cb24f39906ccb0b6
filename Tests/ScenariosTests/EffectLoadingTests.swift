import Scenarios
import Testing
import WorldModel

/// One tool with a mistake in a 1.1 construct, the place the loader must point at (relative to
/// the tool) and words its message must hold.
struct ToolMistake: Sendable, CustomTestStringConvertible {
    var mistake: String
    var tool: JSON
    var path: String
    var message: String

    var testDescription: String { mistake }

    init(_ mistake: String, at path: String, _ message: String, tool: JSON) {
        self.mistake = mistake
        self.tool = tool
        self.path = path
        self.message = message
    }
}

@Suite("Scenario language 1.1: the loader checks let, if, paths, placeholders and ends_episode")
struct EffectLoadingTests {
    static let input: JSON = LanguageWorld.input(
        ["id": ["type": "string"], "i": ["type": "integer"], "k": ["type": "string"]], required: ["id"])

    static func custom(_ extra: JSON) -> JSON {
        var tool: JSONObject = [
            "name": "broken", "service": "svc", "description": "d", "op": "custom", "input": input,
        ]
        for (key, value) in extra.objectValue?.members.map({ ($0.key, $0.value) }) ?? [] { tool[key] = value }
        return .object(tool)
    }

    static func update(_ set: JSON) -> JSON {
        [
            "name": "broken", "service": "svc", "description": "d", "op": "update", "collection": "orders",
            "key": "args.id", "set": set, "input": input,
        ]
    }

    static let mistakes: [ToolMistake] = [
        ToolMistake(
            "a dotted number in a set path", at: #"set["items.0.price"]"#,
            "'0' in 'items.0.price' is not a field name; to address element 0 of an array write 'items[0].price'",
            tool: update(["items.0.price": "1"])),
        ToolMistake(
            "a dotted key that is no identifier", at: #"set["meta.first-name"]"#,
            "for a key like this write 'meta['first-name']'", tool: update(["meta.first-name": "1"])),
        ToolMistake(
            "an unclosed bracket", at: #"set["payment_methods[args.k.balance"]"#, "a '[' in",
            tool: update(["payment_methods[args.k.balance": "1"])),
        ToolMistake(
            "an index that is a boolean", at: #"set["items[args.i > 0].price"]"#,
            "the index [args.i > 0] gives boolean; expected a string (a key) or an integer (an element)",
            tool: update(["items[args.i > 0].price": "1"])),
        ToolMistake(
            "an unknown name in an index", at: #"set["items[args.j].price"]"#,
            "in [args.j]: column 6: unknown field 'j' of args",
            tool: update(["items[args.j].price": "1"])),
        ToolMistake(
            "an index in a new row's value", at: #"effects[0].value["tags[0]"]"#, "a new row's fields are named",
            tool: custom(["effects": [["create": "notes", "value": ["tags[0]": "'x'"]]]])),
        ToolMistake(
            "a let named like an engine variable", at: "let.args", "'args' is a variable the engine binds",
            tool: custom(["let": ["args": "1"], "returns": "1"])),
        ToolMistake(
            "a let named like a function", at: "let.count", "'count' is a built-in name; choose another name",
            tool: custom(["let": ["count": "1"], "returns": "1"])),
        ToolMistake(
            "a let name that is not an identifier", at: #"let["first-name"]"#, "must be a lower-case identifier",
            tool: custom(["let": ["first-name": "1"], "returns": "1"])),
        ToolMistake(
            "a let using a name bound after it", at: "let.total",
            "'order' is used before it is bound: 'let' names are bound in the order written, so 'order' must come before 'total'",
            tool: custom(["let": ["total": "order.total", "order": "get('orders', args.id)"], "returns": "total"])),
        ToolMistake(
            "a misspelt let name", at: "returns", "unknown name 'ordr' (did you mean 'order'",
            tool: custom(["let": ["order": "get('orders', args.id)"], "returns": "ordr.total"])),
        ToolMistake(
            "an effect let used after its list", at: "effects[1].set.total", "unknown name 'diff'",
            tool: custom([
                "effects": [
                    ["if": "true", "then": [["let": ["diff": "1"]]]],
                    ["update": "orders", "key": "args.id", "set": ["total": "diff"]],
                ]
            ])),
        ToolMistake(
            "an effect let that shadows a tool let", at: "effects[0].let.order", "'order' is already a name in scope",
            tool: custom(["let": ["order": "1"], "effects": [["let": ["order": "2"]]]])),
        ToolMistake(
            "a let that is not an object", at: "let", "expected an object of name → expression, found an array",
            tool: custom(["let": ["x"], "returns": "1"])),
        ToolMistake(
            "an if that is not a condition", at: "effects[0].if",
            "expected a condition (true or false), but this gives string",
            tool: custom(["effects": [["if": "'yes'", "then": [["delete": "notes", "where": "true"]]]]])),
        ToolMistake(
            "an if without then", at: "effects[0]", "missing required key 'then'",
            tool: custom(["effects": [["if": "true", "else": [["delete": "notes", "where": "true"]]]]])),
        ToolMistake(
            "an empty else", at: "effects[0].else", "expected at least one effect (omit 'else'",
            tool: custom(["effects": [["if": "true", "then": [["delete": "notes", "where": "true"]], "else": []]]])),
        ToolMistake(
            "an effect with if and update", at: "effects[0]",
            "an effect has exactly one of 'update', 'create', 'delete', 'for_each', 'let' or 'if', found update and if",
            tool: custom([
                "effects": [["if": "true", "update": "orders", "then": [["delete": "notes", "where": "true"]]]]
            ])),
        ToolMistake(
            "a placeholder naming an unknown argument", at: "requires[0].message", "unknown field 'idd' of args",
            tool: custom([
                "requires": [["expr": "true", "status": 404, "message": "order {{args.idd}} not found"]],
                "returns": "1",
            ])),
        ToolMistake(
            "an unclosed placeholder", at: "requires[0].message", "a '{{' placeholder is not closed with '}}'",
            tool: custom(["requires": [["expr": "true", "status": 404, "message": "order {{args.id"]], "returns": "1"])),
        ToolMistake(
            "ends_episode as a string", at: "ends_episode", "expected true or false",
            tool: custom(["ends_episode": "yes", "returns": "1"])),
    ]

    @Test("each mistake is reported at its JSON path with what was expected and found", arguments: mistakes)
    func reports(_ mistake: ToolMistake) throws {
        let document = try LanguageWorld.document(extraTools: [mistake.tool])
        let index = (document["tools"]?.arrayValue?.count ?? 0) - 1
        var issues: [ScenarioIssue] = []
        do throws(ScenarioLoadError) {
            _ = try ScenarioLoader.load(document, file: "language.json")
        } catch {
            issues = error.issues
        }
        let path = mistake.path.hasPrefix("[") ? "tools[\(index)]\(mistake.path)" : "tools[\(index)].\(mistake.path)"
        let issue = try #require(issues.first, "no issue reported")
        #expect(issue.file == "language.json")
        #expect(issue.path == path, "\(issues.map(\.description))")
        #expect(issue.message.contains(mistake.message), "\(issue.message)")
    }

    @Test("let names are bound in the order the file writes them, whatever their names sort as")
    func letOrder() throws {
        var test = try TestWorld()
        // Parsed from text, so the order is the parser's: `alpha` uses `zeta`, written first.
        let tool = try JSON(
            parsing: #"""
                {"name": "broken", "service": "svc", "description": "d", "op": "custom",
                 "input": {"type": "object", "properties": {}, "additionalProperties": false},
                 "let": {"zeta": "1", "alpha": "zeta + 1", "mid": "alpha * 10"},
                 "returns": "[zeta, alpha, mid]"}
                """#)
        #expect(tool["let"]?.objectValue?.keys == ["zeta", "alpha", "mid"])
        let scenario = try ScenarioLoader.load(try LanguageWorld.document(extraTools: [tool]), file: "language.json")
        test.world = scenario.world
        test.state = test.world.initialState
        #expect(try test.call("broken").parsed() == [1, 2, 20])
    }

    @Test(
        "a path splits into fields and [expr] segments; brackets nest and quoted brackets do not count",
        arguments: [
            ("status", [FieldPathSyntax.field("status")]),
            ("address.zip", [.field("address"), .field("zip")]),
            (
                "items[index_of(row.items, i -> i.sku == 'A]\\'[')].status",
                [.field("items"), .index("index_of(row.items, i -> i.sku == 'A]\\'[')"), .field("status")]
            ),
            ("grid[xs[0]][1]", [.field("grid"), .index("xs[0]"), .index("1")]),
            ("meta['first-name']", [.field("meta"), .index("'first-name'")]),
        ])
    func pathSyntax(_ text: String, _ expected: [FieldPathSyntax]) throws {
        #expect(try FieldPath.parse(text) == expected)
    }

    @Test(
        "a malformed path says what is wrong",
        arguments: [
            ("", "expected a field name at the start of ''"),
            ("a..b", "expected a field name after '.' of 'a..b'"),
            ("a[1]b", "expected '.' or '[' after ']' in 'a[1]b', found 'b'"),
            ("a[ ]", "expected an expression between '[' and ']' in 'a[ ]'"),
            ("a[1", "a '[' in 'a[1' is not closed with ']'"),
            ("[1].a", "expected a field name at the start of '[1].a'"),
            ("items.0", "to address element 0 of an array write 'items[0]'"),
        ])
    func pathSyntaxErrors(_ text: String, _ message: String) {
        #expect(throws: FieldPathSyntaxError.self) { try FieldPath.parse(text) }
        do throws(FieldPathSyntaxError) {
            _ = try FieldPath.parse(text)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("version 1 dotted paths still create the objects they name")
    func dottedPathsCreate() throws {
        var test = try TestWorld()
        #expect(test.call("set_tier", ["id": "C-2", "tier": "gold", "city": "Bergen", "tag": "new"]).status == 200)
        #expect(test.row("customers", "C-2")?["address"]?["city"] == "Bergen")
        #expect(test.row("customers", "C-2")?["address"]?["zip"] == "0150")
    }
}
