import Testing
import WorldModel

/// Every expression of DESIGN.md's example scenario compiles in the scope its place gives it
/// and evaluates as the scenario intends.
@Suite("Expressions of the example scenario")
struct ExpressionScenarioTests {
    /// Collections of the example with the fields of their rows.
    static func baseScope() -> ExpressionScope {
        var scope = ExpressionScope()
        scope.declareCollection("customers", fields: ["id", "name", "email", "tier"])
        scope.declareCollection("charges", fields: ["id", "order_id", "customer_id", "amount", "status"])
        scope.declareCollection("refunds", fields: ["id", "charge_id", "amount", "at"])
        scope.tools = [
            "billing_list_charges", "billing_refund", "crm_delete_customer", "crm_get_customer", "crm_get_ticket",
        ]
        scope.services = ["billing"]
        return scope
    }

    /// The scope of a tool: `args` typed from its input schema, and `row` for filters.
    static func toolScope(input: JSON, rowCollection: String?) -> ExpressionScope {
        var scope = baseScope()
        scope.declare("args", as: ExpressionType(jsonSchema: input))
        if let rowCollection, let rowType = scope.collections[rowCollection] { scope.declare("row", as: rowType) }
        return scope
    }

    static let listInput: JSON = [
        "type": "object", "properties": ["customer_id": ["type": "string"]], "required": ["customer_id"],
        "additionalProperties": false,
    ]

    @Test("the list tool's filter selects the customer's charges")
    func listFilter() throws {
        let scope = Self.toolScope(input: Self.listInput, rowCollection: "charges")
        let filter = try CompiledExpression.compile("row.customer_id == args.customer_id", in: scope)
        #expect(filter.type == .boolean)
        #expect(filter.referencedVariables == ["row", "args"])
        var bindings = scope.makeBindings()
        bindings["args"] = ["customer_id": "C-1042"]
        var selected: [JSON] = []
        let rowSlot = try #require(scope.slot(of: "row"))
        for row in ExpressionTestWorld.example.collections["charges"] ?? [] {
            bindings[rowSlot] = .object(row)
            if try filter.evaluateCondition(ExpressionTestWorld.example, bindings) { selected.append(row["id"] ?? nil) }
        }
        #expect(selected == ["CH-1", "CH-2"])
    }

    @Test("the refund tool's requires, effects, returns, idempotency and approval")
    func refundTool() throws {
        let scope = Self.toolScope(input: refundInputSchema, rowCollection: "charges")
        var world = ExpressionTestWorld.example
        world.collections["charges"]?[1]["status"] = "captured"
        var bindings = scope.makeBindings()
        bindings["args"] = ["charge_id": "CH-2", "amount": 120.0, "idempotency_key": "refund-CH-2"]
        func value(_ source: String) throws -> JSON {
            try CompiledExpression.compile(source, in: scope).evaluate(world, bindings)
        }
        #expect(try value("exists('charges', row.id == args.charge_id && row.status == 'captured')") == true)
        #expect(try value("args.amount <= get('charges', args.charge_id).amount") == true)
        bindings["row"] = .object(try #require(world.collections["charges"]?[1]))
        #expect(try value("row.id == args.charge_id") == true)
        #expect(try value("'refunded'") == "refunded")
        #expect(try CompiledExpression.compile("'refunded'", in: scope).isConstant)
        #expect(try value("args.charge_id") == "CH-2")
        #expect(try value("args.amount") == 120.0)
        #expect(try value("now()") == 2500)
        #expect(
            try value("last_created('refunds')") == ["id": "RF-1", "charge_id": "CH-2", "amount": 120.0, "at": 1500])
        #expect(try value("args.idempotency_key") == "refund-CH-2")
        #expect(try value("args.amount > 500") == false)
        bindings["args"] = ["charge_id": "CH-1", "amount": 900]
        #expect(try value("args.amount > 500") == true)
        #expect(try value("args.amount <= get('charges', args.charge_id).amount") == false)
        #expect(try value("args.idempotency_key") == nil)
    }

