import Scenarios
import Testing
import WorldModel

@testable import WorldModel

/// Creates, updates by key and deletes are applied to the state's own store (no draft copy);
/// these tests pin that they stay all or nothing and never leak into snapshots.
@Suite("World-model in-place writes")
struct InPlaceWriteTests {
    /// The test world plus tools whose values fail after earlier values were computed.
    static func world() throws -> TestWorld {
        var test = try TestWorld()
        guard case .object(var document) = try JSON(parsing: TestWorld.baseText),
            case .array(var tools) = document["tools"]
        else { throw TestWorldError.notAnObject }
        let ratio: JSON = [
            "type": "object",
            "properties": ["id": ["type": "string"], "a": ["type": "number"], "b": ["type": "number"]],
            "required": ["a", "b"], "additionalProperties": false,
        ]
        tools += [
            [
                "name": "create_ratio_note", "service": "svc", "description": "d", "op": "create",
                "collection": "notes",
                "value": ["text": "'first'", "ratio": "args.a / args.b"], "input": ratio,
            ],
            [
                "name": "create_ratio_customer", "service": "svc", "description": "d", "op": "create",
                "collection": "customers", "key": "args.id", "value": ["name": "'x'", "ratio": "args.a / args.b"],
                "input": ratio,
            ],
            [
                "name": "update_ratio", "service": "svc", "description": "d", "op": "update", "collection": "customers",
                "key": "args.id", "set": ["tier": "'platinum'", "ratio": "args.a / args.b"], "input": ratio,
            ],
            [
                "name": "append_to_bio", "service": "svc", "description": "d", "op": "update",
                "collection": "customers",
                "key": "args.id", "set": ["tier": "'platinum'"], "append": ["bio": "'x'"], "input": ratio,
            ],
            [
                "name": "set_score", "service": "svc", "description": "d", "op": "update", "collection": "customers",
                "key": "args.id", "set": ["score": "args.score", "tier": "args.tier"],
                "input": [
                    "type": "object",
                    "properties": [
                        "id": ["type": "string"], "score": ["type": "number"], "tier": ["type": "string"],
                    ],
                    "required": ["id", "score", "tier"], "additionalProperties": false,
                ],
            ],
            [
                "name": "set_label", "service": "svc", "description": "d", "op": "update", "collection": "customers",
                "key": "args.id", "set": ["tier": "args.tier", "active": "true"],
                "input": [
                    "type": "object",
                    "properties": ["id": ["type": "string"], "tier": ["type": "string"]],
                    "required": ["id", "tier"], "additionalProperties": false,
                ],
            ],
        ]
        document["tools"] = .array(tools)
        test.world = try ScenarioLoader.load(.object(document), file: "test-world.json").world
        test.state = test.world.initialState
        return test
    }

    /// Calls that fail after some of their values were computed: tool, arguments, status.
    static let failures: [(String, JSON, Int)] = [
        ("create_ratio_note", ["a": 1, "b": 0], 500),
        ("create_ratio_customer", ["id": "C-9", "a": 1, "b": 0], 500),
        ("create_ratio_customer", ["id": "C-1", "a": 1, "b": 1], 409),
        ("create_customer", ["id": "C-2", "name": "again"], 409),
        ("update_ratio", ["id": "C-1", "a": 1, "b": 0], 500),
        ("update_ratio", ["id": "C-9", "a": 1, "b": 1], 404),
        ("append_to_bio", ["id": "C-1", "a": 1, "b": 1], 422),
        ("set_tier", ["id": "C-9", "tier": "x", "city": "y", "tag": "z"], 404),
        ("delete_customer", ["id": "C-9"], 404),
    ]

    @Test("a failing create, update by key or delete leaves the store exactly as it was", arguments: failures)
    func failureChangesNothing(tool: String, arguments: JSON, status: Int) throws {
        var test = try Self.world()
        test.call("update_ratio", ["id": "C-2", "a": 1, "b": 2])  // gives C-2 a history
        let before = test.state.data
        let observation = test.call(tool, arguments)
        #expect(observation.status == status, "\(observation.body)")
        #expect(test.state.data == before)
    }

