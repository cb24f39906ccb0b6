import Scenarios
import Testing
import WorldModel

@Suite("World-model operations")
struct OperationTests {
    @Test("get returns the row with status 200, and 404 not_found for an unknown id")
    func get() throws {
        var world = try TestWorld()
        let found = world.call("get_customer", ["id": "C-1"])
        #expect(found.status == 200)
        #expect(try found.parsed()["email"] == "ana@example.com")
        #expect(found.latencyMs == 10)
        #expect(found.header("content-type") == "application/json")
        let missing = world.call("get_customer", ["id": "C-9"])
        #expect(missing.status == 404)
        #expect(missing.errorCode == "not_found")
        #expect(world.state.now == 20)
    }

    @Test("fields projects the returned row")
    func projection() throws {
        var world = try TestWorld()
        let body = try world.call("get_customer_brief", ["id": "C-2"]).parsed()
        #expect(body == ["id": "C-2", "name": "Ben"])
    }

    @Test("list orders descending with ties in insertion order, paginates by cursor and reports total")
    func listDescendingPages() throws {
        var world = try TestWorld()
        let first = try world.call("list_charges").parsed()
        #expect(first["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["CH-2", "CH-3"])
        #expect(first["total"] == 4)
        let cursor = try #require(first["next_cursor"]?.stringValue)
        let second = try world.call("list_charges", ["cursor": .string(cursor)]).parsed()
        #expect(second["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["CH-1", "CH-4"])
        #expect(second["next_cursor"] == .null)
        #expect(second["total"] == 4)
    }

    @Test("list orders ascending with ties in insertion order; without page_size one page holds all")
    func listAscending() throws {
        var world = try TestWorld()
        let body = try world.call("list_charges_asc").parsed()
        #expect(body["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["CH-4", "CH-1", "CH-2", "CH-3"])
        #expect(body["next_cursor"] == .null)
    }

    @Test("list filters with the tool's expression; total counts matches across pages")
    func listFilter() throws {
        var world = try TestWorld()
        let body = try world.call("list_customer_charges", ["customer_id": "C-1"]).parsed()
        #expect(body["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["CH-1"])
        #expect(body["total"] == 2)
        #expect(body["next_cursor"]?.stringValue != nil)
        let none = try world.call("list_customer_charges", ["customer_id": "C-7"]).parsed()
        #expect(none["items"] == [])
        #expect(none["total"] == 0)
    }

    @Test("a forged or foreign cursor answers 400", arguments: ["garbage", "cur_-1", "cur_99", "cur_x"])
    func invalidCursor(cursor: String) throws {
        var world = try TestWorld()
        let observation = world.call("list_charges", ["cursor": .string(cursor)])
        #expect(observation.status == 400)
        #expect(observation.errorCode == "invalid_cursor")
    }

    @Test("a cursor that is not a string answers 400")
    func cursorWrongType() throws {
        var world = try TestWorld()
        #expect(world.call("list_charges", ["cursor": 2]).status == 400)
    }

    @Test("create hands out counter ids NT-1, NT-2 and evaluates nested value paths")
    func createCounter() throws {
        var world = try TestWorld()
        let first = world.call("create_note", ["text": "a"])
        #expect(first.status == 201)
        #expect(try first.parsed()["id"] == "NT-1")
        #expect(try first.parsed()["meta"]?["at"] == 0)
        let second = world.call("create_note", ["text": "b"])
        #expect(try second.parsed()["id"] == "NT-2")
        #expect(world.rows("notes").count == 2)
    }

    @Test("create with a key uses it as the id; an existing id answers 409 and changes nothing")
    func createWithKey() throws {
        var world = try TestWorld()
        let created = world.call("create_customer", ["id": "C-10", "name": "Dee"])
        #expect(created.status == 201)
        #expect(world.row("customers", "C-10")?["name"] == "Dee")
        let before = world.state.data
        let conflict = world.call("create_customer", ["id": "C-1", "name": "Eve"])
        #expect(conflict.status == 409)
        #expect(conflict.errorCode == "conflict")
        #expect(world.state.data == before)
    }

    @Test("update by key sets nested paths, appends to arrays and returns the row")
    func updateByKey() throws {
        var world = try TestWorld()
        world.state = world.state.keepingHistory()
        let observation = world.call("set_tier", ["id": "C-2", "tier": "gold", "city": "Bergen", "tag": "moved"])
        #expect(observation.status == 200)
        let row = try #require(world.row("customers", "C-2"))
        #expect(row["tier"] == "gold")
        #expect(row["address"] == ["city": "Bergen", "zip": "0150"])
        #expect(row["tags"] == ["moved"])
        #expect(try observation.parsed() == .object(row))
        #expect(world.state.data["customers"]?.previousVersions(of: "C-2").last?["tier"] == "silver")
        #expect(world.call("set_tier", ["id": "C-9", "tier": "x", "city": "y", "tag": "z"]).status == 404)
    }

    @Test("update by where changes every matching row and answers the count")
    func updateWhere() throws {
        var world = try TestWorld()
        let observation = world.call("recapture")
        #expect(try observation.parsed() == ["updated": 1])
        #expect(world.rows("charges").allSatisfy { $0["status"] == "captured" })
        #expect(try world.call("recapture").parsed() == ["updated": 0])
    }