    @Test("the checks hold on the final state")
    func checks() throws {
        let scope = Self.baseScope()
        let bindings = scope.makeBindings()
        for source in [
            "count('refunds', row.charge_id == 'CH-2') == 1",
            "get('charges', 'CH-1').status == 'captured'",
            "sum('refunds', row.amount) <= 120",
        ] {
            let check = try CompiledExpression.compile(source, in: scope)
            #expect(try check.evaluateCondition(ExpressionTestWorld.example, bindings), "\(source)")
            #expect(check.referencedVariables.isEmpty)
        }
        #expect(
            try CompiledExpression.compile("regime('billing')", in: scope).evaluate(
                ExpressionTestWorld.example, bindings)
                == "degraded")
        #expect(
            try CompiledExpression.compile("calls('crm_delete_customer') == 0", in: scope).evaluate(
                ExpressionTestWorld.example, bindings) == true)
    }

    @Test("a typo in a scenario expression is caught with a suggestion")
    func typo() throws {
        let scope = Self.toolScope(input: refundInputSchema, rowCollection: "charges")
        let error = try #require(throws: ExpressionCompileError.self) {
            try CompiledExpression.compile(
                "exists('charges', row.id == args.charge_id && row.stauts == 'captured')", in: scope)
        }
        #expect(error.summary == "column 51: unknown field 'stauts' of row (did you mean 'status'?)")
    }
}

@Suite("CompiledExpression metadata and types")
struct ExpressionMetadataTests {
    @Test("constant expressions are folded and reported as constant")
    func constants() throws {
        let scope = exampleScope()
        let folded = try CompiledExpression.compile("round(10 / 4, 1) + len([1, 2]) * 2", in: scope)
        #expect(folded.isConstant)
        #expect(folded.constantValue == 6.5)
        #expect(folded.source == "round(10 / 4, 1) + len([1, 2]) * 2")
        #expect(try !CompiledExpression.compile("now()", in: scope).isConstant)
        #expect(try !CompiledExpression.compile("args.amount + 1", in: scope).isConstant)
        #expect(try !CompiledExpression.compile("map([1], x -> x)", in: scope).isConstant)
    }

    @Test("referenced variables and collections are reported; lambda parameters are not")
    func references() throws {
        let expression = try CompiledExpression.compile(
            "count('charges', row.amount > args.amount) + len(map(xs, x -> x)) + sum('refunds', row.amount)",
            in: exampleScope())
        #expect(expression.referencedVariables == ["args", "xs"])
        #expect(expression.referencedCollections == ["charges", "refunds"])
    }

    @Test("result types are inferred")
    func types() throws {
        let scope = exampleScope()
        #expect(try CompiledExpression.compile("args.amount", in: scope).type == .number)
        #expect(try CompiledExpression.compile("args.charge_id + 'x'", in: scope).type == .string)
        #expect(try CompiledExpression.compile("filter(xs, x -> x > 1)", in: scope).type == .array(.number))
        #expect(try CompiledExpression.compile("map(xs, x -> x > 1)", in: scope).type == .array(.boolean))
        #expect(try CompiledExpression.compile("count('charges', true) > 1", in: scope).type == .boolean)
        #expect(try CompiledExpression.compile("v.anything", in: scope).type == .any)
    }

    @Test("object types come from JSON Schema")
    func schemaTypes() {
        let type = ExpressionType(jsonSchema: [
            "type": "object",
            "properties": [
                "id": ["type": "string"], "n": ["type": "integer"],
                "tags": ["type": "array", "items": ["type": "string"]],
                "address": ["type": "object", "properties": ["zip": ["type": "string"]]],
                "either": ["type": ["string", "null"]],
            ],
            "additionalProperties": false,
        ])
        #expect(
            type
                == .object(
                    fields: [
                        "id": .string, "n": .number, "tags": .array(.string),
                        "address": .object(fields: ["zip": .string], open: true), "either": .any,
                    ], open: false))
    }

    @Test("bindings by name and by slot agree")
    func bindings() throws {
        var scope = ExpressionScope(variables: ["a": .number, "b": .string])
        #expect(scope.declare("a", as: .any) == scope.slot(of: "a"))
        var bindings = scope.makeBindings()
        bindings["b"] = "x"
        bindings["unknown"] = "ignored"
        #expect(bindings[try #require(scope.slot(of: "b"))] == "x")
        #expect(bindings["a"] == JSON.null)
        #expect(bindings["unknown"] == nil)
        #expect(try CompiledExpression.compile("b + 'y'", in: scope).evaluate(bindings) == "xy")
    }
}
