import Scenarios
import Testing
import WorldModel

/// The scenario language 1.1 expressions inside scenario files: load-time errors carry the file,
/// the JSON path, the column, what was found and what the language has instead; at run time,
/// tools built from the new constructs answer the same bytes every time, and their failures
/// are the scenario's errors.
@Suite("Scenario language 1.1 expressions in scenario files")
struct ExpressionLanguageScenarioTests {
    static let corruptions: [Corruption] = [
        Corruption(
            "null-coalescing, which the language lacks",
            """
            crm-refund.json: checks[0].expect: column 32: unexpected '??': the language has no null-coalescing operator (write 'x != null ? x : fallback')
                count('refunds', row.charge_id ?? 'CH-55917') == 1
                                               ^
            """
        ) { $0.with("/checks/0/expect", "count('refunds', row.charge_id ?? 'CH-55917') == 1") },
        Corruption(
            "a statement separator",
            """
            crm-refund.json: checks[3].expect: column 13: unexpected character ';' (an expression is one value, not statements: join conditions with '&&', choose with 'c ? a : b', name values with the tool's 'let')
                true == true; false
                            ^
            """
        ) { $0.with("/checks/3/expect", "true == true; false") },
        Corruption(
            "a misspelt field inside an object literal of a tool's returns",
            """
            crm-refund.json: tools[5].returns: column 60: unknown field 'amout' of row (did you mean 'amount'?)
                {id: last_created('refunds').id, total: sum('refunds', row.amout)}
                                                                           ^
            """
        ) { $0.with("/tools/5/returns", "{id: last_created('refunds').id, total: sum('refunds', row.amout)}") },
        Corruption(
            "a conditional whose condition is not a boolean",
            """
            crm-refund.json: tools[5].returns: column 13: the condition of '? :' must be a boolean, got number
                args.amount ? 'big' : 'small'
                            ^
            """
        ) { $0.with("/tools/5/returns", "args.amount ? 'big' : 'small'") },
        Corruption(
            "a new function with an argument of the wrong type",
            """
            crm-refund.json: tools[4].filter: column 30: starts_with() needs a string as argument 2, got number
                starts_with(row.customer_id, 5) && row.customer_id == args.customer_id
                                             ^
            """
        ) { $0.with("/tools/4/filter", "starts_with(row.customer_id, 5) && row.customer_id == args.customer_id") },
        Corruption(
            "a misspelt new function, with the new names suggested",
            """
            crm-refund.json: checks[6].expect: column 1: unknown function 'index_off' (did you mean 'index_of'?)
                index_off(['C-1042'], c -> c == 'C-1042') == 0
                ^
            """
        ) { $0.with("/checks/6/expect", "index_off(['C-1042'], c -> c == 'C-1042') == 0") },
        Corruption(
            "a lambda whose body is not a predicate",
            """
            crm-refund.json: checks[6].expect: column 25: the predicate of first() must be a boolean, got string
                first('customers', c -> c.id + 'x') != null
                                        ^
            """
        ) { $0.with("/checks/6/expect", "first('customers', c -> c.id + 'x') != null") },
    ]

    @Test("a mistake in a new construct gets one exact, path-precise message", arguments: corruptions)
    func loadError(_ corruption: Corruption) throws {
        let issues = ScenarioFixtures.issues(corruption.edit(try ScenarioFixtures.document()))
        #expect(issues == corruption.expected)
    }

    @Test("the new constructs load where expressions are allowed")
    func valid() throws {
        let document = try ScenarioFixtures.document()
            .with(
                "/tools/5/returns",
                "merge(last_created('refunds'), {summary: 'refunded ' + str(args.amount), big: args.amount > 100 ? true : false})"
            )
            .with("/checks/6/expect", "first(sort('customers', c -> c.name), c -> starts_with(c.id, 'C-')) != null")
        #expect(ScenarioFixtures.issues(document) == [])
    }

    /// The test world with three more tools built from the new constructs.
    static func world() throws -> TestWorld {
        var world = try TestWorld()
        guard case .object(var document) = try JSON(parsing: TestWorld.baseText),
            case .array(var tools) = document["tools"]
        else { throw TestWorldError.notAnObject }
        /// A custom tool answering `returns`, whose required arguments are `properties`.
        func tool(_ name: String, _ properties: JSONObject, returns: String) -> JSON {
            [
                "name": .string(name), "service": "svc", "description": "d", "op": "custom",
                "input": [
                    "type": "object", "properties": .object(properties),
                    "required": .array(properties.keys.map(JSON.string)),
                    "additionalProperties": false,
                ],
                "returns": .string(returns),
            ]
        }
        tools.append(
            tool(
                "summarize", [:],
                returns: """
                    {customers: map(sort('customers', c -> c.name), c -> {id: c.id, city: c.address.city}),
                     total: sum('charges', row.amount), mean: sum('charges', row.amount) / count('charges'),
                     tiers: unique(map('customers', c -> c.tier)),
                     top: first(sort('charges', c -> -c.amount), c -> c.status == 'captured').id,
                     tags: join(flatten(map('customers', c -> c.tags)), ','), keys: keys(get('customers', 'C-1'))}
                    """))
        tools.append(tool("calculate", ["expression": ["type": "string"]], returns: "round(calc(args.expression), 2)"))
        tools.append(
            tool(
                "round_price", ["x": ["type": "number"]],
                returns: "{cents: round(args.x, 2), whole: round(args.x), half: args.x / 2}"))
        document["tools"] = .array(tools)
        world.world = try ScenarioLoader.load(.object(document), file: "test-world.json").world
        world.state = world.world.initialState
        return world
    }

    @Test("tools built from the new constructs answer as written, the same bytes every time")
    func runTime() throws {
        var world = try Self.world()
        let summary = world.call("summarize")
        #expect(summary.status == 200)
        #expect(
            try summary.parsed()
                == [
                    "customers": [
                        ["id": "C-1", "city": "Lyon"], ["id": "C-2", "city": "Oslo"], ["id": "C-3", "city": "Rome"],
                    ],
                    "total": 300, "mean": 75.0, "tiers": ["gold", "silver"], "top": "CH-2", "tags": "vip",
                    "keys": ["address", "bio", "email", "id", "name", "tags", "tier"],
                ])
        #expect(try world.call("calculate", ["expression": "(2 + 3) * 1.1"]).parsed() == 5.5)
        let rounded = world.call("round_price", ["x": 2.675])
        #expect(rounded.body.contains(#""cents":2.67"#), "\(rounded.body)")
        #expect(try rounded.parsed() == ["cents": 2.67, "whole": 3, "half": 1.3375])
        #expect(try world.call("round_price", ["x": 8]).parsed()["half"]?.canonicalText == "4.0")

        var again = try Self.world()
        #expect(again.call("summarize").body == summary.body)
        #expect(again.call("round_price", ["x": 2.675]).body == rounded.body)
    }

    @Test("a calculation that fails answers 500 scenario_error with what failed")
    func calcError() throws {
        var world = try Self.world()
        let observation = world.call("calculate", ["expression": "2 +"])
        #expect(observation.status == 500)
        #expect(observation.errorCode == "scenario_error")
        #expect(
            try observation.parsed()["error"]?["message"]
                == "returns: invalid argument: calc(): '2 +' ends where a number or '(' was expected")
        #expect(world.call("calculate", ["expression": "1 / 0"]).errorCode == "scenario_error")
    }
}