    @Test("a failed create does not use up a counter id")
    func failedCreateKeepsCounter() throws {
        var test = try Self.world()
        #expect(test.call("create_ratio_note", ["a": 1, "b": 0]).status == 500)
        #expect(try test.call("create_ratio_note", ["a": 1, "b": 4]).parsed()["id"] == "NT-1")
        #expect(try test.call("create_note", ["text": "t"]).parsed()["id"] == "NT-2")
    }

    @Test("writes in place never reach a snapshot of the state taken before them")
    func snapshotsStayIntact() throws {
        var test = try Self.world()
        let snapshot = test.state
        let json = snapshot.json
        #expect(test.call("update_ratio", ["id": "C-1", "a": 1, "b": 2]).status == 200)
        #expect(test.call("create_note", ["text": "t"]).status == 201)
        #expect(test.call("delete_customer", ["id": "C-3"]).status == 200)
        #expect(test.row("customers", "C-1")?["tier"] == "platinum")
        #expect(test.row("customers", "C-3") == nil)
        #expect(snapshot.json == json)
        #expect(snapshot.data["customers"]?.row(id: "C-1")?["tier"] == "gold")
        #expect(snapshot.data["notes"]?.count == 0)
    }

    @Test("a successful update by key keeps the previous version for stale reads")
    func updateKeepsHistory() throws {
        var test = try Self.world()
        test.state = test.state.keepingHistory()
        #expect(test.call("update_ratio", ["id": "C-1", "a": 1, "b": 2]).status == 200)
        let versions = test.state.data["customers"]?.previousVersions(of: "C-1") ?? []
        #expect(versions.map { $0["tier"] } == ["gold"])
        #expect(test.row("customers", "C-1")?["ratio"] == 0.5)
    }

    /// Calls of the in-place update paths (numeric values: two passes; textual values: one pass),
    /// including values equal to the row's but written differently (`1.0` over `1`).
    static let inPlaceCalls: [(String, JSON)] = [
        ("set_score", ["id": "C-1", "score": 1, "tier": "gold"]),
        ("set_score", ["id": "C-1", "score": 1.0, "tier": "gold"]),
        ("set_score", ["id": "C-1", "score": 1.0, "tier": "silver"]),
        ("set_score", ["id": "C-1", "score": 1, "tier": "silver"]),
        ("set_score", ["id": "C-2", "score": -0.0, "tier": "silver"]),
        ("set_score", ["id": "C-2", "score": 0, "tier": "silver"]),
        ("set_label", ["id": "C-2", "tier": "silver"]),
        ("set_label", ["id": "C-2", "tier": "silver"]),
        ("set_label", ["id": "C-2", "tier": "bronze"]),
        ("set_label", ["id": "C-9", "tier": "bronze"]),
    ]

    @Test("updates in place give the same answers, commits and row text as updates that keep history")
    func inPlaceMatchesHistory() throws {
        var inPlace = try Self.world()
        var remembering = try Self.world()
        remembering.state = remembering.state.keepingHistory()
        #expect(inPlace.world.toolEntries.first { $0.name == "set_score" }?.updateShape?.valuesAreTextual == false)
        #expect(inPlace.world.toolEntries.first { $0.name == "set_label" }?.updateShape?.valuesAreTextual == true)
        for (tool, arguments) in Self.inPlaceCalls {
            let a = inPlace.world.step(&inPlace.state, tool: tool, arguments: arguments, seed: 1)
            let b = remembering.world.step(&remembering.state, tool: tool, arguments: arguments, seed: 1)
            let call = "\(tool) \(arguments.canonicalText)"
            #expect(a == b, "\(call)")
            #expect(inPlace.state.data.json.canonicalText == remembering.state.data.json.canonicalText, "\(call)")
        }
        // A write stores exactly the value computed: `1` over `1.0` and `0` over `-0.0` are
        // written, alone or with another change.
        #expect(inPlace.row("customers", "C-1")?["score"]?.canonicalText == "1")
        #expect(inPlace.row("customers", "C-2")?["score"]?.canonicalText == "0")
    }
}
