import Foundation
import Testing
import WorldModel

@testable import Sandbox

@Suite("Reading recorded traffic: recordings, traces, HAR files")
struct RecordedTrafficReaderTests {
    static let header =
        #"{"type":"header","format":"simrun-recording","version":1,"session":1,"recorder":"simrun 0.1.0","#
        + #""started_at":"2026-01-01T00:00:00.000Z","server":{"name":"git","command":"uvx","args":["mcp-server-git"]},"#
        + #""protocol_version":"2025-06-18","client_info":null,"server_info":{"name":"mcp-git","version":"1"}}"#
    static let tools =
        #"{"type":"tools","session":1,"at_ms":2.5,"tools":[{"name":"git_status","description":"Shows status","#
        + #""inputSchema":{"type":"object","properties":{"repo_path":{"type":"string"}},"required":["repo_path"]}}]}"#

    static func call(
        session: Int = 1, id: Int, tool: String = "git_status", at: String, latency: String = "1.5",
        result: String = #"{"content":[{"type":"text","text":"clean"}],"isError":false}"#, error: String = "null"
    ) -> String {
        #"{"type":"call","session":\#(session),"id":\#(id),"tool":"\#(tool)","arguments":{"repo_path":"/r"},"#
            + #""at_ms":\#(at),"latency_ms":\#(latency),"result":\#(result),"error":\#(error)}"#
    }

    func read(_ text: String, source: String = "rec.jsonl") throws(TrafficReadError) -> RecordedTraffic {
        try RecordedTraffic(bytes: Array(text.utf8), source: source)
    }

    func failure(_ text: String, source: String = "rec.jsonl") -> String {
        do {
            _ = try read(text, source: source)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test("a recording reads into its listed tools and its calls in request order, with outcome classes")
    func recording() throws {
        let text =
            [
                Self.header, Self.tools,
                // Answered out of order: the reader orders by request time.
                Self.call(id: 3, at: "9.25", latency: "0.5"),
                Self.call(
                    id: 2, at: "5", latency: "3",
                    result: #"{"content":[{"type":"text","text":"no repo"}],"isError":true}"#),
                Self.call(id: 4, at: "12", latency: "null", result: "null"),
                Self.call(id: 5, tool: "git_log", at: "13", result: "null", error: #"{"code":-32602,"message":"bad"}"#),
                Self.call(
                    id: 6, at: "14",
                    result: #"{"content":[{"type":"text","text":"{\"a\":1}"}],"isError":true,"_meta":{"status":429}}"#),
            ].joined(separator: "\n") + "\n"
        let traffic = try read(text)
        #expect(traffic.kind == .recording)
        #expect(traffic.tools.map(\.name) == ["git_status", "git_log"])
        #expect(traffic.tools[0].schemaInferred == false)
        #expect(traffic.tools[1].schemaInferred == true)
        #expect(traffic.tools[1].inputSchema["required"] == ["repo_path"])
        let service = try #require(traffic.services.first)
        #expect(traffic.services.count == 1)
        #expect(service.name == "git")
        #expect(service.calls.map(\.atMs) == [5, 9.25, 12, 13, 14])
        #expect(service.calls.map(\.outcome) == [.serverError, .ok, .timeout, .clientError, .rateLimited])
        #expect(service.calls.map(\.status) == [nil, nil, nil, nil, 429])
        #expect(service.calls[1].body == "clean")
        #expect(service.calls[1].latencyMs == 0.5)
        #expect(service.calls[2].latencyMs == nil)
        #expect(service.calls[4].structured == ["a": 1])
        #expect(traffic.summary.contains("service git: 5 calls"))
    }

    @Test("sessions added with --append keep their calls apart and in order")
    func sessions() throws {
        let second = Self.header.replacingOccurrences(of: #""session":1"#, with: #""session":2"#)
        let text =
            [Self.header, Self.call(id: 1, at: "50"), second, Self.call(session: 2, id: 1, at: "1")]
            .joined(separator: "\n") + "\n"
        let calls = try #require(try read(text).services.first).calls
        #expect(calls.map(\.session) == [1, 2])
    }

    @Test("corrupt recordings name the file, line and member, what was expected and found")
    func recordingErrors() {
        let truncated = Self.header + "\n" + Self.call(id: 1, at: "1").dropLast(9)
        #expect(
            failure(truncated).hasPrefix("rec.jsonl: line 2: expected a complete JSON line, found a line cut short"))
        #expect(
            failure(Self.header + "\nnot json\n" + Self.call(id: 1, at: "1")).hasPrefix(
                "rec.jsonl: line 2: expected a JSON object"))
        #expect(
            failure(Self.call(id: 1, at: "1") + "\n")
                == "rec.jsonl: expected a simrun recording, a simrun trace or a HAR 1.2 file, found an object without "
                + "a \"log\" (HAR) or \"format\" member")
        #expect(
            failure(Self.header.replacingOccurrences(of: #""version":1"#, with: #""version":9"#))
                == "rec.jsonl: line 1: version: expected 1 (the recording format version this simrun reads), found integer 9"
        )
        #expect(
            failure(Self.header + "\n" + Self.call(id: 1, at: "\"soon\""))
                == "rec.jsonl: line 2: at_ms: expected a number of milliseconds, at least 0, found string \"soon\"")
        #expect(
            failure(Self.header + "\n" + Self.call(session: 3, id: 1, at: "1"))
                == "rec.jsonl: line 2: session: expected 1 (the session of the header before it), found 3")
        #expect(
            failure(Self.header + "\n" + #"{"type":"call","session":1,"extra":true}"#)
                .hasPrefix("rec.jsonl: line 2: id: expected a value, found missing"))
        #expect(
            failure("")
                == "rec.jsonl: expected a simrun recording, a simrun trace or a HAR 1.2 file, found an empty file")
        #expect(
            failure("\u{1}").hasPrefix(
                "rec.jsonl: line 1: expected a simrun recording, a simrun trace or a HAR 1.2 file, found text that is not JSON"
            ))
    }

