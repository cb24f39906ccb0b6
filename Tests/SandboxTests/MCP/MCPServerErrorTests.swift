import Foundation
import Sandbox
import Testing
import WorldModel

@Suite("MCP server: malformed input, errors, notifications, end of input")
struct MCPServerErrorTests {
    /// Serves `bad` after a handshake, then a ping; returns the error response and checks the ping still works.
    private func errorThenPing(_ bad: String, maxLineBytes: Int = 4 << 20, initialize doInit: Bool = true)
        async throws -> JSON
    {
        let lines = (doInit ? [rpcInitialize(), rpcInitialized] : []) + [bad, rpcRequest(99, "tools/list")]
        let out = try await mcpServe(lines, options: MCPServerOptions(maxLineBytes: maxLineBytes))
        try #require(out.count == (doInit ? 3 : 2))
        let last = try #require(out.last)
        if doInit {
            #expect(last["id"] == 99)
            #expect(last["result"]?["tools"] != nil, "the server keeps serving after an error")
        }
        return out[out.count - 2]
    }

    @Test("a malformed JSON line is a parse error with id null")
    func garbage() async throws {
        let error = try await errorThenPing(#"{"jsonrpc":"2.0","id":7,"method":"ping""#)
        #expect(error.errorCode == -32700)
        #expect(error["id"] == .null)
        #expect(error["error"]?["message"]?.stringValue?.contains("parse error") == true)
        #expect(try await errorThenPing("not json at all").errorCode == -32700)
    }

    @Test("a wrong jsonrpc version is an invalid request that keeps the id")
    func wrongVersion() async throws {
        let error = try await errorThenPing(#"{"jsonrpc":"1.0","id":7,"method":"ping"}"#)
        #expect(error.errorCode == -32600)
        #expect(error["id"] == 7)
        #expect(try await errorThenPing(#"{"id":8,"method":"ping"}"#).errorCode == -32600)
    }

    @Test("batch arrays are invalid requests")
    func batch() async throws {
        let error = try await errorThenPing("[" + rpcRequest(5, "ping") + "," + rpcRequest(6, "ping") + "]")
        #expect(error.errorCode == -32600)
        #expect(error["id"] == .null)
        #expect(try await errorThenPing("[]").errorCode == -32600)
    }

    @Test("messages that are not objects, or lack a string method or valid id, are invalid requests")
    func notObjects() async throws {
        #expect(try await errorThenPing("42").errorCode == -32600)
        #expect(try await errorThenPing(#""ping""#).errorCode == -32600)
        #expect(try await errorThenPing(#"{"jsonrpc":"2.0","id":3,"method":17}"#).errorCode == -32600)
        let badID = try await errorThenPing(#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#)
        #expect(badID.errorCode == -32600)
        #expect(badID["id"] == .null)
    }

    @Test("an oversized line is skipped with an invalid request error")
    func oversized() async throws {
        let big = rpcRequest(
            4, "tools/call",
            ["name": "billing_refund", "arguments": ["pad": .string(String(repeating: "x", count: 500))]])
        let error = try await errorThenPing(big, maxLineBytes: 256)
        #expect(error.errorCode == -32600)
        #expect(error["id"] == .null)
        #expect(error["error"]?["message"]?.stringValue?.contains("too large") == true)
    }

    @Test("a line of exactly the limit is accepted and one byte more is not")
    func limitBoundary() async throws {
        let ping = rpcRequest(2, "ping")
        let limit = 200  // longer than the initialize line
        let exact = ping + String(repeating: " ", count: limit - ping.utf8.count)
        let out = try await mcpServe(
            [rpcInitialize(), exact, exact + " "], options: MCPServerOptions(maxLineBytes: limit))
        #expect(out.map(\.errorCode) == [nil, nil, -32600])
        #expect(out[2]["error"]?["message"]?.stringValue?.contains("201 bytes") == true)
    }

    @Test("an oversized line split over many chunks is skipped without losing the next message")
    func oversizedChunked() async throws {
        let text = rpcInitialize() + "\n" + String(repeating: "y", count: 5000) + "\n" + rpcRequest(2, "ping") + "\n"
        let bytes = Array(text.utf8)
        let chunks = stride(from: 0, to: bytes.count, by: 7).map { Array(bytes[$0..<min($0 + 7, bytes.count)]) }
        let out = try await mcpServe(
            input: MCPMemoryInput(chunks: chunks), session: FakeMCPSession(),
            options: MCPServerOptions(maxLineBytes: 1000))
        #expect(out.map(\.errorCode) == [nil, -32600, nil])
        #expect(out[2]["id"] == 2)
    }

    @Test("an unknown method is method-not-found, even before initialize")
    func unknownMethod() async throws {
        let error = try await errorThenPing(rpcRequest(5, "resources/list"))
        #expect(error.errorCode == -32601)
        #expect(error["id"] == 5)
        let early = try await mcpServe([rpcRequest(1, "resources/list")])
        #expect(early.first?.errorCode == -32601)
    }

    @Test(
        "bad tools/call params are invalid params",
        arguments: [
            ["arguments": [:]] as JSON, ["name": 3], ["name": "crm_get_customer", "arguments": [1, 2]],
            ["name": "crm_get_customer", "arguments": "id=1"], ["name": "no_such_tool"],
        ])
    func badCallParams(params: JSON) async throws {
        let error = try await errorThenPing(rpcRequest(6, "tools/call", params))
        #expect(error.errorCode == -32602)
        #expect(error["id"] == 6)
    }

    @Test("tools/call without params and params that are not an object are invalid params")
    func missingParams() async throws {
        #expect(try await errorThenPing(rpcRequest(6, "tools/call")).errorCode == -32602)
        #expect(
            try await errorThenPing(#"{"jsonrpc":"2.0","id":6,"method":"tools/list","params":[1]}"#).errorCode == -32602
        )
    }

    @Test("requests before initialize are invalid requests; initialize still works afterwards")
    func beforeInitialize() async throws {
        let out = try await mcpServe([
            rpcRequest(1, "tools/list"), rpcRequest(2, "tools/call", ["name": "crm_get_customer"]), rpcInitialize(3),
            rpcRequest(4, "tools/list"),
        ])
        #expect(out.map(\.errorCode) == [-32600, -32600, nil, nil])
        #expect(out[0]["error"]?["message"]?.stringValue?.contains("initialize") == true)
        #expect(out[3]["result"]?["tools"] != nil)
    }

    @Test("notifications, client responses and blank lines produce no output")
    func notifications() async throws {
        let out = try await mcpServe([
            rpcInitialized, rpcInitialize(), rpcInitialized,
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"reason":"x"}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/unknown"}"#,
            #"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"billing_refund"}}"#,
            #"{"jsonrpc":"2.0","id":40,"result":{}}"#, "", "   ", rpcRequest(2, "ping"),
        ])
        #expect(out.map { $0["id"] } == [1, 2])
    }

    @Test("a notification-shaped tools/call does not reach the session")
    func notificationCallIgnored() async throws {
        let session = FakeMCPSession()
        _ = try await mcpServe(
            [rpcInitialize(), #"{"jsonrpc":"2.0","method":"tools/call","params":{"name":"billing_refund"}}"#],
            session: session)
        #expect(await session.calls.isEmpty)
    }

    @Test("end of input closes the session once, also with an unterminated last line")
    func endOfInput() async throws {
        let session = FakeMCPSession()
        let out = try await mcpServe(
            input: MCPMemoryInput(chunks: [Array((rpcInitialize() + "\n" + rpcRequest(2, "ping")).utf8)]),
            session: session,
            options: MCPServerOptions())
        #expect(out.map { $0["id"] } == [1, 2])
        #expect(await session.closeCount == 1)

        let empty = FakeMCPSession()
        #expect(try await mcpServe([], session: empty).isEmpty)
        #expect(await empty.closeCount == 1)
    }

    @Test("protocol errors are logged, never written as extra output")
    func logging() async throws {
        let log = MCPLogRecorder()
        let out = try await mcpServe(["garbage", rpcInitialize()], options: MCPServerOptions(log: { log.append($0) }))
        #expect(out.count == 2)
        #expect(log.lines.contains { $0.contains("-32700") })
        #expect(log.lines.last?.contains("closing") == true)
    }
}

final class MCPLogRecorder: @unchecked Sendable {
    private let lock = MCPTestLock()
    private var storage: [String] = []
    func append(_ line: String) { lock.sync { storage.append(line) } }
    var lines: [String] { lock.sync { storage } }
}

/// A tiny lock usable from synchronous code in tests.
final class MCPTestLock: @unchecked Sendable {
    private let lock = NSLock()
    func sync<T>(_ body: () -> T) -> T { lock.withLock(body) }
}
