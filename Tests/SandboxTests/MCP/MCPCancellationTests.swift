import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

@Suite("MCP server: notifications/cancelled ends a --realtime wait")
struct MCPCancellationTests {
    static let get = rpcRequest(2, "tools/call", ["name": "crm_get_customer", "arguments": ["id": "C-1042"]])

    /// Records whether a realtime sleep (an hour long) ended by cancellation.
    final class SleepOutcome: @unchecked Sendable {
        private let lock = NSLock()
        private var cancelled = false
        var wasCancelled: Bool { lock.withLock { cancelled } }
        func sleep(_: UInt64) async {
            try? await Task.sleep(nanoseconds: 3_600_000_000_000)
            if Task.isCancelled { lock.withLock { cancelled = true } }
        }
    }

    @Test("a cancellation of the held request ends its wait; the call was made, its answer is not sent")
    func cancelsHeldCall() async throws {
        let session = FakeMCPSession()
        let logs = LogLines()
        let outcome = SleepOutcome()
        var options = MCPServerOptions(thinkTime: .zero, realtimeScale: 1, sleep: { await outcome.sleep($0) })
        options.log = { logs.append($0) }
        let cancel =
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"timeout"}}"#
        let out = try await mcpServe(
            [rpcInitialize(), Self.get, cancel, rpcRequest(3, "ping")], session: session, options: options)
        #expect(outcome.wasCancelled)
        #expect(out.map { $0["id"] } == [1, 3])
        #expect(await session.calls.count == 1)
        #expect(logs.lines.contains { $0.contains("request 2 was cancelled by the client during its --realtime wait") })
    }

    @Test("a cancelled call of a traced episode gets a cancellation line after its step; replay is identical")
    func cancellationIsTraced() async throws {
        let scenario = try ScenarioLoader.load(
            contentsOf: ScenarioFixtures.root.appendingPathComponent("scenarios/crm-refund.json").path)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("simrun-cancel-\(UUID()).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let episode = try Episode(scenario: scenario, seed: 3, tracePath: path, agent: .external, thinkTime: .zero)
        let outcome = SleepOutcome()
        let sleeps = MCPSleepRecorder()
        // The first hold lasts an hour unless cancelled; later ones end at once.
        let options = MCPServerOptions(
            thinkTime: .zero, realtimeScale: 1,
            sleep: { nanoseconds in
                if await sleeps.values.isEmpty {
                    await sleeps.record(nanoseconds)
                    await outcome.sleep(nanoseconds)
                }
            })
        let ticket = rpcRequest(2, "tools/call", ["name": "crm_get_ticket", "arguments": ["ticket_id": "T-7031"]])
        let charges = rpcRequest(
            3, "tools/call", ["name": "billing_list_charges", "arguments": ["customer_id": "C-1042"]])
        let cancel = #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}"#
        let output = MCPMemoryOutput()
        await MCPServer.run(
            session: EpisodeMCPSession(episode: episode),
            input: MCPMemoryInput(lines: [rpcInitialize(), ticket, cancel, charges]), output: output, options: options)
        #expect(outcome.wasCancelled)
        #expect(output.lines.count == 2)  // initialize and the second call; the cancelled answer is not sent
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[2] == #"{"step":1,"type":"cancelled"}"#)
        let trace = try Trace(bytes: bytes)
        #expect(trace.steps.map(\.tool) == ["crm_get_ticket", "billing_list_charges"])
        #expect(trace.cancellations == [TraceCancellation(step: 1)])
        #expect(trace.bytes == bytes)
        #expect(try Replayer.replay(trace).isIdentical)
    }

    @Test("other messages that arrive during the wait are served afterwards, in order; other ids do not cancel")
    func otherMessagesQueue() async throws {
        let session = FakeMCPSession()
        let sleeps = MCPSleepRecorder()
        let options = MCPServerOptions(thinkTime: .zero, realtimeScale: 0.5, sleep: { await sleeps.record($0) })
        let otherCancel = #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}}"#
        let out = try await mcpServe(
            [rpcInitialize(), Self.get, otherCancel, rpcRequest(3, "ping"), rpcRequest(4, "ping")], session: session,
            options: options)
        #expect(out.map { $0["id"] } == [1, 2, 3, 4])
        #expect(await sleeps.values.count == 1)
    }

    @Test("the matcher takes only a cancellation notification naming the request id")
    func matcher() {
        func event(_ text: String) -> MCPInputEvent { .line(Array(text.utf8)) }
        let cancel = #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"a"}}"#
        #expect(MCPServer.cancels(event(cancel), requestID: "a"))
        #expect(!MCPServer.cancels(event(cancel), requestID: 1))
        #expect(
            !MCPServer.cancels(
                event(#"{"jsonrpc":"2.0","id":5,"method":"notifications/cancelled","params":{"requestId":"a"}}"#),
                requestID: "a"))
        #expect(!MCPServer.cancels(event("not json"), requestID: "a"))
        #expect(!MCPServer.cancels(.oversized(byteCount: 9), requestID: "a"))
    }
}