    @Test("a truncated last line may be dropped on request")
    func truncatedTail() throws {
        let text = Self.header + "\n" + Self.call(id: 1, at: "1") + "\n" + Self.call(id: 2, at: "2").prefix(20)
        let traffic = try RecordedTraffic(bytes: Array(text.utf8), source: "r", allowingTruncatedTail: true)
        #expect(traffic.services.first?.calls.count == 1)
    }

    @Test("a trace reads as one service of agent-visible calls; its regimes and hashes are left out")
    func trace() throws {
        var trace = Trace(header: RecordFixtures.header())
        trace.steps = [RecordFixtures.step(1), RecordFixtures.step(2, latency: 80)]
        let traffic = try read(String(decoding: trace.bytes, as: UTF8.self), source: "t.jsonl")
        #expect(traffic.kind == .trace)
        #expect(traffic.services.map(\.name) == ["crm-refund"])
        let calls = traffic.services[0].calls
        #expect(calls.map(\.atMs) == [1000, 2000])
        #expect(calls.map(\.outcome) == [.serverError, .ok])
        #expect(calls.map(\.latencyMs) == [120, 80])
        #expect(calls[1].structured == ["id": "RF-1", "amount": 120.0])
        // The fixture's scenario hash matches no file, so the schema is inferred from the calls.
        #expect(traffic.tools.map(\.name) == ["billing_refund"])
        #expect(traffic.tools[0].schemaInferred)
        #expect(!traffic.json.canonicalText.contains("healthy"))
        #expect(!traffic.json.canonicalText.contains(RecordFixtures.hashB))
    }

    @Test("a real episode's trace takes its tools from the scenario it names")
    func episodeTrace() async throws {
        let path = RecordFixtures.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let file = ScenarioFixtures.root.appendingPathComponent("scenarios/crm-refund.json").path
        let scenario = try ScenarioLoader.load(contentsOf: file)
        let episode = try Episode(scenario: scenario, seed: 3, tracePath: path)
        _ = await episode.call("crm_get_ticket", arguments: ["ticket_id": "T-7031"])
        _ = await episode.call("crm_get_ticket", arguments: ["ticket_id": "T-0"])
        await episode.finish(answer: nil)
        let traffic = try RecordedTraffic(contentsOfFile: path)
        #expect(traffic.tools.map(\.name) == scenario.world.tools.map(\.name))
        #expect(traffic.tools.allSatisfy { !$0.schemaInferred })
        // Grouped by the scenario's tool → service mapping.
        #expect(traffic.services.map(\.name) == ["crm"])
        #expect(traffic.services.first?.calls.map(\.tool) == ["crm_get_ticket", "crm_get_ticket"])
        #expect(traffic.services.first?.calls.last?.status == 404)
    }

    static let har = """
        {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [
          {"startedDateTime": "2026-01-01T00:00:00.000Z", "time": 12.5,
           "request": {"method": "GET", "url": "http://127.0.0.1:8080/orders/17?expand=items", "queryString": [{"name": "expand", "value": "items"}]},
           "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{\\"id\\": 17}"}}},
          {"startedDateTime": "2026-01-01T00:00:01.250Z", "time": 30,
           "request": {"method": "GET", "url": "http://127.0.0.1:8080/orders/18"},
           "response": {"status": 503, "content": {"text": "<html>down</html>"}}},
          {"startedDateTime": "2026-01-01T00:00:00.500+00:00", "time": 4,
           "request": {"method": "POST", "url": "http://127.0.0.1:8080/orders", "postData": {"mimeType": "application/json", "text": "{\\"sku\\": \\"A-1\\", \\"qty\\": 2}"}},
           "response": {"status": 429, "content": {"encoding": "base64", "text": "c2xvdyBkb3du"}}},
          {"startedDateTime": "2026-01-01T00:00:02Z", "time": 1,
           "request": {"method": "GET", "url": "http://127.0.0.1:8080/users/alice/orders/ord_9a1"},
           "response": {"status": 0, "content": {}}},
          {"startedDateTime": "2026-01-01T00:00:03Z", "time": 2,
           "request": {"method": "GET", "url": "http://127.0.0.1:8080/users/alice/orders/ord_9a2"},
           "response": {"status": 404, "content": {"text": "nope"}}},
          {"startedDateTime": "2026-01-01T00:00:04Z", "time": 2,
           "request": {"method": "GET", "url": "https://api.example.com/v1/status"},
           "response": {"status": 200, "content": {"text": "ok"}}}
        ]}}
        """

