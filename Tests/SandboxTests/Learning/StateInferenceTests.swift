import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// A recorded session of a small notes server: list, create, update, get, delete, a get that
/// finds the deleted row gone, a list; and `set_owner`, whose answers contradict its arguments.
/// `deleted` is what `delete_note` answers.
private func notesTraffic(deleted: JSON = ["ok": true]) -> RecordedTraffic {
    let first: JSON = ["id": "NT-1", "text": "buy milk", "owner": "ana", "done": false]
    let second: JSON = ["id": "NT-2", "text": "call bo", "owner": "bo", "done": false]
    let created: JSON = ["id": "NT-3", "text": "hi", "owner": "chen", "done": false]
    let firstDone: JSON = ["id": "NT-1", "text": "buy milk", "owner": "ana", "done": true]
    var time = 0.0
    func call(_ tool: String, _ arguments: JSON, _ body: JSON?, outcome: OutcomeClass = .ok) -> RecordedCall {
        time += 100
        return RecordedCall(
            atMs: time, tool: tool, arguments: arguments, outcome: outcome, status: outcome == .ok ? 200 : 404,
            latencyMs: 20, body: body?.canonicalText ?? "not found", structured: body)
    }
    let calls = [
        call("list_notes", [:], ["items": [first, second]]),
        call("create_note", ["text": "hi", "owner": "chen"], created),
        call("update_note", ["note_id": "NT-1", "done": true], firstDone),
        call("get_note", ["note_id": "NT-3"], created),
        call(
            "set_owner", ["note_id": "NT-1", "owner": "dev"],
            ["id": "NT-1", "text": "buy milk", "owner": "eve", "done": true]),
        call("delete_note", ["note_id": "NT-2"], deleted),
        call("get_note", ["note_id": "NT-2"], nil, outcome: .clientError),
        call("list_notes", [:], ["items": [firstDone, created]]),
    ]
    let object: JSON = ["type": "object"]
    let tools = ["list_notes", "create_note", "update_note", "get_note", "set_owner", "delete_note"].map {
        RecordedTool(name: $0, inputSchema: $0 == "update_note" ? ["type": "object", "required": ["note_id"]] : object)
    }
    return RecordedTraffic(
        source: "notes.jsonl", kind: .recording, tools: tools, services: [RecordedService(name: "notes", calls: calls)])
}

