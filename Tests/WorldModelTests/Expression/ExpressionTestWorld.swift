import Testing
import WorldModel

/// An in-memory world state for expression tests.
struct ExpressionTestWorld: ExpressionContext {
    var collections: [String: [JSONObject]] = [:]
    var now: Int64 = 0
    var regimes: [String: String] = [:]
    var calls: [String: Int] = [:]

    func rows(in collection: String) -> [JSONObject]? { collections[collection] }
    func lastCreated(in collection: String) -> JSONObject? { collections[collection]?.last }
    var nowMilliseconds: Int64 { now }
    func regime(of service: String) -> String? { regimes[service] }
    func callCount(of tool: String) -> Int { calls[tool] ?? 0 }

    /// The world of DESIGN.md's example scenario, after a refund of CH-2.
    static let example: ExpressionTestWorld = {
        var world = ExpressionTestWorld()
        world.collections = [
            "customers": [["id": "C-1042", "name": "Dana Ruiz", "email": "dana@example.com", "tier": "gold"]],
            "charges": [
                ["id": "CH-1", "order_id": "O-88", "customer_id": "C-1042", "amount": 120.0, "status": "captured"],
                ["id": "CH-2", "order_id": "O-88", "customer_id": "C-1042", "amount": 120.0, "status": "refunded"],
                ["id": "CH-3", "order_id": "O-90", "customer_id": "C-7", "amount": 30, "status": "captured"],
            ],
            "refunds": [["id": "RF-1", "charge_id": "CH-2", "amount": 120.0, "at": 1500]],
            "notes": [],
        ]
        world.now = 2500
        world.regimes = ["billing": "degraded"]
        world.calls = ["billing_refund": 1]
        return world
    }()
}

/// The refund tool's input schema from DESIGN.md.
let refundInputSchema: JSON = [
    "type": "object",
    "properties": [
        "charge_id": ["type": "string"], "amount": ["type": "number", "minimum": 0],
        "idempotency_key": ["type": "string"],
    ],
    "required": ["charge_id", "amount"], "additionalProperties": false,
]

/// A scope like a tool's: `args` from the refund schema, `row` a charge, plus a few test
/// variables; the example's collections, tools and services.
func exampleScope() -> ExpressionScope {
    var scope = ExpressionScope()
    scope.declare("args", as: ExpressionType(jsonSchema: refundInputSchema))
    scope.declare("row", as: .record(["id", "order_id", "customer_id", "amount", "status", "address"]))
    scope.declare("xs", as: .array(.number))
    scope.declare("items", as: .array(.openObject))
    scope.declare("v", as: .any)
    scope.declareCollection("customers", fields: ["id", "name", "email", "tier"])
    scope.declareCollection("charges", fields: ["id", "order_id", "customer_id", "amount", "status"])
    scope.declareCollection("refunds", fields: ["id", "charge_id", "amount", "at"])
    scope.declareCollection("notes", fields: nil)
    scope.tools = ["billing_list_charges", "billing_refund", "crm_delete_customer"]
    scope.services = ["billing", "crm"]
    return scope
}

/// Bindings for `exampleScope()`.
func exampleBindings(_ scope: ExpressionScope = exampleScope()) -> ExpressionBindings {
    var bindings = scope.makeBindings()
    bindings["args"] = ["charge_id": "CH-2", "amount": 120.0, "idempotency_key": "refund-CH-2"]
    bindings["row"] = [
        "id": "CH-2", "order_id": "O-88", "customer_id": "C-1042", "amount": 120.0, "status": "captured",
        "address": ["zip": "94103", "lines": ["1 Main St", "Apt 2"]],
    ]
    bindings["xs"] = [3, 1, 4, 1, 5]
    bindings["items"] = [["sku": "A", "qty": 2, "price": 2.5], ["sku": "B", "qty": 1, "price": 10]]
    bindings["v"] = ["k": "value", "n": nil]
    return bindings
}

/// Compiles and evaluates against the example world and bindings.
func evaluateExample(_ source: String, budget: Int = CompiledExpression.defaultBudget) throws -> JSON {
    let scope = exampleScope()
    let expression = try CompiledExpression.compile(source, in: scope)
    return try expression.evaluate(ExpressionTestWorld.example, exampleBindings(scope), budget: budget)
}

/// A source with its expected value; table rows for parameterized tests.
struct ExpressionCase: Sendable, CustomTestStringConvertible {
    let source: String
    let expected: JSON
    init(_ source: String, _ expected: JSON) {
        self.source = source
        self.expected = expected
    }
    var testDescription: String { source }
}
