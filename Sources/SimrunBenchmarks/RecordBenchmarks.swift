import Foundation
import Sandbox
import Scenarios
import WorldModel

/// The cost of `simrun record`: a `tools/call` round trip to a `simrun serve` process, directly
/// and through a `simrun record` proxy in front of another, measured in the same run. Target
/// (docs/recording.md): the proxy adds at most 1 ms at the median per call. thresholds.json holds
/// it as a ratio (the proxied round trip at most 4× the direct one, a fraction of a millisecond);
/// the absolute figure is measured by Tests/Interop/record.sh, with the two kinds of call
/// interleaved so that the load of a shared machine falls on both alike.
enum RecordBenchmarks {
    /// The `record` group, or `nil` when no `simrun` executable is found beside the running one
    /// (`simrun bench` is one; the test runner has one beside it). The processes start when the
    /// group's first benchmark runs and end at its tear-down.
    static func group(scenarioPath: String = "scenarios/crm-refund.json") -> BenchmarkGroup? {
        guard let simrun = simrunExecutable(), FileManager.default.fileExists(atPath: scenarioPath) else { return nil }
        let serve = ["serve", scenarioPath, "--no-faults", "--think-time", "zero"]
        let recording = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simrun-bench-record-\(getpid()).jsonl"
        ).path
        let clients = Clients(
            direct: (simrun, serve), proxied: (simrun, ["record", "--out", recording, "--", simrun] + serve))
        let request =
            Array(
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"crm_get_customer","arguments":{"customer_id":"C-1042"}}}"#
                    .utf8) + [0x0A]
        return BenchmarkGroup(
            "record",
            benchmarks: [
                Benchmark("tools/call round trip to simrun serve (direct)") {
                    blackHole(clients.direct.roundTrip(request))
                },
                Benchmark("tools/call round trip through simrun record") {
                    blackHole(clients.proxied.roundTrip(request))
                },
            ],
            comparisons: [
                BenchmarkComparison(
                    "tools/call through simrun record vs directly to simrun serve (the proxy's overhead)",
                    candidate: "tools/call round trip through simrun record",
                    baseline: "tools/call round trip to simrun serve (direct)")
            ],
            tearDown: {
                clients.stop()
                _ = unlink(recording)
            })
    }

    /// `simrun` beside the running executable (or the running executable itself).
    static func simrunExecutable() -> String? {
        guard let running = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return nil
        }
        let candidate = URL(fileURLWithPath: running).deletingLastPathComponent().appendingPathComponent("simrun").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    /// The two server processes and their clients, started on first use.
    final class Clients: @unchecked Sendable {
        private let commands: (direct: (String, [String]), proxied: (String, [String]))
        private var started: [(ServerProcess, PipeClient)] = []

        init(direct: (String, [String]), proxied: (String, [String])) {
            commands = (direct, proxied)
        }

        lazy var direct: PipeClient = start(commands.direct)
        lazy var proxied: PipeClient = start(commands.proxied)

        private func start(_ command: (String, [String])) -> PipeClient {
            let process: ServerProcess
            do {
                process = try ServerProcess(executable: command.0, arguments: command.1, quiet: true)
            } catch {
                preconditionFailure("record benchmarks: cannot start \(command.0): \(error.reason)")
            }
            let client = PipeClient(toServer: process.input, fromServer: process.output)
            client.initialize()
            started.append((process, client))
            return client
        }

        /// Closes the servers' input and waits for them to end.
        func stop() {
            for (process, _) in started {
                _ = close(process.input)
                _ = process.wait()
                _ = close(process.output)
            }
            started.removeAll()
        }
    }
}
