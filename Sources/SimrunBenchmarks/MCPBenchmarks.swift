import Foundation
import Sandbox
import Scenarios
import WorldModel

/// MCP round trips: `tools/call` requests written to a real `MCPServer` over OS pipes by an
/// in-process client, against a bare pipe echo of the same line measured in the same run.
///
/// Two shapes: one request at a time (each waits for its answer, so the time is dominated by
/// the operating system waking the other side, as the echo shows), and 32 requests in flight
/// (JSON-RPC lets a client pipeline), which measures what the server itself sustains. Target
/// (thresholds.json): at least 20,000 round trips per second with requests in flight.
enum MCPBenchmarks {
    /// The `mcp` group, or `nil` when `scenarioPath` cannot be loaded. The server and the echo
    /// start when the group's first benchmark runs, so a suite that skips the group starts neither.
    static func group(scenarioPath: String = "scenarios/crm-refund.json") -> BenchmarkGroup? {
        guard let scenario = try? ScenarioLoader.load(contentsOf: scenarioPath),
            let episode = try? Episode(scenario: scenario, seed: 1)
        else { return nil }
        let clients = Clients(session: EpisodeMCPSession(episode: episode))
        let request =
            Array(
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"crm_get_customer","arguments":{"customer_id":"C-1042"}}}"#
                    .utf8) + [0x0A]
        let inFlight = 32
        let batch = Array([[UInt8]](repeating: request, count: inFlight).joined())
        return BenchmarkGroup(
            "mcp",
            benchmarks: [
                Benchmark("tools/call round trip over pipes (MCPServer)") {
                    blackHole(clients.server.roundTrip(request))
                },
                Benchmark("line round trip over pipes (echo)") { blackHole(clients.echo.roundTrip(request)) },
                Benchmark("tools/call, 32 in flight over pipes (MCPServer)", operationsPerRun: inFlight) {
                    blackHole(clients.server.roundTrip(batch, lines: inFlight))
                },
                Benchmark("line, 32 in flight over pipes (echo)", operationsPerRun: inFlight) {
                    blackHole(clients.echo.roundTrip(batch, lines: inFlight))
                },
            ],
            comparisons: [
                BenchmarkComparison(
                    "tools/call round trip vs a bare pipe echo of the same line (the transport's floor)",
                    candidate: "tools/call round trip over pipes (MCPServer)",
                    baseline: "line round trip over pipes (echo)"),
                BenchmarkComparison(
                    "tools/call with 32 in flight vs a bare pipe echo of the same lines",
                    candidate: "tools/call, 32 in flight over pipes (MCPServer)",
                    baseline: "line, 32 in flight over pipes (echo)"),
            ])
    }

    /// The server and echo clients, started on first use. Benchmarks run on one thread.
    final class Clients: @unchecked Sendable {
        let session: EpisodeMCPSession
        init(session: EpisodeMCPSession) { self.session = session }

        lazy var server: PipeClient = {
            guard let client = PipeClient.mcpServer(session: session) else {
                preconditionFailure("mcp benchmarks: cannot create the pipes to the server")
            }
            return client
        }()

        lazy var echo: PipeClient = {
            guard let client = PipeClient.echo() else {
                preconditionFailure("mcp benchmarks: cannot create the pipes to the echo")
            }
            return client
        }()
    }
}

/// The client end of two pipes to a line-oriented server running in this process.
final class PipeClient: @unchecked Sendable {
    private let toServer: Int32
    private let fromServer: Int32
    private var buffer: [UInt8] = []

    init(toServer: Int32, fromServer: Int32) {
        self.toServer = toServer
        self.fromServer = fromServer
    }

    /// A client of an `MCPServer` serving `session`, initialized and ready for `tools/call`.
    static func mcpServer(session: some MCPSession) -> PipeClient? {
        guard let (client, serverInput, serverOutput) = pipes() else { return nil }
        Task.detached {
            await MCPServer.run(
                session: session, input: MCPStandardInput(descriptor: serverInput),
                output: MCPStandardOutput(descriptor: serverOutput), options: MCPServerOptions(thinkTime: .zero))
        }
        client.initialize()
        return client
    }

    /// A client of a thread that echoes every line back.
    static func echo() -> PipeClient? {
        guard let (client, serverInput, serverOutput) = pipes() else { return nil }
        let thread = Thread {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(serverInput, $0.baseAddress, $0.count) }
                guard count > 0 else { return }
                var written = 0
                while written < count {
                    let result = chunk.withUnsafeBytes {
                        write(serverOutput, $0.baseAddress! + written, count - written)
                    }
                    guard result > 0 else { return }
                    written += result
                }
            }
        }
        thread.start()
        return client
    }

    private static func pipes() -> (PipeClient, Int32, Int32)? {
        var requests: [Int32] = [0, 0]
        var responses: [Int32] = [0, 0]
        guard pipe(&requests) == 0, pipe(&responses) == 0 else { return nil }
        return (PipeClient(toServer: requests[1], fromServer: responses[0]), requests[0], responses[1])
    }

    func send(_ line: [UInt8]) {
        var written = 0
        while written < line.count {
            let result = line.withUnsafeBytes { write(toServer, $0.baseAddress! + written, line.count - written) }
            guard result > 0 else { return }
            written += result
        }
    }

    /// Sends `bytes` (holding `lines` messages) and waits for `lines` lines back; returns the
    /// number of bytes received.
    func roundTrip(_ bytes: [UInt8], lines: Int = 1) -> Int {
        send(bytes)
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var received = 0
        var remaining = lines
        while remaining > 0 {
            if let newline = buffer.firstIndex(of: 0x0A) {
                buffer.removeSubrange(...newline)
                received += newline + 1
                remaining -= 1
                continue
            }
            let count = chunk.withUnsafeMutableBytes { read(fromServer, $0.baseAddress, $0.count) }
            guard count > 0 else { return -1 }
            buffer.append(contentsOf: chunk[0..<count])
        }
        return received
    }
}

extension PipeClient {
    /// Opens the MCP session: `initialize` (answered) and `notifications/initialized`.
    func initialize() {
        let initialize =
            Array(
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#
                    .utf8) + [0x0A]
        _ = roundTrip(initialize)
        send(Array(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.utf8) + [0x0A])
    }
}
