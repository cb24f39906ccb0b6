import Scenarios
import Testing
import WorldModel

/// The test world plus an `orders` collection with nested arrays and maps, and tools using the
/// scenario language 1.1 effects: `let`, `if`, `[expr]` paths, message placeholders.
enum LanguageWorld {
    static let orders: JSON = [
        [
            "id": "O-1", "customer_id": "C-1", "status": "pending", "total": 51,
            "items": [
                ["item_id": "I-1", "price": 10, "status": "ok"],
                ["item_id": "I-2", "price": 41, "status": "ok"],
            ],
            "payment_methods": ["gc_1": ["balance": 100], "cc_2": ["balance": 0]],
        ],
        [
            "id": "O-2", "customer_id": "C-2", "status": "delivered", "total": 7,
            "items": [["item_id": "I-9", "price": 7, "status": "ok"]], "payment_methods": [:],
        ],
    ]

    static func input(_ properties: JSON, required: [String]) -> JSON {
        [
            "type": "object", "properties": properties, "required": .array(required.map(JSON.string)),
            "additionalProperties": false,
        ]
    }

    static let tools: [JSON] = [
        [
            "name": "set_item_status", "service": "svc", "description": "d", "op": "update", "collection": "orders",
            "key": "args.id", "set": ["items[args.i].status": "args.status"],
            "input": input(
                ["id": ["type": "string"], "i": ["type": "integer"], "status": ["type": "string"]],
                required: ["id", "i", "status"]),
        ],
        [
            "name": "charge_method", "service": "svc", "description": "d", "op": "custom",
            "let": ["order": "get('orders', args.id)", "balance": "order.payment_methods[args.pm].balance"],
            "requires": [
                ["expr": "order != null", "status": 404, "message": "order {{args.id}} not found"],
                [
                    "expr": "balance >= args.amount", "status": 422,
                    "message": "method {{args.pm}} holds {{balance}}, less than {{args.amount}}",
                ],
            ],
            "effects": [
                [
                    "update": "orders", "key": "args.id",
                    "set": ["payment_methods[args.pm].balance": "balance - args.amount"],
                ]
            ],
            "returns": "get('orders', args.id).payment_methods",
            "input": input(
                ["id": ["type": "string"], "pm": ["type": "string"], "amount": ["type": "number"]],
                required: ["id", "pm", "amount"]),
        ],
        [
            "name": "reprice", "service": "svc", "description": "d", "op": "custom",
            "let": ["order": "get('orders', args.id)"],
            "requires": [
                // Reads the store after the let was evaluated.
                ["expr": "exists('orders', row.id == args.id)", "status": 404, "message": "no order {{args.id}}"],
                [
                    "expr": "order.status == 'pending'", "status": 409,
                    "message": "order {{args.id}} is {{order.status}}, not pending",
                ],
            ],
            "effects": [
                ["let": ["old": "order.items[args.i].price", "diff": "args.price - old"]],
                ["update": "orders", "key": "args.id", "set": ["items[args.i].price": "args.price"]],
                [
                    "if": "diff > 0",
                    "then": [
                        [
                            "update": "orders", "key": "args.id",
                            "set": ["payment_methods['gc_1'].balance": "order.payment_methods.gc_1.balance - diff"],
                        ]
                    ],
                    "else": [
                        ["let": ["refund": "0 - diff"]],
                        ["create": "notes", "value": ["text": "'refund'", "amount": "refund", "order": "args.id"]],
                    ],
                ],
            ],
            "returns": "get('orders', args.id)",
            "input": input(
                ["id": ["type": "string"], "i": ["type": "integer"], "price": ["type": "number"]],
                required: ["id", "i", "price"]),
        ],
        [
            "name": "write_path", "service": "svc", "description": "d", "op": "update", "collection": "orders",
            "key": "args.id", "set": ["items[args.i].price": "args.price", "status": "'touched'"],
            "input": input(
                ["id": ["type": "string"], "i": [:], "price": ["type": "number"]], required: ["id", "i", "price"]),
        ],
        [
            "name": "write_key", "service": "svc", "description": "d", "op": "update", "collection": "orders",
            "key": "args.id", "set": ["payment_methods[args.pm].balance": "1"],
            "input": input(["id": ["type": "string"], "pm": ["type": "string"]], required: ["id", "pm"]),
        ],
        [
            "name": "append_path", "service": "svc", "description": "d", "op": "update", "collection": "orders",
            "key": "args.id", "append": ["items[args.i].history": "'x'"],
            "input": input(["id": ["type": "string"], "i": ["type": "integer"]], required: ["id", "i"]),
        ],
        [
            "name": "through_array", "service": "svc", "description": "d", "op": "update", "collection": "orders",
            "key": "args.id", "set": ["items.price": "1"],
            "input": input(["id": ["type": "string"]], required: ["id"]),
        ],
        [
            "name": "set_total", "service": "svc", "description": "d", "op": "custom",
            "effects": [["update": "orders", "key": "args.id", "set": ["total": "args.total"]]],
            "input": input(["id": ["type": "string"], "total": ["type": "number"]], required: ["id", "total"]),
        ],
        [
            "name": "set_total_and_status", "service": "svc", "description": "d", "op": "custom",
            "effects": [
                ["update": "orders", "key": "args.id", "set": ["total": "args.total", "status": "args.status"]]
            ],
            "input": input(
                ["id": ["type": "string"], "total": ["type": "number"], "status": ["type": "string"]],
                required: ["id", "total", "status"]),
        ],
        [
            "name": "set_total_where", "service": "svc", "description": "d", "op": "update", "collection": "orders",
            "where": "row.id == args.id", "set": ["total": "args.total"],
            "input": input(["id": ["type": "string"], "total": ["type": "number"]], required: ["id", "total"]),
        ],
        [
            "name": "hand_off", "service": "svc", "description": "d", "op": "custom", "ends_episode": true,
            "requires": [["expr": "len(args.summary) > 0", "status": 422, "message": "say why"]],
            "effects": [["create": "notes", "value": ["text": "args.summary"]]],
            "input": input(["summary": ["type": "string"]], required: ["summary"]),
        ],
        [
            "name": "list_by_status", "service": "svc", "description": "d", "op": "list", "collection": "orders",
            "let": ["wanted": "lower(args.status)"], "filter": "row.status == wanted",
            "input": input(["status": ["type": "string"]], required: ["status"]),
        ],
        [
            "name": "get_by_number", "service": "svc", "description": "d", "op": "get", "collection": "orders",
            "let": ["id": "'O-' + args.number"], "key": "id",
            "requires": [["expr": "get('orders', id) != null", "status": 404, "message": "there is no order {{id}}"]],
            "input": input(["number": ["type": "string"]], required: ["number"]),
        ],
        [
            "name": "bad_if", "service": "svc", "description": "d", "op": "custom",
            "effects": [["if": "args.flag", "then": [["create": "notes", "value": ["text": "'yes'"]]]]],
            "input": input(["flag": [:]], required: ["flag"]),
        ],
    ]