    @Test("a HAR file reads into tools named by method and path template, with arguments and outcomes")
    func har() throws {
        let traffic = try read(Self.har, source: "site.har")
        #expect(traffic.kind == .har)
        #expect(
            traffic.tools.map(\.name) == [
                "GET /orders/{id}", "POST /orders", "GET /users/alice/orders/{id}", "GET /v1/status",
            ])
        #expect(traffic.services.map(\.name) == ["127.0.0.1:8080", "api.example.com"])
        let calls = traffic.services[0].calls
        #expect(calls.map(\.atMs) == [0, 500, 1250, 2000, 3000])
        #expect(calls[0].arguments == ["id": 17, "expand": "items"])
        #expect(calls[1].arguments == ["sku": "A-1", "qty": 2])
        #expect(calls[1].body == "slow down")
        #expect(calls[2].arguments == ["id": 18])
        #expect(calls.map(\.outcome) == [.ok, .rateLimited, .serverError, .timeout, .clientError])
        #expect(calls.map(\.status) == [200, 429, 503, nil, 404])
        #expect(calls.map(\.latencyMs) == [12.5, 4, 30, 1, 2])
        #expect(calls[3].arguments == ["id": "ord_9a1"])
        let orders = try #require(traffic.tool(named: "GET /orders/{id}"))
        #expect(orders.inputSchema["required"] == ["id"])
        #expect(orders.inputSchema["properties"]?["id"] == ["type": "integer"])
        #expect(orders.annotations?["readOnlyHint"] == true)
    }

    @Test("HAR files missing required members name the JSON path")
    func harErrors() {
        #expect(
            failure(#"{"log": {"version": "1.2"}}"#, source: "a.har")
                == "a.har: log.entries: expected a value, found missing")
        let noURL = Self.har.replacingOccurrences(of: #""url": "http://127.0.0.1:8080/orders/18""#, with: #""x": 1"#)
        #expect(failure(noURL, source: "a.har") == "a.har: log.entries[1].request.url: expected a value, found missing")
        let badTime = Self.har.replacingOccurrences(of: #""time": 30"#, with: #""time": "slow""#)
        #expect(
            failure(badTime, source: "a.har")
                == "a.har: log.entries[1].time: expected a number of milliseconds, at least 0, found string \"slow\"")
        let badDate = Self.har.replacingOccurrences(of: "2026-01-01T00:00:02Z", with: "yesterday")
        #expect(
            failure(badDate, source: "a.har")
                == "a.har: log.entries[3].startedDateTime: expected an ISO 8601 date and time, found string \"yesterday\""
        )
        let relative = Self.har.replacingOccurrences(of: "https://api.example.com/v1/status", with: "/v1/status")
        #expect(
            failure(relative, source: "a.har")
                == "a.har: log.entries[5].request.url: expected an absolute URL, found string \"/v1/status\"")
        #expect(failure(#"{"log": ["#, source: "a.har").hasPrefix("a.har: line 1: expected a simrun recording"))
    }

    @Test("path templates: varying id-like segments become parameters, words and constant segments stay")
    func templates() {
        let requests: [(service: String, method: String, segments: [String])] = [
            ("h", "GET", ["customers", "C-1042", "orders", "17"]),
            ("h", "GET", ["customers", "C-2000", "orders", "18"]),
            ("h", "GET", ["users", "alice"]),
            ("h", "GET", ["users", "bob"]),
            ("h", "GET", ["api", "v2", "items", "550e8400-e29b-41d4-a716-446655440000"]),
            ("h", "GET", ["api", "v2", "items", "650e8400-e29b-41d4-a716-446655440000"]),
            ("h", "DELETE", ["items", "5"]),
        ]
        let names = HARPathTemplates(requests).templates.map(\.name)
        #expect(
            names == [
                "GET /customers/{customer_id}/orders/{order_id}", "GET /customers/{customer_id}/orders/{order_id}",
                "GET /users/alice", "GET /users/bob", "GET /api/v2/items/{id}", "GET /api/v2/items/{id}",
                "DELETE /items/5",
            ])
        #expect(HARPathTemplates.isIDLike("T-7031"))
        #expect(!HARPathTemplates.isIDLike("v2"))
        #expect(!HARPathTemplates.isIDLike("orders"))
    }
}
