import Scenarios
import Testing

@testable import WorldModel

/// A scenario expression that fails while a call runs is the scenario's error: answered 500
/// `scenario_error` with what failed, never silently ignored and never dressed as a simulated
/// `server_error`.
@Suite("Scenario errors at run time")
struct ScenarioErrorTests {
    /// The test world with one more tool, `keyed_ping`, whose idempotency key is `idempotency`:
    /// it adds a note each time it runs.
    static func world(idempotency: String, faults: [JSON] = []) throws -> TestWorld {
        var world = try TestWorld(faults: faults)
        guard case .object(var document) = try JSON(parsing: TestWorld.baseText),
            case .array(var tools) = document["tools"]
        else { throw TestWorldError.notAnObject }
        tools.append([
            "name": "keyed_ping", "service": "svc", "description": "d", "op": "custom",
            "input": [
                "type": "object", "properties": ["n": ["type": "number"]], "required": ["n"],
                "additionalProperties": false,
            ],
            "effects": [["create": "notes", "value": ["text": "'ping'"]]],
            "idempotency": .string(idempotency),
        ])
        document["tools"] = .array(tools)
        document["faults"] = .array(faults)
        world.world = try ScenarioLoader.load(.object(document), file: "test-world.json").world
        world.state = world.world.initialState
        return world
    }

    @Test("an operation's expression that fails answers 500 scenario_error naming the expression")
    func operationExpression() throws {
        var world = try TestWorld()
        let divide = world.call("divide", ["a": 1, "b": 0])
        #expect(divide.status == 500)
        #expect(divide.errorCode == "scenario_error")
        #expect(try divide.parsed()["error"]?["message"] == "returns: division by zero")
        let key = world.call("bad_key", ["n": 1])
        #expect(key.status == 500)
        #expect(key.errorCode == "scenario_error")
        #expect(world.state.data == world.world.initialState.data)
    }

    @Test("an idempotency key that fails to evaluate answers scenario_error and applies nothing")
    func idempotencyKey() throws {
        var world = try Self.world(idempotency: "args.n / (args.n - args.n)")
        let observation = world.call("keyed_ping", ["n": 3])
        #expect(observation.status == 500)
        #expect(observation.errorCode == "scenario_error")
        #expect(try observation.parsed()["error"]?["message"] == "idempotency key: division by zero")
        #expect(world.rows("notes").isEmpty)
        // A key that is null (here: a valid expression giving null) means no key: applied every time.
        var unkeyed = try Self.world(idempotency: "null")
        #expect(unkeyed.call("keyed_ping", ["n": 3]).status == 200)
        #expect(unkeyed.call("keyed_ping", ["n": 3]).status == 200)
        #expect(unkeyed.rows("notes").count == 2)
    }

    @Test("a fault rule whose when fails answers scenario_error naming the rule, instead of not firing")
    func faultWhen() throws {
        let rule = FaultTests.rule(
            "odd", "server_error", tool: "refund", ["when": "1 / (args.amount - args.amount) > 0"])
        var world = try TestWorld(faults: [rule])
        let observation = world.call("refund", ["charge_id": "CH-1", "amount": 10])
        #expect(observation.status == 500)
        #expect(observation.errorCode == "scenario_error")
        #expect(try observation.parsed()["error"]?["message"] == "fault rule 'odd': when: division by zero")
        #expect(observation.faults.isEmpty)
        #expect(world.rows("refunds").isEmpty)
        #expect(world.row("charges", "CH-1")?["status"] == "captured")
    }

    @Test("an engine invariant broken (an expression that needs a context evaluated without one) traps, not a 500")
    func missingContextTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let data = try EntityStore([("c", [["id": "a"]])])
            let scope = ExpressionScope.engine(
                args: .openObject, row: .null, collections: ["c": .openObject], tools: [], services: [])
            let evaluator = EffectEvaluator(context: nil, arguments: [:])
            _ = try evaluator.value(CompiledExpression.compile("count('c', true)", in: scope), data: data, what: "x")
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("a tool judged context-free (ToolEntry.needsContext)"), "\(message)")
    }
}
