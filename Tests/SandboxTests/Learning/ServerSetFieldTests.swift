import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// A successful call at `at` ms taking 10 ms, answering `row`.
private func answered(_ tool: String, at: Double, _ arguments: JSON, _ row: JSON, session: Int = 1) -> RecordedCall {
    RecordedCall(
        session: session, atMs: at, tool: tool, arguments: arguments, outcome: .ok, status: 200, latencyMs: 10,
        body: row.canonicalText, structured: row)
}

/// A call at `at` ms that timed out (no latency, no answer).
private func timedOut(_ tool: String, at: Double, _ arguments: JSON, session: Int = 1) -> RecordedCall {
    RecordedCall(
        session: session, atMs: at, tool: tool, arguments: arguments, outcome: .timeout, status: 504, latencyMs: nil,
        body: "")
}

/// Traffic of one service from `calls`, with `tools` taking any object.
private func traffic(_ tools: [String], _ calls: [RecordedCall]) -> RecordedTraffic {
    RecordedTraffic(
        source: "server.jsonl", kind: .recording,
        tools: tools.map { RecordedTool(name: $0, inputSchema: ["type": "object"]) },
        services: [RecordedService(name: "server", calls: calls)])
}

/// The learned tool named `name`.
private func tool(_ result: ScenarioLearner.Result, _ name: String) throws -> JSON {
    try #require(result.scenario["tools"]?.arrayValue?.first { $0["name"]?.stringValue == name })
}

/// Two sessions of `issue_credit`, whose rows carry the call's time (`issued_at`, stamped
/// between request and answer) and a counter id (`CR-1`, `CR-2`, … in each session). In the
/// second session the first call times out after writing `CR-1`, and its retry answers that
/// row, stamped at the first call's time.
private func creditTraffic(ids: [String]? = nil, stamp: (Int, Double) -> Double = { _, at in at + 4 })
    -> RecordedTraffic
{
    var calls: [RecordedCall] = []
    var n = 0
    func credit(_ session: Int, at: Double, amount: Int, stampedAt: Double? = nil) {
        let id = ids?[n] ?? "CR-\(calls.filter { $0.session == session && $0.outcome == .ok }.count + 1)"
        let row: JSON = [
            "id": .string(id), "account_id": "A-1", "amount": .int(amount),
            "issued_at": .int(Int(stampedAt ?? stamp(n, at))),
        ]
        calls.append(
            answered("issue_credit", at: at, ["account_id": "A-1", "amount": .int(amount)], row, session: session))
        n += 1
    }
    credit(1, at: 120, amount: 10)
    credit(1, at: 480, amount: 20)
    credit(1, at: 900, amount: 30)
    calls.append(timedOut("issue_credit", at: 50, ["account_id": "A-1", "amount": 40], session: 2))
    credit(2, at: 8100, amount: 40, stampedAt: 62)
    credit(2, at: 8400, amount: 50)
    return traffic(["issue_credit"], calls)
}