    /// The base test world plus `orders` and the tools above (and `extraTools`).
    static func document(extraTools: [JSON] = []) throws -> JSON {
        guard case .object(var document) = try JSON(parsing: TestWorld.baseText),
            case .array(let tools) = document["tools"], case .object(var data) = document["data"]
        else { throw TestWorldError.notAnObject }
        data["orders"] = orders
        document["data"] = .object(data)
        document["tools"] = .array(tools + Self.tools + extraTools)
        return .object(document)
    }

    static func make(shortcuts: WorldShortcuts = .enabled) throws -> TestWorld {
        var test = try TestWorld()
        let scenario = try ScenarioLoader.load(try document(), file: "language.json")
        test.world = scenario.world.with(shortcuts: shortcuts)
        test.state = test.world.initialState
        return test
    }
}

@Suite("Scenario language 1.1: let, if, [expr] paths, message placeholders")
struct EffectLanguageTests {
    @Test("a [expr] path writes one element of a nested array, leaving the others as they were")
    func indexedWrite() throws {
        var test = try LanguageWorld.make()
        let observation = test.call("set_item_status", ["id": "O-1", "i": 1, "status": "returned"])
        #expect(observation.status == 200)
        let items = test.row("orders", "O-1")?["items"]
        #expect(items?[1]?["status"] == "returned")
        #expect(items?[0]?["status"] == "ok")
        #expect(items?.arrayValue?.count == 2)
    }