@Suite("State inference: each tool's op checked against every recorded call, in order")
struct StateInferenceTests {
    @Test("get, list, create, update and delete are inferred; a tool no op explains answers what was recorded")
    func ops() throws {
        let result = try ScenarioLearner(name: "notes").learn([notesTraffic()])
        let tools = try #require(result.scenario["tools"]?.arrayValue)
        let ops = tools.map { "\($0["name"]?.stringValue ?? "?"):\($0["op"]?.stringValue ?? "?")" }
        #expect(
            ops == [
                "list_notes:list", "create_note:create", "update_note:update", "get_note:get", "set_owner:recorded",
                "delete_note:custom",
            ])
        #expect(tools[1]["value"] == ["text": "args.text", "owner": "args.owner", "done": "false"])
        #expect(tools[1]["key"] == nil, "the id comes from the collection's counter")
        #expect(tools[2]["key"] == "args.note_id")
        #expect(tools[2]["set"] == ["done": "args.done != null ? args.done : row.done"])
        // delete_note answered {"ok": true}, not the delete op's {"deleted": 1}: a custom op
        // deletes the row and answers that.
        #expect(tools[5]["effects"] == [["delete": "notes", "key": "args.note_id"]])
        #expect(tools[5]["returns"] == "{'ok': true}")
        #expect(
            result.reportText.contains(
                "op delete on notes by argument note_id (answering {'ok': true}; written as op custom with a delete effect)"
            ),
            "\(result.reportText)")
        // The rows the data starts with: the first list's, before any write touched them.
        let rows = try #require(result.scenario["data"]?["notes"]?.arrayValue)
        #expect(rows.compactMap { $0["id"]?.stringValue } == ["NT-1", "NT-2"])
        #expect(rows[0]["done"] == false, "NT-1 as it was before update_note changed it")
        // The report says which candidate each call rejected.
        #expect(
            result.reportText.contains(
                #"update rejected: call 1 answered field owner = "eve", the arguments said "dev""#),
            "\(result.reportText)")
        #expect(result.reportText.contains("get rejected: call 1 answered the row 'NT-3', which no argument names"))
        #expect(
            result.reportText.contains(
                #"get rejected: call 1 answered owner = "eve" for 'NT-1', last answered as "ana""#))
        #expect(
            result.reportText.contains(
                "delete rejected: call 1 deleted 'NT-1', but a later list_notes call answered it"))
        #expect(result.reportText.contains("create rejected: call 1 answered 'NT-1', a row already answered earlier"))
    }

    @Test(
        "a delete answering simrun's own {\"deleted\": 1} stays op delete; one answering a member it cannot write says so",
        arguments: [
            (["deleted": 1] as JSON, "delete", nil as String?),
            (["deleted": true, "id": "NT-2"] as JSON, "custom", nil as String?),
            (
                ["deleted": true, "at": [1, 2]] as JSON, "delete",
                #"its answers are not the delete op's {"deleted": 1}, and at = [1,2] is a constant the scenario language has no literal for; it answers {"deleted": 1}"#
                    as String?
            ),
        ])
    func deleteAnswers(answer: JSON, op: String, note: String?) throws {
        let result = try ScenarioLearner(name: "notes").learn([notesTraffic(deleted: answer)])
        let tool = try #require(result.scenario["tools"]?[5])
        #expect(tool["op"] == .string(op))
        if op == "custom" { #expect(tool["returns"] == "{'deleted': true, 'id': args.note_id}") }
        if let note { #expect(result.reportText.contains(note), "\(result.reportText)") }
    }

    @Test("the learned scenario loads and, replayed, answers the recorded reads exactly")
    func replay() async throws {
        let traffic = notesTraffic()
        let result = try ScenarioLearner(name: "notes").learn([traffic])
        let scenario = try ScenarioLoader.load(result.scenario, file: "notes.json")
        let episode = try Episode(scenario: scenario, seed: 1)
        for call in traffic.services[0].calls {
            let observation = await episode.call(call.tool, arguments: call.arguments)
            switch call.tool {
            case "get_note":
                if call.outcome == .ok {
                    #expect(observation.json == call.structured, "\(call.arguments)")
                } else {
                    #expect(observation.status == 404, "the deleted row is gone")
                }
            case "list_notes":
                #expect(observation.json?["items"] == call.structured?["items"])
            case "set_owner", "delete_note":
                #expect(observation.json == call.structured, "the recorded answer")
            default: break
            }
        }
    }

    @Test("a create-only tool gets a collection of its own that starts empty, and the scenario loads")
    func createOnly() async throws {
        let calls = (1...3).map { n in
            RecordedCall(
                atMs: Double(n) * 100, tool: "add_tag", arguments: ["label": .string("t\(n)")], outcome: .ok,
                status: 201,
                latencyMs: 10, body: "", structured: ["id": .string("TG-\(n)"), "label": .string("t\(n)")])
        }
        let traffic = RecordedTraffic(
            source: "tags.jsonl", kind: .recording,
            tools: [RecordedTool(name: "add_tag", inputSchema: ["type": "object"])],
            services: [RecordedService(name: "tags", calls: calls)])
        let result = try ScenarioLearner(name: "tags").learn([traffic])
        #expect(result.scenario["tools"]?[0]?["op"] == "create")
        #expect(result.scenario["data"] == ["tag": []])
        let scenario = try ScenarioLoader.load(result.scenario, file: "tags.json")
        let episode = try Episode(scenario: scenario, seed: 1)
        let answer = await episode.call("add_tag", arguments: ["label": "x"])
        #expect(answer.status == 201)
        #expect(answer.json?["label"] == "x")
    }

    @Test("a field no argument gives, not the call's time, and that changes from create to create rejects create")
    func serverSetFieldRejectsCreate() throws {
        let calls = (1...3).map { n in
            RecordedCall(
                atMs: Double(n) * 100, tool: "add_tag", arguments: ["label": .string("t\(n)")], outcome: .ok,
                status: 201, latencyMs: 10, body: "",
                structured: ["id": .string("TG-\(n)"), "label": .string("t\(n)"), "added_at": .int(n * 1000)])
        }
        let traffic = RecordedTraffic(
            source: "tags.jsonl", kind: .recording,
            tools: [RecordedTool(name: "add_tag", inputSchema: ["type": "object"])],
            services: [RecordedService(name: "tags", calls: calls)])
        let result = try ScenarioLearner(name: "tags").learn([traffic])
        #expect(result.scenario["tools"]?[0]?["op"] == "recorded")
        #expect(
            result.reportText.contains(
                "create rejected: call 2 answered added_at = 2000, which no argument of the call gives (earlier creates answered 1000)"
            ), "\(result.reportText)")
    }

    @Test("the same traffic learns the same bytes")
    func deterministic() throws {
        let first = try ScenarioLearner(name: "notes").learn([notesTraffic()])
        let second = try ScenarioLearner(name: "notes").learn([notesTraffic()])
        #expect(first.scenario.canonicalText == second.scenario.canonicalText)
        #expect(first.reportText == second.reportText)
    }
}
