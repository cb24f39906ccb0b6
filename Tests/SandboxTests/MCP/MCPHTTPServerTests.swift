import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// A served episode of the shipped crm-refund scenario on an ephemeral port, recording a trace.
private struct ServedEpisode {
    let server: MCPHTTPServer
    let episode: Episode
    let traceURL: URL
    let done: Task<Void, Never>
    let logs: LogLines

    var client: RawHTTPClient { RawHTTPClient(port: server.port) }

    init(
        http: MCPHTTPOptions = MCPHTTPOptions(), realtimeScale: Double? = nil,
        address: MCPHTTPAddress = MCPHTTPAddress(port: 0)
    ) throws {
        let scenario = try ScenarioLoader.load(
            contentsOf: ScenarioFixtures.root.appendingPathComponent("scenarios/crm-refund.json").path)
        traceURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simrun-http-\(UUID().uuidString).jsonl")
        episode = try Episode(scenario: scenario, seed: 3, tracePath: traceURL.path, agent: .external, thinkTime: .zero)
        server = try MCPHTTPServer(address: address)
        let logs = LogLines()
        self.logs = logs
        var options = MCPServerOptions(thinkTime: .zero, realtimeScale: realtimeScale)
        options.log = { logs.append($0) }
        let (server, session) = (server, EpisodeMCPSession(episode: episode))
        done = Task { await server.serve(session: session, options: options, http: http) }
    }

    /// Stops the server, waits for the episode to end and returns its trace.
    func finish() async throws -> Trace {
        server.stop()
        await done.value
        defer { try? FileManager.default.removeItem(at: traceURL) }
        return try Trace(contentsOfFile: traceURL.path)
    }

    func post(
        _ body: String, session: String? = nil, headers: [(String, String)] = [], host: String? = ""
    ) async throws -> RawHTTPClient.Reply {
        var all = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")] + headers
        if let session { all.append(("Mcp-Session-Id", session)) }
        return try await client.request("POST", headers: all, body: body, host: host)
    }

    /// Opens an MCP session and returns its id.
    func open() async throws -> String {
        let reply = try await post(rpcInitialize(1, version: "2025-06-18"))
        #expect(reply.status == 200)
        let id = try #require(reply.headers["mcp-session-id"])
        #expect(try await post(rpcInitialized, session: id).status == 202)
        return id
    }
}

final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func append(_ line: String) { lock.withLock { storage.append(line) } }
    var lines: [String] { lock.withLock { storage } }
}

private func call(_ id: Int, _ tool: String, _ arguments: JSON) -> String {
    rpcRequest(id, "tools/call", ["name": .string(tool), "arguments": arguments])
}

