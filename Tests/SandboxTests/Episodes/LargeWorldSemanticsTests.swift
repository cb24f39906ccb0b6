import Foundation
import Sandbox
import Scenarios
import Testing

@testable import WorldModel

@Suite("Large worlds: budgets that scale, id lookups in where, always checks evaluated when needed")
struct LargeWorldSemanticsTests {
    /// ticket-triage with `extra` archived tickets added (status `archived`, so no check and no
    /// listed page changes), written to a temporary file: generated here, never committed.
    static func paddedTicketTriage(extra: Int) throws -> (document: JSON, file: String) {
        let document = try ScenarioFixtures.document("ticket-triage")
        var tickets = try #require(document["data"]?["tickets"]?.arrayValue)
        tickets.reserveCapacity(tickets.count + extra)
        for number in 0..<extra {
            tickets.append([
                "id": .string("T-\(2_000_000 + number)"), "customer_id": "C-2201", "customer_email": "a@example.com",
                "subject": "old", "body": "done", "category": "Billing", "priority": "low", "channel": "email",
                "status": "archived", "queue": "billing", "created_at": "2025-01-01T00:00:00Z",
            ])
        }
        let padded = ScenarioFixtures.setting(["data", "tickets"], to: .array(tickets), in: document)
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("simrun-padded-\(UUID().uuidString).json").path
        try Data(padded.canonicalBytes).write(to: URL(fileURLWithPath: file))
        return (padded, file)
    }

    @Test("the budget is the default for small worlds, grows with the rows, and stays bounded")
    func budgetScales() throws {
        let expression = try CompiledExpression.compile(
            "count('tickets', row.status == 'new') == 0",
            in: ExpressionScope(collections: ["tickets": .any], tools: [], services: []))
        #expect(expression.budget(forRows: 26) == CompiledExpression.defaultBudget)
        let large = expression.budget(forRows: 100_000)
        #expect(large > CompiledExpression.defaultBudget)
        #expect(large == 2 * expression.staticCost * 100_000)
        #expect(expression.budget(forRows: Int.max) == CompiledExpression.maximumBudget)
        #expect(expression.budget(forRows: 1 << 40) == CompiledExpression.maximumBudget)
    }

    @Test("ticket-triage padded to 100k tickets validates, and its robust episode passes")
    func paddedTicketTriageRuns() throws {
        let (_, file) = try Self.paddedTicketTriage(extra: 100_000 - 26)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let validation = ScenarioValidator.validate(file: file)
        #expect(validation.issues.isEmpty, "\(validation.issues)")
        let scenario = try ScenarioLoader.load(contentsOf: file)
        // What the fixed budget of old refused: a check scanning 100k tickets.
        let check = try #require(scenario.checks.first { $0.name == "every routed ticket is in its category's queue" })
        guard case .expect(let expression) = check.kind else {
            Issue.record("the check is not an expect check")
            return
        }
        let context = StepContext(world: scenario.world, state: scenario.world.initialState)
        #expect(throws: ExpressionRuntimeError.costExceeded(budget: CompiledExpression.defaultBudget)) {
            try expression.evaluate(context, ExpressionBindings(names: ["args", "row"]))
        }
        #expect(try scenario.world.evaluate(expression, in: scenario.world.initialState) == .bool(true))
        let plan = RunPlan(scenario: scenario, agent: try #require(ReferenceAgent(named: "robust")), seeds: [1])
        let outcome = EpisodeRunner.play(plan, seed: 1, trial: 1)
        #expect(outcome.verdict.passed, "\(outcome.verdict.failedChecks)")
    }

    @Test("a padded world's bulk close answers, instead of exceeding the budget")
    func paddedBulkCloseAnswers() throws {
        let (_, file) = try Self.paddedTicketTriage(extra: 60_000)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let scenario = try ScenarioLoader.load(contentsOf: file).idealized()
        var state = scenario.world.initialState
        let result = scenario.world.step(
            &state, tool: "tickets_bulk_close", arguments: ["status": "new", "reason": "spam"], seed: 1)
        #expect(result.observation.status == 200, "\(result.observation.body)")
        #expect(result.observation.body == "26")
    }

    /// ticket-triage with a tool that closes one ticket through a `where` selector.
    static func closeOneScenario(where predicate: String) throws -> Scenario {
        var document = try ScenarioFixtures.document("ticket-triage")
        var tools = try #require(document["tools"]?.arrayValue)
        tools.append([
            "name": "tickets_close_one", "service": "helpdesk", "description": "Close one ticket.",
            "input": [
                "type": "object", "properties": ["ticket_id": ["type": "string"]], "required": ["ticket_id"],
                "additionalProperties": false,
            ],
            "op": "custom",
            "effects": [["update": "tickets", "where": .string(predicate), "set": ["status": "'closed'"]]],
            "returns": "count('tickets', row.status == 'closed')",
        ])
        document = ScenarioFixtures.setting(["tools"], to: .array(tools), in: document)
        return try ScenarioLoader.load(document, file: "close-one.json").idealized()
    }

