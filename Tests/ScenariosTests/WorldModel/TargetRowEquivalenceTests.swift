import Scenarios
import Testing
import WorldModel

@testable import WorldModel

/// A world and its twin on the general paths (`WorldShortcuts.disabled`: no target-row plans, no
/// in-place writes, a `StepContext` for every call). The call-by-call comparison over random calls
/// is `ShortcutDifferentialTests`; the tests here check particular histories on both.
struct PlannedPair {
    let planned: World
    let unplanned: World

    init(_ world: World) throws {
        planned = world
        unplanned = world.with(shortcuts: .disabled)
    }

    /// The names of the tools that have a target plan in `planned`.
    var plannedTools: [String] { planned.toolEntries.filter { $0.target != nil }.map(\.name) }
}

/// Random calls biased towards tools with a target plan, with arguments that are mostly valid:
/// key fields drawn from the rows that exist now, ids that match the pattern but name no row,
/// ids of other collections, wrong types and missing fields.
struct KeyedCallGenerator {
    let world: World
    let idsByCollection: [(name: String, ids: [String])]
    let allIDs: [JSON]

    init(_ world: World) {
        self.world = world
        idsByCollection = world.initialState.data.collections.map { collection in
            (collection.name, collection.rows.compactMap { $0["id"]?.stringValue })
        }
        allIDs = idsByCollection.flatMap { $0.ids.map(JSON.string) }
    }

    static let oddValues: [JSON] = [5, 5.0, -1, true, .null, ["x"], ["id": "x"], "", "nope", "caf\u{E9}"]

    func pick<T>(_ values: [T], _ rng: inout RandomStream) -> T { values[rng.nextInt(below: values.count)] }

    /// A value for the key field: usually an id that exists in `state` now.
    func keyValue(collection: String, state: WorldState, _ rng: inout RandomStream) -> JSON? {
        let current = state.data[collection]?.rows.compactMap { $0["id"]?.stringValue } ?? []
        let initial = idsByCollection.first { $0.name == collection }?.ids ?? []
        switch rng.nextInt(below: 20) {
        case 0..<11 where !current.isEmpty: return .string(pick(current, &rng))
        case 11..<13 where !initial.isEmpty: return .string(pick(initial, &rng))
        case 13..<15 where !initial.isEmpty: return .string(pick(initial, &rng) + "9")
        case 15 where !allIDs.isEmpty: return pick(allIDs, &rng)
        case 16: return nil
        default: return pick(Self.oddValues, &rng)
        }
    }

    /// A value for any other property, following its schema most of the time.
    func propertyValue(_ name: String, schema: JSON, _ rng: inout RandomStream) -> JSON? {
        if rng.nextInt(below: 12) == 0 { return rng.nextInt(below: 2) == 0 ? nil : pick(Self.oddValues, &rng) }
        if let choices = schema["enum"]?.arrayValue, !choices.isEmpty { return pick(choices, &rng) }
        switch schema["type"]?.stringValue {
        case "integer": return .int(Int64(rng.nextInt(below: 400)) - 100)
        case "number":
            return rng.nextInt(below: 2) == 0
                ? .int(Int64(rng.nextInt(below: 300))) : .double(Double(rng.nextInt(below: 30_000)) / 100)
        case "boolean": return .bool(rng.nextInt(below: 2) == 0)
        case "array": return .array(allIDs.isEmpty ? [] : [pick(allIDs, &rng)])
        default:
            if name.hasSuffix("_id") || name == "id" || name == "sku", !allIDs.isEmpty { return pick(allIDs, &rng) }
            return .string(pick(["note", "x", "reason text", "key-1", "key-2"], &rng))
        }
    }

    func arguments(for tool: ToolEntry, state: WorldState, _ rng: inout RandomStream) -> JSON {
        if rng.nextInt(below: 60) == 0 { return pick(Self.oddValues, &rng) }
        var object = JSONObject()
        let properties = tool.spec.inputSchemaJSON["properties"]?.objectValue ?? JSONObject()
        for (name, schema) in properties.members {
            let value: JSON?
            if let target = tool.target, target.keyField == name {
                value = keyValue(collection: target.collection, state: state, &rng)
            } else {
                value = propertyValue(name, schema: schema, &rng)
            }
            if let value { object[name] = value }
        }
        if rng.nextInt(below: 25) == 0 { object["unexpected"] = "x" }
        return .object(object)
    }
}

