import Testing
import WorldModel

@testable import Sandbox

@Suite("Recording MCP traffic")
struct MCPTrafficRecorderTests {
    static let server = RecordingLine.Server(name: "git", command: "uvx", args: ["mcp-server-git"])

    func recorder() -> MCPTrafficRecorder {
        MCPTrafficRecorder(
            header: RecordingLine.Header(
                session: 2, recorder: "simrun test", startedAt: "2026-01-01T00:00:00.000Z", server: Self.server))
    }

    func lines(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("initialize, tools/list and tools/call answers become header, tools and call lines; the rest passes")
    func conversation() throws {
        var recorder = recorder()
        recorder.clientMessage(
            lines(
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","clientInfo":{"name":"c"}}}"#
            ),
            atMs: 1)
        let header = recorder.serverMessage(
            lines(#"{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","serverInfo":{"name":"s"}}}"#),
            atMs: 2)
        guard case .header(let written)? = header.first else {
            Issue.record("expected a header, got \(header)")
            return
        }
        #expect(written.protocolVersion == "2025-06-18")
        #expect(written.clientInfo == ["name": "c"])
        #expect(written.session == 2)
        recorder.clientMessage(lines(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#), atMs: 3)
        recorder.clientMessage(lines(#"{"jsonrpc":"2.0","id":"a","method":"tools/list"}"#), atMs: 4)
        recorder.clientMessage(
            lines(
                #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"git_status","arguments":{"repo_path":"/r"}}}"#
            ),
            atMs: 5)
        // A server-to-client request with the same id as a pending call is not its answer.
        #expect(recorder.serverMessage(lines(#"{"jsonrpc":"2.0","id":7,"method":"roots/list"}"#), atMs: 6).isEmpty)
        let tools = recorder.serverMessage(
            lines(#"{"jsonrpc":"2.0","id":"a","result":{"tools":[{"name":"git_status"}]}}"#), atMs: 6)
        #expect(tools == [.tools(session: 2, atMs: 6, tools: [["name": "git_status"]])])
        let call = recorder.serverMessage(
            lines(
                #"{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"ok"}],"isError":false,"other":1}}"#
            ),
            atMs: 9.5)
        #expect(
            call == [
                .call(
                    RecordingLine.Call(
                        session: 2, id: 7, tool: "git_status", arguments: ["repo_path": "/r"], atMs: 5, latencyMs: 4.5,
                        result: ["content": [["type": "text", "text": "ok"]], "isError": false], error: nil))
            ])
        #expect(recorder.serverMessage(lines("not json"), atMs: 10).isEmpty)
        #expect(recorder.finish().isEmpty)
    }

    @Test("errors, unanswered calls and a session without initialize are recorded too")
    func unanswered() throws {
        var recorder = recorder()
        recorder.clientMessage(
            lines(
                #"[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"y","arguments":{}}}]"#
            ), atMs: 1)
        let error = recorder.serverMessage(
            lines(#"{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"bad"}}"#), atMs: 3)
        #expect(error.count == 2)
        guard case .header = error.first, case .call(let first)? = error.last else {
            Issue.record("expected a header and a call, got \(error)")
            return
        }
        #expect(first.error == ["code": -32602, "message": "bad"])
        #expect(first.arguments == [:])
        let rest = recorder.finish()
        guard case .call(let second)? = rest.first else {
            Issue.record("expected the unanswered call, got \(rest)")
            return
        }
        #expect(second.tool == "y")
        #expect(second.latencyMs == nil && second.result == nil && second.error == nil)
    }

    @Test("every line reads back as the line it was written from")
    func roundTrip() throws {
        let lines: [RecordingLine] = [
            .header(
                RecordingLine.Header(
                    session: 1, recorder: "r", startedAt: "t", server: Self.server, protocolVersion: "2025-06-18",
                    clientInfo: ["name": "c"], serverInfo: nil)),
            .tools(session: 1, atMs: 1.25, tools: [["name": "a"]]),
            .call(
                RecordingLine.Call(
                    session: 1, id: "x", tool: "a", arguments: ["k": [1, 2]], atMs: 2.001, latencyMs: nil, result: nil,
                    error: nil)),
        ]
        for line in lines {
            #expect(try RecordingLine(json: try JSON(parsing: line.json.canonicalText)) == line)
        }
    }
}
