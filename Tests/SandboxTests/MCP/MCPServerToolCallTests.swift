import Foundation
import Sandbox
import Testing
import WorldModel

@Suite("MCP server: tool calls, answers, think time, realtime")
struct MCPServerToolCallTests {
    @Test("a 2xx call returns the body as text and as structuredContent, with _meta")
    func successfulCall() async throws {
        let session = FakeMCPSession()
        let out = try await mcpServe(
            [
                rpcInitialize(), rpcInitialized,
                rpcRequest(2, "tools/call", ["name": "crm_get_customer", "arguments": ["id": "C-1042"]]),
            ],
            session: session)
        try #require(out.count == 2)
        let result = try #require(out[1]["result"])
        #expect(result["content"] == [["type": "text", "text": #"{"id":"C-1042","name":"Dana Ruiz"}"#]])
        #expect(result["structuredContent"] == ["id": "C-1042", "name": "Dana Ruiz"])
        #expect(result["isError"] == false)
        #expect(result["_meta"] == ["status": 200, "latency_ms": 120])
        let calls = await session.calls
        #expect(
            calls == [
                .init(
                    tool: "crm_get_customer", arguments: ["id": "C-1042"], thinkTimeMs: calls.first?.thinkTimeMs ?? -1)
            ])
    }

    @Test("non-2xx statuses are isError results; a non-JSON body has no structuredContent")
    func errorStatuses() async throws {
        let out = try await mcpServe([
            rpcInitialize(),
            rpcRequest(2, "tools/call", ["name": "crm_get_customer", "arguments": ["id": "nobody"]]),
            rpcRequest(3, "tools/call", ["name": "billing_refund"]),
        ])
        try #require(out.count == 3)
        #expect(out[1]["result"]?["isError"] == true)
        #expect(out[1]["result"]?["structuredContent"]?["error"]?["code"] == "not_found")
        #expect(out[1]["result"]?["_meta"]?["status"] == 404)
        #expect(out[2]["result"]?["isError"] == true)
        #expect(out[2]["result"]?["structuredContent"] == nil)
        #expect(out[2]["result"]?["content"]?[0]?["text"] == "<html><body>Service Unavailable</body></html>")
    }

    @Test("missing arguments reach the session as an empty object")
    func missingArguments() async throws {
        let session = FakeMCPSession()
        _ = try await mcpServe(
            [rpcInitialize(), rpcRequest(2, "tools/call", ["name": "billing_refund", "arguments": nil])],
            session: session)
        #expect(await session.calls.map(\.arguments) == [.object([:])])
    }

    @Test("submit_answer ends the episode; later calls are isError results and reach no session")
    func submitAnswerEndsEpisode() async throws {
        let session = FakeMCPSession()
        let out = try await mcpServe(
            [
                rpcInitialize(),
                rpcRequest(2, "tools/call", ["name": "submit_answer", "arguments": [:]]),
                rpcRequest(3, "tools/call", ["name": "submit_answer", "arguments": ["answer": "Refunded CH-2."]]),
                rpcRequest(4, "tools/call", ["name": "crm_get_customer", "arguments": ["id": "C-1042"]]),
                rpcRequest(5, "tools/call", ["name": "submit_answer", "arguments": ["answer": "again"]]),
                rpcRequest(6, "tools/list"),
            ], session: session)
        try #require(out.count == 6)
        #expect(out[1]["result"]?["isError"] == true)
        #expect(out[1]["result"]?["content"]?[0]?["text"] == "arguments.answer: expected string, found nothing")
        #expect(out[2]["result"]?["isError"] == false)
        #expect(out[2]["result"]?["content"]?[0]?["text"] == "verdict: pass (5/5 checks)")
        for index in [3, 4] {
            #expect(out[index]["result"]?["isError"] == true)
            #expect(out[index]["result"]?["content"]?[0]?["text"]?.stringValue?.contains("episode is over") == true)
        }
        #expect(out[5]["result"]?["tools"] != nil)
        #expect(await session.answers == ["Refunded CH-2."])
        #expect(await session.calls.isEmpty)
    }

    @Test("think time is the clock time from the last charged response to the next call")
    func thinkTimeFromClock() async throws {
        let session = FakeMCPSession()
        let ticks = MCPFakeTicker(step: 100_000_000)  // every reading advances 100 ms
        let get = rpcRequest(3, "tools/call", ["name": "crm_get_customer", "arguments": ["id": "C-1042"]])
        _ = try await mcpServe(
            [
                rpcInitialize(), rpcInitialized, get, get,
                rpcRequest(9, "tools/call", ["name": "submit_answer", "arguments": ["answer": "x"]]),
            ],
            session: session, options: MCPServerOptions(thinkTime: .measured, clock: { ticks.next() }))
        // Readings: init 0 → sent 100 (baseline); notification 200; call 300 → 200 ms, sent 400;
        // call 500 → 100 ms, sent 600; submit 700 → 100 ms.
        #expect(await session.calls.map(\.thinkTimeMs) == [200, 100])
        #expect(await session.answerThinkTimes == [100])
    }

    @Test("think time zero passes 0 whatever the wall clock does")
    func thinkTimeZero() async throws {
        let session = FakeMCPSession()
        let get = rpcRequest(2, "tools/call", ["name": "crm_get_customer", "arguments": ["id": "C-1042"]])
        _ = try await mcpServe(
            [rpcInitialize(), get, get], session: session, options: MCPServerOptions(thinkTime: .zero))
        #expect(await session.calls.map(\.thinkTimeMs) == [0, 0])
    }

    @Test("realtime sleeps latency × scale before each call response and scales think time")
    func realtime() async throws {
        let session = FakeMCPSession()
        let ticks = MCPFakeTicker(step: 100_000_000)
        let sleeps = MCPSleepRecorder()
        let get = rpcRequest(2, "tools/call", ["name": "crm_get_customer", "arguments": ["id": "C-1042"]])
        let options = MCPServerOptions(
            thinkTime: .measured, clock: { ticks.next() }, realtimeScale: 0.5, sleep: { await sleeps.record($0) })
        _ = try await mcpServe(
            [rpcInitialize(), rpcRequest(5, "tools/list"), get, get], session: session, options: options)
        #expect(await sleeps.values == [60_000_000, 60_000_000])
        // Readings: init 0 → sent 100; list 200; call 300 → 200 ms / 0.5; sent 400; call 500 → 100 ms / 0.5.
        #expect(await session.calls.map(\.thinkTimeMs) == [400, 200])
    }

    @Test("without realtime the server never sleeps")
    func noRealtimeNoSleep() async throws {
        let sleeps = MCPSleepRecorder()
        let get = rpcRequest(2, "tools/call", ["name": "crm_get_customer", "arguments": ["id": "C-1042"]])
        _ = try await mcpServe([rpcInitialize(), get], options: MCPServerOptions(sleep: { await sleeps.record($0) }))
        #expect(await sleeps.values.isEmpty)
    }
}

/// A fake monotonic clock: every reading is `step` nanoseconds after the previous one, starting at 0.
final class MCPFakeTicker: @unchecked Sendable {
    private let lock = MCPTestLock()
    private var current: UInt64 = 0
    private let step: UInt64
    init(step: UInt64) { self.step = step }
    func next() -> UInt64 {
        lock.sync {
            defer { current += step }
            return current
        }
    }
}

actor MCPSleepRecorder {
    private(set) var values: [UInt64] = []
    func record(_ nanoseconds: UInt64) { values.append(nanoseconds) }
}