@Suite("Target-row plans and row history")
struct TargetRowEquivalenceTests {
    /// A world of a shipped scenario (or the test world) by file name.
    static func world(_ file: String) throws -> World {
        if file == "test-world" { return try TestWorld().world }
        if file == "calm-ticket-triage" { return try calmTicketTriage() }
        return try ScenarioLoader.load(ScenarioFixtures.document(file), file: file).world
    }

    static let worlds = ScenarioFixtures.shippedFiles + ["test-world"]

    /// Ticket-triage with calm services and no fault rules, so every call reaches its operation.
    static func calmTicketTriage() throws -> World {
        guard case .object(var document) = try ScenarioFixtures.document("ticket-triage.json"),
            let services = document["services"]?.objectValue
        else { throw TestWorldError.notAnObject }
        var calm = JSONObject()
        for name in services.keys {
            calm[name] = [
                "timeout_ms": 1000, "regimes": ["ok": ["latency": ["dist": "fixed", "ms": 10]]], "initial": "ok",
            ]
        }
        document["services"] = .object(calm)
        document["faults"] = []
        return try ScenarioLoader.load(.object(document), file: "ticket-triage.json").world
    }

    @Test(
        "row history changes nothing but history: the same outcomes and data with it on and off",
        arguments: worlds + ["calm-ticket-triage"])
    func historyIsInvisible(file: String) throws {
        let world = try Self.world(file)
        let generator = KeyedCallGenerator(world)
        var rng = RandomStream(seed: 20_261_123, "history-invisible", StreamKey(file))
        var plain = world.initialState
        var remembering = plain.keepingHistory()
        #expect(
            plain.data.collections.contains { !$0.keepsHistory } || world.spec.faults.contains { $0.kind == .staleRead }
        )
        var updates = 0
        for index in 0..<600 {
            let tool = generator.pick(world.toolEntries, &rng)
            let arguments = generator.arguments(for: tool, state: plain, &rng)
            let seed = UInt64(index % 5)
            let advance = Int64(rng.nextInt(below: 2000))  // Lets rate-limit buckets refill.
            plain.now += advance
            remembering.now += advance
            let a = world.step(&plain, tool: tool.name, arguments: arguments, seed: seed)
            let b = world.step(&remembering, tool: tool.name, arguments: arguments, seed: seed)
            let call = "\(file) #\(index) \(tool.name) \(arguments.canonicalText)"
            #expect(a == b, "\(call)")
            #expect(plain.data.json.canonicalText == remembering.data.json.canonicalText, "\(call)")
            if a.committed, !tool.isReadOnly { updates += 1 }
        }
        #expect(plain.dataHash == remembering.dataHash)
        // Faults and rate limits turn many calls away; the calm world must update often.
        if file == "calm-ticket-triage" { #expect(updates >= 5, "\(file): \(updates) committed writes") }
    }

    @Test("a world keeps row history exactly in the collections a stale_read rule can read")
    func historyWhereStaleReadable() throws {
        let calm = try TestWorld()
        #expect(calm.world.initialState.data.collections.allSatisfy { !$0.keepsHistory })
        let stale = try TestWorld(faults: [FaultTests.rule("stale", "stale_read", tool: "get_customer", ["p": 0])])
        let keeping = stale.world.initialState.data.collections.filter(\.keepsHistory).map(\.name)
        #expect(keeping == ["customers"])
        var world = stale
        #expect(world.call("set_tier", ["id": "C-2", "tier": "gold", "city": "Bergen", "tag": "moved"]).status == 200)
        #expect(world.state.data["customers"]?.previousVersions(of: "C-2").last?["tier"] == "silver")
    }