@Suite("Learning fields the server sets: the call's time, counter ids, and arguments of other names")
struct ServerSetFieldTests {
    @Test("a field stamped with the call's time becomes now(), and counter ids name the collection after them")
    func createWithTimeAndCounter() async throws {
        let result = try ScenarioLearner(name: "credits").learn([creditTraffic()])
        let learned = try tool(result, "issue_credit")
        #expect(learned["op"] == "create")
        #expect(learned["value"]?["issued_at"] == "now()")
        #expect(learned["value"]?["amount"] == "args.amount")
        #expect(
            learned["collection"] == "credits", "issue_credit's CR ids: the collection is named so its ids are CR-n")
        #expect(result.reportText.contains("issued_at ← now()"), "\(result.reportText)")
        #expect(result.reportText.contains("note: server-set: issued_at = now(), the call's time, in 5 of 5 new rows"))
        #expect(
            result.reportText.contains(
                "note: server-set: id = CR-n, the collection's counter continuing from the rows seen (from CR-1 in each sequence), in 5 of 5 new rows"
            ))
        // The JSON report has the same, structured.
        let report = try #require(
            result.report["tools"]?.arrayValue?.first { $0["name"] == "issue_credit" })
        #expect(
            report["server_set"]
                == [
                    ["field": "issued_at", "source": "now()", "calls": 5, "of": 5],
                    [
                        "field": "id", "source": "counter", "prefix": "CR", "first": 1, "restarts_with_sequences": true,
                        "calls": 5, "of": 5,
                    ],
                ])
        // Simulated, the learned create answers rows like the recorded ones: the id from the
        // counter, issued_at the time the call was made (calls the learned service times out
        // write nothing and are retried).
        let scenario = try ScenarioLoader.load(result.scenario, file: "credits.json")
        let episode = try Episode(scenario: scenario, seed: 1)
        for (number, amount) in [(1, 10), (2, 20)] {
            var start = await episode.now
            var answer = await episode.call("issue_credit", arguments: ["account_id": "A-1", "amount": .int(amount)])
            for _ in 0..<20 where answer.json?["id"] == nil {
                start = await episode.now + 100
                answer = await episode.call(
                    "issue_credit", arguments: ["account_id": "A-1", "amount": .int(amount)], thinkTimeMs: 100)
            }
            #expect(
                answer.json
                    == [
                        "id": .string("CR-\(number)"), "account_id": "A-1", "amount": .int(amount),
                        "issued_at": .int(Int(start)),
                    ],
                "\(answer.json?.canonicalText ?? "no answer")")
        }
    }

    @Test("a field that equals the call's time only sometimes is not now(): create is rejected, saying why")
    func timeOnlySometimes() throws {
        let result = try ScenarioLearner(name: "credits").learn([
            creditTraffic(stamp: { n, at in n == 2 ? at + 500 : at })
        ])
        #expect(try tool(result, "issue_credit")["op"] == "recorded")
        #expect(
            result.reportText.contains(
                "create rejected: call 3 answered issued_at = 1400, which no argument of the call gives; nor is it the call's time"
            ), "\(result.reportText)")
    }

    @Test("ids that are no counter leave the collection's name and say the scenario's ids differ")
    func idsWithoutScheme() throws {
        let random = try ScenarioLearner(name: "credits").learn([
            creditTraffic(ids: ["c7f3", "a91b", "0d2e", "e5a0", "77bc"])
        ])
        #expect(try tool(random, "issue_credit")["op"] == "create")
        #expect(try tool(random, "issue_credit")["collection"] == "issue_credit")
        #expect(
            random.reportText.contains(
                "note: the recorded ids ('c7f3') are not a prefix and a counter (like CR-1): rows it creates get ids from the collection's counter, not the ones the real system gave"
            ), "\(random.reportText)")
        let down = try ScenarioLearner(name: "credits").learn([
            creditTraffic(ids: ["CR-3", "CR-2", "CR-1", "CR-1", "CR-2"])
        ])
        #expect(try tool(down, "issue_credit")["collection"] == "issue_credit")
        #expect(
            down.reportText.contains("note: the recorded ids do not count up ('CR-2' after 'CR-3' in one sequence)"))
        // A counter that carries on from session to session (a server keeping its rows) is a
        // scheme, but not the scenario's, which restarts with each episode.
        let carried = try ScenarioLearner(name: "credits").learn([
            creditTraffic(ids: ["CR-1", "CR-2", "CR-3", "CR-4", "CR-5"])
        ])
        #expect(try tool(carried, "issue_credit")["collection"] == "credits")
        // A prefix no collection name generates (the second letter of a generated prefix is a
        // consonant) is reported, and the collection keeps its name.
        let vowel = try ScenarioLearner(name: "credits").learn([
            creditTraffic(ids: ["AE-1", "AE-2", "AE-3", "AE-1", "AE-2"])
        ])
        #expect(try tool(vowel, "issue_credit")["collection"] == "issue_credit")
        #expect(
            vowel.reportText.contains(
                "note: no collection name makes ids with the prefix AE (the scenario language's prefixes are a name's first letter and the first consonant after it): rows it creates get ids IS-n"
            ), "\(vowel.reportText)")
        #expect(
            carried.reportText.contains(
                "not as a counter restarting with each (a sequence's first new row was 'CR-4', the counter's first is 'CR-1')"
            ), "\(carried.reportText)")
    }

    /// Tickets listed, then `set_status` (the new status in `new_status`, `updated_at` the call's
    /// time) and a get; `touch` is given as `extra` calls.
    private func ticketTraffic(updatedAt: (Int, Double) -> Double = { _, at in at + 2 }, alias: Bool = false)
        -> RecordedTraffic
    {
        var rows: [String: JSON] = [
            "TK-1": ["id": "TK-1", "title": "printer", "status": "open", "updated_at": 0],
            "TK-2": ["id": "TK-2", "title": "vpn", "status": "open", "updated_at": 0],
        ]
        var calls = [answered("list_tickets", at: 0, [:], ["items": [rows["TK-1"]!, rows["TK-2"]!]])]
        let changes: [(String, String)] = [
            ("TK-1", "pending"), ("TK-2", "closed"), ("TK-1", "closed"), ("TK-2", "open"),
        ]
        for (n, (id, status)) in changes.enumerated() {
            let at = Double(100 * (n + 1))
            var row = rows[id]!.objectValue!
            _ = row.updateValue(.string(status), forKey: "status")
            _ = row.updateValue(.int(Int(updatedAt(n, at))), forKey: "updated_at")
            rows[id] = .object(row)
            var arguments: JSONObject = ["ticket_id": .string(id), "new_status": .string(status)]
            if alias { _ = arguments.updateValue(.string(status), forKey: "state") }
            calls.append(answered("set_status", at: at, .object(arguments), .object(row)))
            calls.append(answered("get_ticket", at: at + 50, ["ticket_id": .string(id)], .object(row)))
        }
        return traffic(["list_tickets", "set_status", "get_ticket"], calls)
    }

    @Test("update learns an argument of another name (status ← args.new_status) and updated_at ← now()")
    func updateRenamedAndTime() async throws {
        let result = try ScenarioLearner(name: "tickets").learn([ticketTraffic()])
        let learned = try tool(result, "set_status")
        #expect(learned["op"] == "update")
        #expect(learned["key"] == "args.ticket_id")
        #expect(
            learned["set"]
                == ["status": "args.new_status != null ? args.new_status : row.status", "updated_at": "now()"])
        #expect(
            result.reportText.contains(
                "op update on tickets by argument ticket_id (status ← args.new_status, updated_at ← now())"),
            "\(result.reportText)")
        #expect(
            result.reportText.contains(
                "note: server-set: updated_at = now(), the call's time, in 4 of 4 successful calls"))
        let report = try #require(result.report["tools"]?.arrayValue?.first { $0["name"] == "set_status" })
        #expect(report["server_set"] == [["field": "updated_at", "source": "now()", "calls": 4, "of": 4]])
        // Simulated: the row changes as the recorded one did.
        let scenario = try ScenarioLoader.load(result.scenario, file: "tickets.json")
        let episode = try Episode(scenario: scenario, seed: 1)
        let answer = await episode.call(
            "set_status", arguments: ["ticket_id": "TK-2", "new_status": "closed"], thinkTimeMs: 200)
        #expect(answer.json == ["id": "TK-2", "title": "vpn", "status": "closed", "updated_at": 200])
    }

    @Test(
        "update is rejected, saying why, when two arguments always carry the new value or the time fits only sometimes")
    func updateNegatives() throws {
        let ambiguous = try ScenarioLearner(name: "tickets").learn([ticketTraffic(alias: true)])
        #expect(try tool(ambiguous, "set_status")["op"] == "recorded")
        #expect(
            ambiguous.reportText.contains(
                "update rejected: field status took the value of more than one argument (args.new_status, args.state) every time it changed: which one sets it is ambiguous"
            ), "\(ambiguous.reportText)")
        let sometimes = try ScenarioLearner(name: "tickets").learn([
            ticketTraffic(updatedAt: { n, at in n == 1 ? at - 70 : at })
        ])
        #expect(try tool(sometimes, "set_status")["op"] == "recorded")
        #expect(
            sometimes.reportText.contains(
                "update rejected: call 2 changed field updated_at to 130, which no argument gives (an earlier call set 100); nor is it the call's time"
            ), "\(sometimes.reportText)")
    }
}