    @Test("a [expr] path with a string writes a member of a map; a let reads it for the requires and the effect")
    func keyedWrite() throws {
        var test = try LanguageWorld.make()
        let ok = test.call("charge_method", ["id": "O-1", "pm": "gc_1", "amount": 30])
        #expect(ok.status == 200, "\(ok.body)")
        #expect(test.row("orders", "O-1")?["payment_methods"]?["gc_1"]?["balance"] == 70)
        #expect(test.row("orders", "O-1")?["payment_methods"]?["cc_2"]?["balance"] == 0)
        #expect(try ok.parsed()["gc_1"]?["balance"] == 70)
    }

    @Test("a requires message fills its {{expr}} placeholders from args and let names")
    func messagePlaceholders() throws {
        var test = try LanguageWorld.make()
        let short = test.call("charge_method", ["id": "O-1", "pm": "cc_2", "amount": 5])
        #expect(short.status == 422)
        #expect(try short.parsed()["error"]?["message"] == "method cc_2 holds 0, less than 5")
        let missing = test.call("charge_method", ["id": "O-404", "pm": "gc_1", "amount": 5])
        #expect(missing.status == 404)
        #expect(try missing.parsed()["error"]?["message"] == "order O-404 not found")
        let delivered = test.call("reprice", ["id": "O-2", "i": 0, "price": 1])
        #expect(try delivered.parsed()["error"]?["message"] == "order O-2 is delivered, not pending")
    }

    @Test("if/then/else applies one branch; an effect let binds for the effects after it")
    func branches() throws {
        var test = try LanguageWorld.make()
        // Price up by 5: the gift card pays the difference.
        #expect(test.call("reprice", ["id": "O-1", "i": 0, "price": 15]).status == 200)
        #expect(test.row("orders", "O-1")?["items"]?[0]?["price"] == 15)
        #expect(test.row("orders", "O-1")?["payment_methods"]?["gc_1"]?["balance"] == 95)
        #expect(test.rows("notes").isEmpty)
        // Price down by 6: a refund note, the balance untouched.
        #expect(test.call("reprice", ["id": "O-1", "i": 1, "price": 35]).status == 200)
        #expect(test.row("orders", "O-1")?["payment_methods"]?["gc_1"]?["balance"] == 95)
        #expect(test.rows("notes").map { $0["amount"] } == [6])
    }

    @Test("a tool let is usable in a list filter, a get key and a precondition message")
    func letOnOtherOperations() throws {
        var test = try LanguageWorld.make()
        let listed = try test.call("list_by_status", ["status": "PENDING"]).parsed()
        #expect(listed["items"]?.arrayValue?.map { $0["id"] } == ["O-1"])
        #expect(try test.call("get_by_number", ["number": "2"]).parsed()["status"] == "delivered")
        let missing = test.call("get_by_number", ["number": "7"])
        #expect(missing.status == 404)
        #expect(try missing.parsed()["error"]?["message"] == "there is no order O-7")
    }