    @Test("routing a ticket to the queue it is in changes nothing: no history, no commit")
    func unchangedRow() throws {
        let pair = try PlannedPair(Self.calmTicketTriage())
        for world in [pair.planned, pair.unplanned] {
            var state = world.initialState.keepingHistory()
            let ticket = try #require(
                state.data["tickets"]?.rows.first { $0["status"] != "closed" }?["id"]?.stringValue)
            let arguments: JSON = ["ticket_id": .string(ticket), "queue": "billing"]
            let first = world.transition(&state, tool: "tickets_route", arguments: arguments, seed: 1)
            #expect(first.response.status == 200)
            #expect(first.committed)
            #expect(state.data["tickets"]?.previousVersions(of: ticket).count == 1)
            let data = state.data
            let again = world.transition(&state, tool: "tickets_route", arguments: arguments, seed: 2)
            #expect(again.response.status == 200)
            #expect(again.response.body == first.response.body)
            #expect(!again.committed)
            #expect(state.data == data)
            #expect(state.data["tickets"]?.previousVersions(of: ticket).count == 1)
        }
    }

    @Test("history keeps the newest historyLimit versions, oldest first, and preconditions still apply")
    func historyAfterUpdates() throws {
        let pair = try PlannedPair(Self.calmTicketTriage())
        var hashes: [String] = []
        for world in [pair.planned, pair.unplanned] {
            var state = world.initialState.keepingHistory()
            let tickets = try #require(state.data["tickets"])
            let ticket = try #require(tickets.rows.first { $0["status"] != "closed" }?["id"]?.stringValue)
            let closed = try #require(tickets.rows.first { $0["status"] == "closed" }?["id"]?.stringValue)
            var replaced: [JSONObject] = []
            let queues = ["billing", "shipping", "technical", "account", "billing", "shipping"]
            for (index, queue) in queues.enumerated() {
                let before = try #require(state.data["tickets"]?.row(id: ticket))
                let arguments: JSON = ["ticket_id": .string(ticket), "queue": .string(queue)]
                let outcome = world.transition(&state, tool: "tickets_route", arguments: arguments, seed: UInt64(index))
                #expect(outcome.response.status == 200)
                #expect(outcome.committed)
                replaced.append(before)
            }
            let history = try #require(state.data["tickets"]).previousVersions(of: ticket)
            #expect(history.count == EntityCollection.historyLimit)
            #expect(history == Array(replaced.suffix(EntityCollection.historyLimit)))
            #expect(history.map { $0["queue"] } == ["shipping", "technical", "account", "billing"])
            let onClosed = world.transition(
                &state, tool: "tickets_route", arguments: ["ticket_id": .string(closed), "queue": "billing"], seed: 9)
            #expect(onClosed.response.status == 409)
            let onMissing = world.transition(
                &state, tool: "tickets_route", arguments: ["ticket_id": "T-424242", "queue": "billing"], seed: 9)
            #expect(onMissing.response.status == 404)
            #expect(state.data["tickets"]?.previousVersions(of: closed) == [])
            hashes.append(state.stateHash)
        }
        #expect(hashes[0] == hashes[1])
    }

    @Test("removing a row drops its history; a row created again under its id starts without one")
    func removalDropsHistory() throws {
        let pair = try PlannedPair(TestWorld().world)
        for world in [pair.planned, pair.unplanned] {
            var state = world.initialState.keepingHistory()
            for (index, tier) in ["silver", "bronze", "gold"].enumerated() {
                let outcome = world.transition(
                    &state, tool: "set_tier",
                    arguments: ["id": "C-2", "tier": .string(tier), "city": "Oslo", "tag": "t"], seed: UInt64(index))
                #expect(outcome.committed)
            }
            #expect(state.data["customers"]?.previousVersions(of: "C-2").count == 3)
            #expect(state.data["customers"]?.previousVersions(of: "C-1") == [])
            let deleted = world.transition(&state, tool: "delete_customer", arguments: ["id": "C-2"], seed: 5)
            #expect(deleted.response.body == ["deleted": 1])
            #expect(state.data["customers"]?.previousVersions(of: "C-2") == [])
            // The rows after the removed one keep their own histories.
            _ = world.transition(
                &state, tool: "set_tier", arguments: ["id": "C-3", "tier": "x", "city": "Rome", "tag": "t"], seed: 6)
            #expect(state.data["customers"]?.previousVersions(of: "C-3").count == 1)
            let created = world.transition(
                &state, tool: "create_customer", arguments: ["id": "C-2", "name": "Ben again"], seed: 7)
            #expect(created.response.status == 201)
            #expect(state.data["customers"]?.previousVersions(of: "C-2") == [])
            let missing = world.transition(
                &state, tool: "set_tier", arguments: ["id": "C-9", "tier": "x", "city": "y", "tag": "t"], seed: 8)
            #expect(missing.response.status == 404)
        }
    }
}