@Suite("MCP Streamable HTTP: sessions, one episode, origins, malformed requests")
struct MCPHTTPServerTests {
    @Test("initialize opens a session; its requests are answered as JSON with the task in instructions")
    func initializeAndList() async throws {
        let served = try ServedEpisode()
        let reply = try await served.post(rpcInitialize(1, version: "2025-06-18"))
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "application/json")
        let instructions = try #require(reply.json?["result"]?["instructions"]?.stringValue)
        #expect(instructions.contains(served.episode.instruction))
        let session = try #require(reply.headers["mcp-session-id"])
        let list = try await served.post(rpcRequest(2, "tools/list"), session: session)
        let tools = try #require(list.json?["result"]?["tools"]?.arrayValue)
        let listCharges = try #require(tools.first { $0["name"] == "billing_list_charges" })
        #expect(listCharges["inputSchema"]?["properties"]?["cursor"]?["type"] == ["string", "null"])
        #expect(tools.last?["name"] == "submit_answer")
        _ = try await served.finish()
    }

    @Test("sessions opened per call play one episode: every call lands in one trace, in order")
    func sessionsShareOneEpisode() async throws {
        let served = try ServedEpisode()
        let first = try await served.open()
        let second = try await served.open()
        #expect(first != second)
        #expect(try await served.post(call(2, "crm_get_ticket", ["ticket_id": "T-7031"]), session: first).status == 200)
        #expect(try await served.client.request("DELETE", headers: [("Mcp-Session-Id", first)]).status == 200)
        #expect(
            try await served.post(call(3, "crm_get_customer", ["customer_id": "C-1042"]), session: second).status == 200
        )
        let answer = try await served.post(
            call(4, "submit_answer", ["answer": "done"]), session: try await served.open())
        #expect(answer.json?["result"]?["isError"] == false)
        let late = try await served.post(call(5, "crm_get_ticket", ["ticket_id": "T-7031"]), session: second)
        #expect(late.json?["result"]?["isError"] == true)
        let trace = try await served.finish()
        #expect(trace.steps.map(\.tool) == ["crm_get_ticket", "crm_get_customer"])
        #expect(trace.verdict?.answer == "done")
    }

    @Test("an ended or unknown session is 404; DELETE without a session is 400; GET is 405")
    func sessionLifecycle() async throws {
        let served = try ServedEpisode()
        let session = try await served.open()
        #expect(try await served.client.request("DELETE", headers: [("Mcp-Session-Id", session)]).status == 200)
        let gone = try await served.post(rpcRequest(2, "tools/list"), session: session)
        #expect(gone.status == 404)
        #expect(gone.json?["error"]?["code"] == -32001)
        #expect(try await served.client.request("DELETE").status == 400)
        let get = try await served.client.request("GET", headers: [("Accept", "text/event-stream")])
        #expect(get.status == 405)
        #expect(get.headers["allow"] == "POST, DELETE")
        #expect(try await served.client.request("POST", path: "/other", body: rpcRequest(1, "ping")).status == 404)
        _ = try await served.finish()
    }

    @Test("a foreign Origin is refused with 403 before anything is dispatched; localhost origins pass")
    func origins() async throws {
        let served = try ServedEpisode(http: MCPHTTPOptions(allowedOrigins: ["https://studio.example.com"]))
        let refused = try await served.post(rpcInitialize(), headers: [("Origin", "http://evil.example")])
        #expect(refused.status == 403)
        #expect(refused.headers["mcp-session-id"] == nil)
        for origin in [
            "http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:1", "https://studio.example.com",
        ] {
            #expect(try await served.post(rpcInitialize(), headers: [("Origin", origin)]).status == 200, "\(origin)")
        }
        for origin in ["null", "http://localhost.evil.example", "http://127.0.0.1.nip.io:80", "file://"] {
            #expect(try await served.post(rpcInitialize(), headers: [("Origin", origin)]).status == 403, "\(origin)")
        }
        _ = try await served.finish()
    }

    @Test("an unsupported MCP-Protocol-Version header is 400; a client that accepts only SSE gets an event")
    func versionAndSSE() async throws {
        let served = try ServedEpisode()
        let session = try await served.open()
        let bad = try await served.post(
            rpcRequest(2, "ping"), session: session, headers: [("MCP-Protocol-Version", "1999-01-01")])
        #expect(bad.status == 400)
        let sse = try await served.client.request(
            "POST", headers: [("Accept", "text/event-stream"), ("Mcp-Session-Id", session)], body: rpcRequest(3, "ping")
        )
        #expect(sse.status == 200)
        #expect(sse.headers["content-type"] == "text/event-stream")
        #expect(sse.text == "event: message\ndata: {\"id\":3,\"jsonrpc\":\"2.0\",\"result\":{}}\n\n")
        _ = try await served.finish()
    }

    @Test(
        "malformed requests get an HTTP error and the server keeps serving",
        arguments: [
            ("GARBAGE\r\n\r\n", 400),
            ("POST /mcp HTTP/2.0\r\n\r\n", 505),
            ("POST /mcp HTTP/1.1\r\nno colon here\r\n\r\n", 400),
            ("POST /mcp HTTP/1.1\r\nContent-Length: -4\r\n\r\n", 400),
            ("POST /mcp HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
            ("POST /mcp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
            ("POST /mcp HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413),
            ("POST /mcp HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\n\r\n", 431),
            ("POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{not]", 400),
        ])
    func malformed(request: String, status: Int) async throws {
        let served = try ServedEpisode()
        let replies = try RawHTTPClient.parse(await served.client.exchange(Array(request.utf8)))
        #expect(replies.first?.status == status, "\(replies.first?.text ?? "no reply")")
        #expect(try await served.post(rpcRequest(9, "ping")).status == 200)
        _ = try await served.finish()
    }

    @Test("keep-alive connections carry several requests; notifications answer 202 with no body")
    func keepAlive() async throws {
        let served = try ServedEpisode()
        let body = rpcInitialize()
        let notification = rpcInitialized
        let bytes =
            "POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            + "POST /mcp HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(notification.utf8.count)\r\n"
            + "Connection: close\r\n\r\n\(notification)"
        let replies = try RawHTTPClient.parse(await served.client.exchange(Array(bytes.utf8)))
        #expect(replies.map(\.status) == [200, 202])
        #expect(replies.last?.body.isEmpty == true)
        _ = try await served.finish()
    }

    @Test("stopping the server ends the episode without an answer and writes the verdict")
    func stopEndsEpisode() async throws {
        let served = try ServedEpisode()
        let session = try await served.open()
        #expect(
            try await served.post(call(2, "crm_get_ticket", ["ticket_id": "T-7031"]), session: session).status == 200)
        let trace = try await served.finish()
        #expect(trace.steps.count == 1)
        #expect(trace.verdict != nil)
        #expect(trace.verdict?.answer == nil)
        #expect(served.logs.lines.contains { $0.contains("stopped") })
    }

    @Test("under --realtime, notifications/cancelled for a held call ends its wait at once")
    func cancelledRealtimeWait() async throws {
        let served = try ServedEpisode(realtimeScale: 1000)
        let session = try await served.open()
        async let held = served.post(call(7, "crm_get_ticket", ["ticket_id": "T-7031"]), session: session)
        let cancel = #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}}"#
        // A cancellation that arrives before the wait starts does nothing, so repeat it until one ends the wait.
        for _ in 0..<600 where !served.logs.lines.contains(where: { $0.contains("request 7 cancelled by the client") })
        {
            #expect(try await served.post(cancel, session: session).status == 202)
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        let reply = try await held
        #expect(reply.status == 200)
        #expect(served.logs.lines.contains { $0.contains("request 7 cancelled by the client") })
        // The cancelled call's step is followed by a cancellation line, and the trace replays identically.
        let trace = try await served.finish()
        #expect(trace.steps.count == 1)
        #expect(trace.cancellations == [TraceCancellation(step: 1)])
        let lines = String(decoding: trace.bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 4 && lines[2] == #"{"step":1,"type":"cancelled"}"#)
        #expect(try Trace(bytes: trace.bytes) == trace)
        #expect(try Replayer.replay(trace).isIdentical)
    }

    @Test("on a loopback address, a Host other than localhost, 127.0.0.1 or [::1] is refused with 421")
    func hostCheck() async throws {
        let served = try ServedEpisode()
        let port = served.server.port
        for host in ["evil.example", "evil.example:\(port)", "localhost.evil.example", "127.0.0.1.nip.io", "10.0.0.1"] {
            let reply = try await served.post(rpcInitialize(), host: host)
            #expect(reply.status == 421, "\(host)")
            #expect(reply.text.contains("DNS rebinding") && reply.text.contains(host), "\(reply.text)")
        }
        #expect(try await served.post(rpcInitialize(), host: nil).status == 421)
        for host in ["localhost", "localhost:\(port)", "127.0.0.1", "127.0.0.1:\(port)", "[::1]:\(port)", "LocalHost"] {
            #expect(try await served.post(rpcInitialize(), host: host).status == 200, "\(host)")
        }
        #expect(served.logs.lines.contains { $0.contains("refused Host evil.example (421)") })
        #expect(try await served.finish().steps.isEmpty)

        // Bound to every interface, the server is meant to be reached by other names.
        let open = try ServedEpisode(address: MCPHTTPAddress(host: "0.0.0.0", port: 0))
        #expect(try await open.post(rpcInitialize(), host: "simrun.internal:8080").status == 200)
        _ = try await open.finish()
    }

    @Test("loopback hosts and Host values are told from others")
    func loopbackNames() {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST"] {
            #expect(MCPHTTPAddress(host: host, port: 1).isLoopback, "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "127.0.0", "127.0.0.1.nip.io", "example.com"] {
            #expect(!MCPHTTPAddress(host: host, port: 1).isLoopback, "\(host)")
        }
        for value in ["localhost", "localhost:1", "127.0.0.1:65535", "[::1]", "[::1]:80", "LOCALHOST:8"] {
            #expect(MCPHTTPAddress.isLoopbackHost(value), "\(value)")
        }
        for value in [
            "", ":80", "localhost:", "localhost:x", "localhost:1234567", "[::1", "[::2]:80", "::1", "a.localhost",
        ] {
            #expect(!MCPHTTPAddress.isLoopbackHost(value), "\(value)")
        }
    }

    @Test("above --max-sessions open sessions, opening one closes the least recently used idle one")
    func sessionLimit() async throws {
        var options = MCPHTTPOptions()
        options.maxSessions = 2
        let served = try ServedEpisode(http: options)
        let first = try await served.open()
        let second = try await served.open()
        #expect(try await served.post(rpcRequest(5, "ping"), session: first).status == 200)
        let third = try await served.open()  // the second is now the least recently used
        #expect(try await served.post(rpcRequest(6, "ping"), session: second).status == 404)
        #expect(try await served.post(rpcRequest(7, "ping"), session: first).status == 200)
        #expect(try await served.post(rpcRequest(8, "ping"), session: third).status == 200)
        #expect(served.logs.lines.contains { $0.contains("session \(second) closed: 2 sessions were open") })
        // Sessions are protocol state only: the episode goes on across them.
        let reply = try await served.post(call(9, "crm_get_ticket", ["ticket_id": "T-7031"]), session: third)
        #expect(reply.status == 200)
        #expect(try await served.finish().steps.count == 1)
    }

    @Test("addresses parse as [HOST:]PORT with the loopback host by default")
    func addresses() {
        #expect(MCPHTTPAddress(parsing: "8080") == MCPHTTPAddress(host: "127.0.0.1", port: 8080))
        #expect(MCPHTTPAddress(parsing: "0.0.0.0:0") == MCPHTTPAddress(host: "0.0.0.0", port: 0))
        #expect(MCPHTTPAddress(parsing: "[::1]:9") == MCPHTTPAddress(host: "::1", port: 9))
        #expect(MCPHTTPAddress(parsing: "localhost:65535")?.url == "http://localhost:65535/mcp")
        #expect(MCPHTTPAddress(parsing: "0.0.0.0:7")?.url == "http://127.0.0.1:7/mcp")
        for bad in ["", "x", ":80", "host:", "65536", "-1", "[::1]", "[::1]80", "1.2.3.4:١٢"] {
            #expect(MCPHTTPAddress(parsing: bad) == nil, "\(bad)")
        }
    }
}