    @Test("an if whose condition is not a boolean is a scenario error and applies nothing")
    func nonBooleanCondition() throws {
        var test = try LanguageWorld.make()
        let observation = test.call("bad_if", ["flag": "yes"])
        #expect(observation.status == 500)
        #expect(observation.errorCode == "scenario_error")
        #expect(
            try observation.parsed()["error"]?["message"]?.stringValue?.contains("if: expected true or false") == true)
        #expect(test.call("bad_if", ["flag": true]).status == 200)
        #expect(test.rows("notes").count == 1)
    }

    @Test(
        "writing through an out-of-range index, a missing key or a wrong kind is a scenario error that changes nothing",
        arguments: [
            (
                "write_path", ["id": "O-1", "i": 2, "price": 1] as JSON,
                "index 2 is out of range: 'items' has 2 elements"
            ),
            ("write_path", ["id": "O-1", "i": -1, "price": 1] as JSON, "index -1 is out of range"),
            ("write_path", ["id": "O-1", "i": "x", "price": 1] as JSON, "'items' is an array"),
            ("write_path", ["id": "O-1", "i": true, "price": 1] as JSON, "expected a string (a key) or an integer"),
            ("write_path", ["id": "O-1", "i": 0.5, "price": 1] as JSON, "not a whole number"),
            ("write_key", ["id": "O-1", "pm": "nope"] as JSON, "'payment_methods' has no key 'nope'"),
            ("write_key", ["id": "O-2", "pm": "gc_1"] as JSON, "'payment_methods' has no key 'gc_1'"),
            ("append_path", ["id": "O-1", "i": 5] as JSON, "index 5 is out of range"),
            ("through_array", ["id": "O-1"] as JSON, "'items' is an array"),
        ])
    func pathErrors(_ tool: String, _ arguments: JSON, _ message: String) throws {
        var test = try LanguageWorld.make()
        let before = test.state.data.json
        let observation = test.call(tool, arguments)
        #expect(observation.status == 500)
        #expect(observation.errorCode == "scenario_error")
        let text = try observation.parsed()["error"]?["message"]?.stringValue ?? ""
        #expect(text.contains(message), "\(text)")
        #expect(test.state.data.json == before)
    }

    @Test("append through an index creates the array when the element has none")
    func appendThroughIndex() throws {
        var test = try LanguageWorld.make()
        #expect(test.call("append_path", ["id": "O-1", "i": 1]).status == 200)
        #expect(test.call("append_path", ["id": "O-1", "i": 1]).status == 200)
        #expect(test.row("orders", "O-1")?["items"]?[1]?["history"] == ["x", "x"])
    }

    @Test(
        "a write stores exactly the value computed, whether it is the only change or not",
        arguments: ["set_total", "set_total_and_status", "set_total_where"])
    func numericallyEqualWrite(_ tool: String) throws {
        for shortcuts in [WorldShortcuts.enabled, .disabled] {
            var test = try LanguageWorld.make(shortcuts: shortcuts)
            var arguments: JSON = ["id": "O-1", "total": 51.0]
            if tool == "set_total_and_status" { arguments = ["id": "O-1", "total": 51.0, "status": "pending"] }
            let result = test.step(tool, arguments)
            #expect(result.observation.status == 200)
            #expect(test.row("orders", "O-1")?["total"]?.canonicalText == "51.0", "\(tool) \(shortcuts)")
            #expect(result.committed, "\(tool) \(shortcuts)")
            // Writing the identical value again changes nothing.
            #expect(test.step(tool, arguments).committed == false, "\(tool) \(shortcuts)")
        }
    }

    @Test("the same calls give the same bytes with and without the shortcuts")
    func shortcutsAgree() throws {
        let calls: [(String, JSON)] = [
            ("charge_method", ["id": "O-1", "pm": "gc_1", "amount": 30]),
            ("reprice", ["id": "O-1", "i": 0, "price": 15]),
            ("reprice", ["id": "O-1", "i": 1, "price": 35.0]),
            ("set_item_status", ["id": "O-1", "i": 0, "status": "gone"]),
            ("write_path", ["id": "O-1", "i": 9, "price": 1]),
            ("set_total", ["id": "O-1", "total": 51.0]),
            ("hand_off", ["summary": "needs a human"]),
        ]
        var fast = try LanguageWorld.make()
        var general = try LanguageWorld.make(shortcuts: .disabled)
        for (tool, arguments) in calls {
            #expect(fast.call(tool, arguments) == general.call(tool, arguments), "\(tool)")
            #expect(fast.state.data.json.canonicalText == general.state.data.json.canonicalText, "\(tool)")
        }
    }
}
