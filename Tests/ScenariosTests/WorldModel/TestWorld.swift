import Scenarios
import Testing
import WorldModel

/// A small world built from a scenario-like document through the public loader: one calm
/// service (fixed 10 ms latency, 1 s timeout), customers, charges, refunds and notes, and a tool
/// for every operation. Tests add fault rules or replace the services.
struct TestWorld {
    var world: World
    var state: WorldState
    var seed: UInt64 = 1

    static let baseText = #"""
        {
          "simrun": 1, "name": "test-world",
          "task": {"instruction": "test"},
          "data": {
            "customers": [
              {"id": "C-1", "name": "Ana", "email": "ana@example.com", "tier": "gold", "address": {"city": "Lyon", "zip": "69001"}, "tags": ["vip"], "bio": "likes tea"},
              {"id": "C-2", "name": "Ben", "email": "ben@example.com", "tier": "silver", "address": {"city": "Oslo", "zip": "0150"}, "tags": [], "bio": "new"},
              {"id": "C-3", "name": "Cy", "email": "cy@example.com", "tier": "gold", "address": {"city": "Rome", "zip": "00100"}, "tags": [], "bio": "old"}
            ],
            "charges": [
              {"id": "CH-1", "customer_id": "C-1", "amount": 50, "status": "captured"},
              {"id": "CH-2", "customer_id": "C-1", "amount": 120, "status": "captured"},
              {"id": "CH-3", "customer_id": "C-2", "amount": 120, "status": "captured"},
              {"id": "CH-4", "customer_id": "C-3", "amount": 10, "status": "refunded"}
            ],
            "refunds": [],
            "notes": []
          },
          "services": {
            "svc": {"timeout_ms": 1000, "regimes": {"ok": {"latency": {"dist": "fixed", "ms": 10}}}, "initial": "ok"}
          },
          "tools": [
            {"name": "get_customer", "service": "svc", "description": "d", "op": "get", "collection": "customers",
             "input": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"], "additionalProperties": false}},
            {"name": "get_customer_brief", "service": "svc", "description": "d", "op": "get", "collection": "customers", "fields": ["id", "name"],
             "input": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"], "additionalProperties": false}},
            {"name": "list_charges", "service": "svc", "description": "d", "op": "list", "collection": "charges", "order_by": "-amount", "page_size": 2,
             "input": {"type": "object", "properties": {}, "additionalProperties": false}},
            {"name": "list_charges_asc", "service": "svc", "description": "d", "op": "list", "collection": "charges", "order_by": "amount",
             "input": {"type": "object", "properties": {}, "additionalProperties": false}},
            {"name": "list_customer_charges", "service": "svc", "description": "d", "op": "list", "collection": "charges",
             "filter": "row.customer_id == args.customer_id", "page_size": 1,
             "input": {"type": "object", "properties": {"customer_id": {"type": "string"}}, "required": ["customer_id"], "additionalProperties": false}},
            {"name": "list_customers", "service": "svc", "description": "d", "op": "list", "collection": "customers",
             "input": {"type": "object", "properties": {}, "additionalProperties": false}},
            {"name": "create_note", "service": "svc", "description": "d", "op": "create", "collection": "notes",
             "value": {"text": "args.text", "meta.at": "now()"},
             "input": {"type": "object", "properties": {"text": {"type": "string"}, "key": {"type": "string"}}, "required": ["text"], "additionalProperties": false},
             "idempotency": "args.key"},
            {"name": "create_customer", "service": "svc", "description": "d", "op": "create", "collection": "customers", "key": "args.id",
             "value": {"name": "args.name"},
             "input": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}, "required": ["id", "name"], "additionalProperties": false}},
            {"name": "set_tier", "service": "svc", "description": "d", "op": "update", "collection": "customers", "key": "args.id",
             "set": {"tier": "args.tier", "address.city": "args.city"}, "append": {"tags": "args.tag"},
             "input": {"type": "object", "properties": {"id": {"type": "string"}, "tier": {"type": "string"}, "city": {"type": "string"}, "tag": {"type": "string"}},
                       "required": ["id", "tier", "city", "tag"], "additionalProperties": false}},
            {"name": "recapture", "service": "svc", "description": "d", "op": "update", "collection": "charges", "where": "row.status == 'refunded'",
             "set": {"status": "'captured'"}, "input": {"type": "object", "properties": {}, "additionalProperties": false}},
            {"name": "delete_customer", "service": "svc", "description": "d", "op": "delete", "collection": "customers",
             "input": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"], "additionalProperties": false}},
            {"name": "delete_gold", "service": "svc", "description": "d", "op": "delete", "collection": "customers", "where": "row.tier == 'gold'",
             "input": {"type": "object", "properties": {}, "additionalProperties": false}},
            {"name": "refund", "service": "svc", "description": "d", "op": "custom",
             "input": {"type": "object", "properties": {"charge_id": {"type": "string"}, "amount": {"type": "number", "minimum": 0}, "key": {"type": "string"}},
                       "required": ["charge_id", "amount"], "additionalProperties": false},
             "requires": [{"expr": "exists('charges', row.id == args.charge_id && row.status == 'captured')", "status": 409, "message": "charge is not captured"},
                          {"expr": "args.amount <= get('charges', args.charge_id).amount", "status": 422, "message": "amount exceeds charge"}],
             "effects": [{"update": "charges", "key": "args.charge_id", "set": {"status": "'refunded'"}},
                         {"create": "refunds", "value": {"charge_id": "args.charge_id", "amount": "args.amount"}}],
             "returns": "last_created('refunds')", "idempotency": "args.key"},
            {"name": "refund_many", "service": "svc", "description": "d", "op": "custom",
             "input": {"type": "object", "properties": {"ids": {"type": "array", "items": {"type": "string"}}}, "required": ["ids"], "additionalProperties": false},
             "effects": [{"for_each": "args.ids", "as": "cid", "do": [
                           {"update": "charges", "key": "cid", "set": {"status": "'refunded'"}},
                           {"create": "refunds", "value": {"charge_id": "cid"}}]}],
             "returns": "count('refunds', true)"},
            {"name": "ping", "service": "svc", "description": "d", "op": "custom", "effects": [],
             "input": {"type": "object", "properties": {}, "additionalProperties": false}},
            {"name": "divide", "service": "svc", "description": "d", "op": "custom", "returns": "args.a / args.b",
             "input": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"], "additionalProperties": false}},
            {"name": "bad_key", "service": "svc", "description": "d", "op": "update", "collection": "customers", "key": "args.n / 0",
             "set": {"tier": "'x'"}, "input": {"type": "object", "properties": {"n": {"type": "number"}}, "required": ["n"], "additionalProperties": false}}
          ],
          "checks": [{"name": "c", "expect": "true"}],
          "solution": [{"answer": "done"}]
        }
        """#

    /// The test world with `faults` (fault rule objects) and optionally other `services`.
    init(faults: [JSON] = [], services: JSON? = nil, seed: UInt64 = 1) throws {
        guard case .object(var document) = try JSON(parsing: Self.baseText) else {
            throw TestWorldError.notAnObject
        }
        document["faults"] = .array(faults)
        if let services { document["services"] = services }
        let scenario = try ScenarioLoader.load(.object(document), file: "test-world.json")
        world = scenario.world
        state = world.initialState
        self.seed = seed
    }

    /// Calls `tool` and returns the observation.
    @discardableResult
    mutating func call(_ tool: String, _ arguments: JSON = [:]) -> Observation {
        world.step(&state, tool: tool, arguments: arguments, seed: seed).observation
    }

    /// Calls `tool` and returns the full step result.
    mutating func step(_ tool: String, _ arguments: JSON = [:]) -> StepResult {
        world.step(&state, tool: tool, arguments: arguments, seed: seed)
    }

    func rows(_ collection: String) -> [JSONObject] { state.data[collection].map { Array($0.rows) } ?? [] }
    func row(_ collection: String, _ id: String) -> JSONObject? { state.data[collection]?.row(id: id) }
}

enum TestWorldError: Error { case notAnObject }

extension Observation {
    /// The body parsed, or a failed expectation.
    func parsed(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSON {
        try #require(json, "body does not parse: \(body)", sourceLocation: sourceLocation)
    }
    var errorCode: String? { json?["error"]?["code"]?.stringValue }
}