    @Test(
        "where: row.id == E selects by id, as the scan does",
        arguments: [
            "row.id == args.ticket_id", "args.ticket_id == row.id && row.status != 'closed'",
            "row.id == lower(args.ticket_id) && row.priority == 'high'",
        ])
    func whereByID(predicate: String) throws {
        let scenario = try Self.closeOneScenario(where: predicate)
        let tool = try #require(scenario.world.tool(named: "tickets_close_one"))
        guard case .custom(let effects, _) = tool.operation, case .update(_, let selector, _, _) = effects.first else {
            Issue.record("the tool has no update effect")
            return
        }
        guard case .matchingID = selector else {
            Issue.record("\(predicate) was not recognised as an id selector")
            return
        }
        let general = scenario.world.with(shortcuts: .disabled)
        for id in ["T-1003", "T-1017", "T-0998", "t-1003", "T-9999", "T-1003"] {
            var fast = scenario.world.initialState
            var slow = general.initialState
            for _ in 0..<2 {
                let a = scenario.world.step(
                    &fast, tool: "tickets_close_one", arguments: ["ticket_id": .string(id)], seed: 1)
                let b = general.step(&slow, tool: "tickets_close_one", arguments: ["ticket_id": .string(id)], seed: 1)
                #expect(a.observation == b.observation, "\(predicate), \(id)")
                #expect(fast.data == slow.data, "\(predicate), \(id)")
            }
        }
        // A broken lookup is noticed by the same comparison.
        guard predicate == "row.id == args.ticket_id" else { return }
        let broken = scenario.world.with(shortcuts: .broken(.idLookup))
        var wrong = broken.initialState
        var right = general.initialState
        let a = broken.step(&wrong, tool: "tickets_close_one", arguments: ["ticket_id": "T-1003"], seed: 1)
        let b = general.step(&right, tool: "tickets_close_one", arguments: ["ticket_id": "T-1003"], seed: 1)
        #expect(a.observation != b.observation || wrong.data != right.data)
    }

    @Test(
        "other where shapes keep the scan",
        arguments: [
            "row.status == args.ticket_id", "row.priority == 'high' && row.id == args.ticket_id",
            "(row.id == args.ticket_id)", "row.id == row.queue",
        ])
    func otherShapesScan(predicate: String) throws {
        let scenario = try Self.closeOneScenario(where: predicate)
        let tool = try #require(scenario.world.tool(named: "tickets_close_one"))
        guard case .custom(let effects, _) = tool.operation, case .update(_, let selector, _, _) = effects.first else {
            Issue.record("the tool has no update effect")
            return
        }
        if case .matchingID = selector { Issue.record("\(predicate) was taken for an id selector") }
    }

    @Test("an always check's reads are recorded: collections, and the clock as more than data")
    func readsAreRecorded() throws {
        let scenario = try loadScenario("ticket-triage")
        let scope = ExpressionScope.engine(
            args: .any, row: .null, collections: ["tickets": .any, "customers": .any], tools: [], services: [])
        var reads = WorldReads()
        let counting = try CompiledExpression.compile("count('tickets', row.status == 'closed') == 2", in: scope)
        _ = try scenario.world.evaluate(counting, in: scenario.world.initialState, recording: &reads)
        #expect(reads.collections == ["tickets"] && !reads.readsBeyondData)
        #expect(!reads.mayChange(written: ["customers"]) && !reads.mayChange(written: []))
        #expect(reads.mayChange(written: ["tickets"]) && reads.mayChange(written: nil))
        var timed = WorldReads()
        let clock = try CompiledExpression.compile("now() < 5 || exists('customers', row.id == 'C-2210')", in: scope)
        _ = try scenario.world.evaluate(clock, in: scenario.world.initialState, recording: &timed)
        #expect(timed.readsBeyondData && timed.mayChange(written: []))
        #expect(scenario.world.collectionsWritten(by: "tickets_route") == ["tickets"])
        #expect(scenario.world.collectionsWritten(by: "tickets_get") == [])
        #expect(scenario.world.collectionsWritten(by: "no_such_tool") == nil)
    }

    @Test("always checks give the same verdicts whether or not unchanged reads skip them")
    func alwaysSkipsAgree() throws {
        let scenario = try loadScenario("ticket-triage")
        var general = scenario
        general.world = scenario.world.with(shortcuts: .disabled)
        let calls: [(String, JSON)] = [
            ("tickets_get", ["ticket_id": "T-1003"]), ("crm_get_customer", ["customer_id": "C-2210"]),
            ("tickets_route", ["ticket_id": "T-1003", "queue": "billing"]), ("tickets_list", ["status": "new"]),
            ("tickets_bulk_close", ["status": "routed"]), ("tickets_get", ["ticket_id": "T-1003"]),
            ("crm_delete_customer", ["customer_id": "C-2210"]),
        ]
        var verdicts: [Verdict] = []
        for world in [scenario, general] {
            var engine = EpisodeEngine(scenario: world, seed: 3, recordsStateHashes: false)
            for (tool, arguments) in calls {
                _ = engine.call(tool, arguments: arguments, thinkMs: 10, approved: true)
            }
            verdicts.append(engine.finish(answer: "done"))
        }
        #expect(verdicts[0] == verdicts[1])
        let broke = verdicts[0].checks.filter { $0.kind == .always && !$0.passed }.map(\.evidence)
        #expect(broke.contains { $0.hasPrefix("broke at step 5:") }, "\(broke)")
    }
}
