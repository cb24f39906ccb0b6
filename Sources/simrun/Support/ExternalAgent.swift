import Foundation
import Sandbox
import Scenarios
import WorldModel

/// Runs an external agent command once per episode against `simrun serve`, and scores the
/// episode from the trace the server recorded.
///
/// Per episode it writes an `mcpServers` config that starts `simrun serve` with the episode's
/// seed, trial and trace path, exports `SIMRUN_MCP_CONFIG`, `SIMRUN_TASK`, `SIMRUN_SEED` and
/// `SIMRUN_TRIAL`, runs the command with `/bin/sh -c` under a wall-clock timeout, and keeps the
/// agent's output in a log beside the trace.
struct ExternalAgent {
    var command: String
    var scenario: Scenario
    var scenarioPath: String
    var options: EpisodeOptions
    var traceDirectory: String
    var timeoutSeconds: Double

    func play(seed: UInt64, trial: Int) -> EpisodeSummary {
        let base = "\(traceDirectory)/\(scenario.name)/seed-\(seed)-trial-\(trial)"
        let tracePath = base + ".jsonl"
        let configPath = base + ".mcp.json"
        let logPath = base + ".agent.log"
        let replay = EpisodeSummary.replayCommand(forTrace: tracePath)
        func failed(_ evidence: String) -> EpisodeSummary {
            EpisodeSummary(
                scenario: scenario.name, seed: seed, trial: trial, passed: false,
                failedChecks: [
                    CheckResult(
                        name: "the agent finished the episode", kind: .builtin, passed: false, evidence: evidence)
                ],
                callLatenciesMs: [], faultsFired: [], virtualTimeMs: 0, tracePath: tracePath, replayCommand: replay)
        }
        let fileManager = FileManager.default
        try? fileManager.createDirectory(
            atPath: "\(traceDirectory)/\(scenario.name)", withIntermediateDirectories: true)
        try? fileManager.removeItem(atPath: tracePath)
        let serverArguments =
            [
                "serve", absolute(scenarioPath), "--seed", String(seed), "--trial", String(trial), "--trace",
                absolute(tracePath),
            ]
            + options.arguments
        let config: JSON = [
            "mcpServers": [
                "simrun": ["command": .string(Self.executablePath), "args": .array(serverArguments.map(JSON.string))]
            ]
        ]
        guard fileManager.createFile(atPath: configPath, contents: Data(config.prettyText.utf8)) else {
            return failed("cannot write the MCP config \(configPath)")
        }
        _ = fileManager.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        defer { try? log?.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        var environment = ProcessInfo.processInfo.environment
        environment["SIMRUN_MCP_CONFIG"] = absolute(configPath)
        environment["SIMRUN_TASK"] = scenario.task.instruction
        environment["SIMRUN_SEED"] = String(seed)
        environment["SIMRUN_TRIAL"] = String(trial)
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log ?? FileHandle.nullDevice
        process.standardError = log ?? FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            return failed("cannot start the agent command: \(error.localizedDescription)")
        }
        var timedOut = false
        if exited.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        let status = process.terminationStatus

        let trace: Trace
        do throws(TraceReadError) {
            trace = try Trace(contentsOfFile: tracePath, allowingTruncatedTail: true)
        } catch {
            if !fileManager.fileExists(atPath: tracePath) {
                return failed(
                    timedOut
                        ? "the agent timed out after \(Int(timeoutSeconds)) s without starting the MCP server (log: \(logPath))"
                        : "the agent exited with status \(status) without starting the MCP server (log: \(logPath))")
            }
            return failed("the trace cannot be read: \(error)")
        }
        guard let summary = EpisodeSummary(trace: trace, tracePath: tracePath, replayCommand: replay) else {
            return failed(
                timedOut
                    ? "the agent timed out after \(Int(timeoutSeconds)) s before the episode ended (\(trace.steps.count) steps; log: \(logPath))"
                    : "the episode has no verdict: the server did not end cleanly (agent exit status \(status); log: \(logPath))"
            )
        }
        return summary
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The running simrun executable, so the agent's server is the same build.
    static var executablePath: String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }
}