    @Test("delete by key and by where answer the number deleted")
    func delete() throws {
        var world = try TestWorld()
        #expect(try world.call("delete_customer", ["id": "C-2"]).parsed() == ["deleted": 1])
        #expect(world.row("customers", "C-2") == nil)
        #expect(world.call("delete_customer", ["id": "C-2"]).status == 404)
        #expect(try world.call("delete_gold").parsed() == ["deleted": 2])
        #expect(world.rows("customers").isEmpty)
    }

    @Test("custom: requires failures answer their own status and message and apply nothing")
    func customRequires() throws {
        var world = try TestWorld()
        let notCaptured = world.call("refund", ["charge_id": "CH-4", "amount": 5])
        #expect(notCaptured.status == 409)
        #expect(try notCaptured.parsed()["error"] == ["code": "conflict", "message": "charge is not captured"])
        let tooMuch = world.call("refund", ["charge_id": "CH-1", "amount": 60])
        #expect(tooMuch.status == 422)
        #expect(tooMuch.errorCode == "unprocessable")
        #expect(world.rows("refunds").isEmpty)
        #expect(world.state.data == world.world.initialState.data)
    }

    @Test("custom: effects apply in order and returns sees the new row")
    func customEffects() throws {
        var world = try TestWorld()
        let observation = world.call("refund", ["charge_id": "CH-2", "amount": 120])
        #expect(observation.status == 200)
        #expect(try observation.parsed() == ["id": "RF-1", "charge_id": "CH-2", "amount": 120])
        #expect(world.row("charges", "CH-2")?["status"] == "refunded")
        #expect(world.call("ping").body == #"{"ok":true}"#)
    }

    @Test("custom: for_each applies bulk effects; a failing later effect leaves the state untouched")
    func forEachAtomic() throws {
        var world = try TestWorld()
        let ok = world.call("refund_many", ["ids": ["CH-1", "CH-3"]])
        #expect(try ok.parsed() == 2)
        #expect(world.row("charges", "CH-3")?["status"] == "refunded")
        let before = world.state.data
        let failing = world.call("refund_many", ["ids": ["CH-2", "CH-404"]])
        #expect(failing.status == 404)
        #expect(world.state.data == before)
        #expect(world.row("charges", "CH-2")?["status"] == "captured")
    }

    @Test("an idempotency key returns the first response without applying the effects again")
    func idempotency() throws {
        var world = try TestWorld()
        let first = world.call("refund", ["charge_id": "CH-2", "amount": 120, "key": "k1"])
        let again = world.step("refund", ["charge_id": "CH-2", "amount": 120, "key": "k1"])
        #expect(again.observation.body == first.body)
        #expect(again.observation.status == 200)
        #expect(!again.committed)
        #expect(world.rows("refunds").count == 1)
        // Without the key the retry hits the precondition.
        #expect(world.call("refund", ["charge_id": "CH-2", "amount": 120]).status == 409)
        // Keys are per tool and per value.
        #expect(try world.call("create_note", ["text": "a", "key": "k1"]).parsed()["id"] == "NT-1")
        #expect(try world.call("create_note", ["text": "b", "key": "k1"]).parsed()["id"] == "NT-1")
        #expect(try world.call("create_note", ["text": "c", "key": "k2"]).parsed()["id"] == "NT-2")
    }

    @Test("invalid arguments answer 400 invalid_arguments listing every violation, without reaching the service")
    func invalidArguments() throws {
        var world = try TestWorld()
        let observation = world.call("refund", ["charge_id": 7, "amount": "12.5", "extra": true])
        #expect(observation.status == 400)
        #expect(observation.errorCode == "invalid_arguments")
        let details = try #require(try observation.parsed()["error"]?["details"]?.arrayValue)
        #expect(details.count == 3)
        let text = details.compactMap(\.stringValue).joined(separator: "\n")
        #expect(text.contains("charge_id"))
        #expect(text.contains("amount"))
        #expect(text.contains("extra"))
        #expect(observation.latencyMs == 0)
        #expect(world.state.now == 0)
        #expect(world.state.services[0].calls == 0)
        let missing = try world.call("refund", [:]).parsed()["error"]?["details"]?.arrayValue
        #expect(missing?.count == 2)
    }

    @Test("an unknown tool answers 404 unknown_tool")
    func unknownTool() throws {
        var world = try TestWorld()
        let observation = world.call("nope")
        #expect(observation.status == 404)
        #expect(observation.errorCode == "unknown_tool")
    }

    @Test("runtime expression errors become error responses, never crashes")
    func runtimeErrors() throws {
        var world = try TestWorld()
        let divide = world.call("divide", ["a": 1, "b": 0])
        #expect(divide.status == 500)
        #expect(divide.errorCode == "scenario_error")
        #expect(divide.body.contains("division by zero"))
        #expect(try world.call("divide", ["a": 1, "b": 4]).parsed() == 0.25)
        let key = world.call("bad_key", ["n": 1])
        #expect((400..<600).contains(key.status))
        #expect(world.state.data == world.world.initialState.data)
    }
}