@Suite("Context-free keyed steps")
struct NeedsContextTests {
    static func entry(_ world: World, _ name: String) throws -> ToolEntry {
        try #require(world.toolEntries.first { $0.name == name }, "no tool \(name)")
    }

    @Test("keyed gets and tickets_route need no StepContext; lists, deletes and custom ops do")
    func needsContext() throws {
        let triage = try TargetRowEquivalenceTests.world("ticket-triage.json")
        let refund = try TargetRowEquivalenceTests.world("crm-refund.json")
        for (world, name) in [
            (triage, "tickets_route"), (triage, "tickets_get"), (triage, "crm_get_customer"),
            (refund, "crm_get_customer"), (refund, "crm_get_ticket"),
        ] {
            let entry = try Self.entry(world, name)
            #expect(!entry.needsContext, "\(name)")
            #expect(entry.target != nil, "\(name)")
        }
        for (world, name) in [
            (triage, "tickets_list"), (triage, "tickets_bulk_close"), (refund, "billing_list_charges"),
            (refund, "billing_refund"), (refund, "crm_add_ticket_note"),
        ] {
            let entry = try Self.entry(world, name)
            #expect(entry.needsContext, "\(name)")
            #expect(entry.target == nil, "\(name)")
        }
        // A keyed delete has a plan but still builds a context.
        #expect(try Self.entry(refund, "crm_delete_customer").target != nil)
        #expect(try Self.entry(refund, "crm_delete_customer").needsContext)
        // tickets_route's preconditions are the bound, direct ones.
        let route = try #require(try Self.entry(triage, "tickets_route").target)
        #expect(route.requires.count == 2)
        #expect(route.requires.allSatisfy { $0.expression.boundRowSlot != nil && $0.expression.directCondition != nil })
    }

    /// A tool built in code whose input schema admits any JSON and whose precondition reads the
    /// target row. Bound and unbound, that precondition differs for `args` = `5` (see
    /// `BoundRowDifferentialTests.boundEqualsUnboundForNonObjects`), but the encoder answers 400
    /// to arguments that are not objects before any precondition runs, so no call can tell.
    @Test("a non-object argument gives the same outcome with and without the plan")
    func nonObjectArguments() throws {
        let data = try EntityStore([("tickets", [["id": "T-1", "status": "open"]])])
        let scope = ExpressionScope.engine(
            args: .any, row: .null, collections: ["tickets": .openObject], tools: ["t"], services: ["svc"])
        let tool = ToolSpec(
            name: "t", service: "svc", description: "d", inputSchemaJSON: [:], inputSchema: try JSONSchema([:]),
            operation: .get(collection: "tickets", key: try CompiledExpression.compile("args.ticket_id", in: scope)),
            requires: [
                Precondition(
                    expression: try CompiledExpression.compile(
                        "get('tickets', args.ticket_id).status != 'closed'", in: scope),
                    status: 409, message: "closed")
            ])
        var service = try TargetRowEquivalenceTests.calmTicketTriage().spec.services[0]
        service.name = "svc"
        let spec = WorldSpec(initialData: data, services: [service], tools: [tool], faults: [])
        let pair = try PlannedPair(try World(spec))
        #expect(pair.plannedTools == ["t"])
        let calls: [(JSON, Int)] = [
            (5, 400), ("T-1", 400), (["T-1"], 400), (true, 400), (.null, 400), (["ticket_id": "T-1"], 200),
            (["ticket_id": 5], 404), (["ticket_id": "T-2"], 404),
        ]
        for (arguments, status) in calls {
            var stateA = pair.planned.initialState
            var stateB = pair.unplanned.initialState
            let a = pair.planned.transition(&stateA, tool: "t", arguments: arguments, seed: 3)
            let b = pair.unplanned.transition(&stateB, tool: "t", arguments: arguments, seed: 3)
            #expect(a.response.status == status, "args \(arguments.canonicalText)")
            #expect(
                a.response == b.response,
                "args \(arguments.canonicalText): \(a.response.status) \(a.response.body.canonicalText) vs \(b.response.status) \(b.response.body.canonicalText)"
            )
        }
    }
}
