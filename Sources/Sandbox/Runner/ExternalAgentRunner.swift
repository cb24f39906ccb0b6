import Foundation
import Scenarios

/// Runs an external agent — any program that speaks MCP — against a scenario, one process per
/// episode, and scores each episode from the trace `simrun serve` records for it.
///
/// Per episode it writes `DIR/<scenario>/seed-<s>-trial-<t>.mcp.json`, an `mcpServers` config
/// that starts `simrun serve` for that seed and trial with `--trace
/// DIR/<scenario>/seed-<s>-trial-<t>.jsonl`, and runs `command` with `/bin/sh -c` under a
/// wall-clock timeout, with `SIMRUN_MCP_CONFIG` (the config's absolute path), `SIMRUN_TASK`,
/// `SIMRUN_SEED` and `SIMRUN_TRIAL` in its environment. The agent's standard output and error
/// go to `seed-<s>-trial-<t>.agent.log` beside the trace.
///
/// ```swift
/// let scenario = try ScenarioLoader.load(contentsOf: "scenarios/crm-refund.json")
/// let runner = ExternalAgentRunner(
///     command: #"my-agent --mcp-config "$SIMRUN_MCP_CONFIG" "$SIMRUN_TASK""#, scenario: scenario,
///     simrunExecutable: "/usr/local/bin/simrun", traceDirectory: "traces")
/// let scorecard = Scorecard(episodes: try runner.run(seeds: [1, 2, 3]))
/// ```
///
/// The server is a `simrun` binary (`simrunExecutable`), so the agent may start it however its
/// MCP client does. Its fault selection and policy come from the scenario's `faultProvenance`
/// and `policy`.
public struct ExternalAgentRunner: Sendable {
    /// The shell command that runs the agent once; it reads the environment described above.
    public var command: String
    /// The scenario, loaded from a file (`scenario.path` is passed to `simrun serve`), with its
    /// fault selection applied.
    public var scenario: Scenario
    /// Scopes and approvals; approvals must be `.auto` or `.deny` (a callback cannot cross into
    /// another process).
    public var policy: EpisodePolicy
    /// The `simrun` executable the MCP config starts with `serve`.
    public var simrunExecutable: String
    /// Where traces, configs and agent logs go (`DIR/<scenario>/…`).
    public var traceDirectory: String
    /// The wall-clock limit of one episode in seconds; the agent is then sent SIGTERM, and
    /// SIGKILL 5 s later.
    public var timeoutSeconds: Double
    /// How the agent reaches the episode's server: `.stdio` (the config starts `simrun serve`)
    /// or `.http` (the runner starts `simrun serve --http` itself and hands the agent its URL).
    public var transport: ExternalAgentTransport

    /// Creates a runner. Traps if `scenario` has no file path or `policy` decides approvals
    /// by callback: both are programmer errors.
    public init(
        command: String, scenario: Scenario, policy: EpisodePolicy = .permissive, simrunExecutable: String,
        traceDirectory: String, timeoutSeconds: Double = 600, transport: ExternalAgentTransport = .stdio
    ) {
        precondition(scenario.path != nil, "an external agent's server loads the scenario from its file")
        precondition(policy.approvals.mode != .callback, "callback approvals cannot be passed to simrun serve")
        self.command = command
        self.scenario = scenario
        self.policy = policy
        self.simrunExecutable = simrunExecutable
        self.traceDirectory = traceDirectory
        self.timeoutSeconds = timeoutSeconds
        self.transport = transport
    }

    /// The trace path of one episode: `DIR/<scenario>/seed-<s>-trial-<t>.jsonl`.
    public func tracePath(seed: UInt64, trial: Int) -> String {
        "\(traceDirectory)/\(scenario.name)/seed-\(seed)-trial-\(trial).jsonl"
    }

    /// The file the episode's servers append a line to when they start:
    /// `DIR/<scenario>/seed-<s>-trial-<t>.starts`. More than one line fails the episode's built-in
    /// check "one MCP session per episode".
    public func startsPath(seed: UInt64, trial: Int) -> String {
        String(tracePath(seed: seed, trial: trial).dropLast(".jsonl".count)) + ".starts"
    }

    /// The arguments after the executable that serve one episode: `serve FILE --seed S --trial T
    /// --trace PATH --starts-file PATH`, then the fault selection, approvals and scopes. Paths are absolute.
    public func serverArguments(seed: UInt64, trial: Int) -> [String] {
        var arguments = [
            "serve", Self.absolute(scenario.path ?? ""), "--seed", String(seed), "--trial", String(trial), "--trace",
            Self.absolute(tracePath(seed: seed, trial: trial)), "--starts-file",
            Self.absolute(startsPath(seed: seed, trial: trial)),
        ]
        switch scenario.faultProvenance.selection {
        case .scenario: break
        case .overlay(let path): arguments += ["--faults", Self.absolute(path)]
        case .none: arguments.append("--no-faults")
        }
        arguments += ["--approvals", policy.approvals.mode.rawValue]
        if let scopes = policy.scopes { arguments += ["--scopes", scopes.sorted().joined(separator: ",")] }
        return arguments
    }

    /// Plays every episode (seeds × trials, in that order), up to `parallelism` at a time, and
    /// returns their summaries in that order. Holds the trace directory for the whole run;
    /// throws before starting anything when it cannot be created or another run holds it.
    public func run(
        seeds: [UInt64], trials: Int = 1, parallelism: Int = 1, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(TraceWriteError) -> [EpisodeSummary] {
        let lock = try TraceDirectoryLock(directory: traceDirectory)
        defer { withExtendedLifetime(lock) {} }
        let jobs = seeds.flatMap { seed in (1...max(1, trials)).map { (seed, $0) } }
        return Parallel.map(jobs.count, parallelism: parallelism, progress: progress) { index in
            play(seed: jobs[index].0, trial: jobs[index].1)
        }
    }

    /// Plays one episode and scores it from the server's trace. Anything that keeps the episode
    /// from ending cleanly (the agent cannot start, never starts the server, times out, or the
    /// server dies) is a failed summary whose one failed check says what happened.
    ///
    /// An earlier trace at the episode's path waits aside (`PATH.earlier`) while the agent runs,
    /// since `simrun serve` refuses to overwrite a trace, and is put back when the episode records
    /// none; the episode is scored only from a trace written by this episode — the complete one,
    /// or the server's `.partial` file when it did not finish. An agent that started the server
    /// more than once (a client that opens a process per call) fails the built-in check
    /// "one MCP session per episode"; one that never started it fails "the agent connected to the
    /// MCP server", with no trace and no replay command.
    public func play(seed: UInt64, trial: Int) -> EpisodeSummary {
        let tracePath = tracePath(seed: seed, trial: trial)
        let partialPath = TraceWriter.partialPath(for: tracePath)
        let base = String(tracePath.dropLast(".jsonl".count))
        let configPath = base + ".mcp.json"
        let logPath = base + ".agent.log"
        func failed(
            _ evidence: String, trace: String? = nil, check: String = "the agent finished the episode"
        ) -> EpisodeSummary {
            EpisodeSummary(
                scenario: scenario.name, seed: seed, trial: trial, passed: false,
                failedChecks: [CheckResult(name: check, kind: .builtin, passed: false, evidence: evidence)],
                callLatenciesMs: [], faultsFired: [], virtualTimeMs: 0, tracePath: trace, replayCommand: "")
        }
        if let reason = TraceDirectoryLock.createDirectories("\(traceDirectory)/\(scenario.name)") {
            return failed("cannot create the trace directory: \(reason)")
        }
        // `simrun serve` refuses to overwrite a trace, so an earlier one waits aside and comes back
        // when this episode records none.
        let startsPath = startsPath(seed: seed, trial: trial)
        let asidePath = tracePath + ".earlier"
        _ = unlink(partialPath)
        _ = unlink(startsPath)
        _ = unlink(asidePath)
        let hadEarlier = rename(tracePath, asidePath) == 0
        defer {
            if hadEarlier {
                if access(tracePath, F_OK) != 0 { _ = rename(asidePath, tracePath) } else { _ = unlink(asidePath) }
            }
        }
        var server: Process?
        var serverExited = DispatchSemaphore(value: 0)
        defer {
            if let server, server.isRunning { Self.stop(server, exited: serverExited, graceSeconds: 10) }
        }
        let entry: JSON
        var url: String?
        switch transport {
        case .stdio:
            entry = [
                "transport": "stdio", "command": .string(simrunExecutable),
                "args": .array(serverArguments(seed: seed, trial: trial).map(JSON.string)),
            ]
        case .http:
            let started = startHTTPServer(seed: seed, trial: trial, base: base)
            guard case .success(let running) = started else {
                if case .failure(let failure) = started {
                    return failed(failure.reason, check: Self.connectedCheckName)
                }
                preconditionFailure("a result is a success or a failure")
            }
            server = running.process
            serverExited = running.exited
            url = running.url
            entry = ["transport": "streamable_http", "url": .string(running.url)]
        }
        let config: JSON = ["mcpServers": ["simrun": entry]]
        let fileManager = FileManager.default
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
        environment["SIMRUN_MCP_CONFIG"] = Self.absolute(configPath)
        environment["SIMRUN_TASK"] = scenario.task.instruction
        environment["SIMRUN_SEED"] = String(seed)
        environment["SIMRUN_TRIAL"] = String(trial)
        environment["SIMRUN_MCP_URL"] = url
        process.environment = environment
        let exited: DispatchSemaphore
        do {
            exited = try Self.launch(process, log: log)
        } catch {
            return failed("cannot start the agent command: \(FileProblem(error))")
        }
        var timedOut = false
        if exited.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            timedOut = true
            Self.stop(process, exited: exited, graceSeconds: 5)
        }
        let status = process.terminationStatus
        // Over HTTP the episode ends when its server is stopped (if submit_answer did not end it).
        if let server {
            Self.stop(server, exited: serverExited, graceSeconds: 10)
            if !ServedEpisodeGuard.hasConnection(in: startsPath) {
                _ = unlink(tracePath)
                _ = unlink(partialPath)
                return failed(
                    timedOut
                        ? "the agent timed out after \(Int(timeoutSeconds)) s without connecting to SIMRUN_MCP_URL "
                            + "(log: \(logPath))"
                        : "the agent exited with status \(status) without connecting to SIMRUN_MCP_URL (log: \(logPath))",
                    check: Self.connectedCheckName)
            }
        }

        // The server renames its trace into place when the episode ends, so a file at the final
        // path that is not the earlier one is this episode's complete trace.
        let finished = fileManager.fileExists(atPath: tracePath)
        let readPath = finished ? tracePath : fileManager.fileExists(atPath: partialPath) ? partialPath : nil
        guard let readPath else {
            return failed(
                timedOut
                    ? "the agent timed out after \(Int(timeoutSeconds)) s without starting the MCP server (log: \(logPath))"
                    : "the agent exited with status \(status) without starting the MCP server (log: \(logPath))",
                check: Self.connectedCheckName)
        }
        let starts = ServedEpisodeGuard.startCount(in: startsPath)
        let sessionsCheck = CheckResult(
            name: ServedEpisodeGuard.oneSessionCheckName, kind: .builtin, passed: false,
            evidence: ServedEpisodeGuard.sessionsEvidence(count: starts))
        let trace: Trace
        do throws(TraceReadError) {
            trace = try Trace(contentsOfFile: readPath, allowingTruncatedTail: true)
        } catch {
            return failed("the trace cannot be read: \(error)", trace: readPath)
        }
        guard finished,
            var summary = EpisodeSummary(
                trace: trace, tracePath: tracePath, replayCommand: EpisodeSummary.replayCommand(forTrace: tracePath))
        else {
            if starts > 1 {
                var summary = failed(ServedEpisodeGuard.sessionsEvidence(count: starts), trace: readPath)
                summary.failedChecks[0] = sessionsCheck
                return summary
            }
            return failed(
                timedOut
                    ? "the agent timed out after \(Int(timeoutSeconds)) s before the episode ended (\(trace.steps.count) steps; log: \(logPath))"
                    : "the episode has no verdict: the server did not end cleanly (agent exit status \(status); log: \(logPath))",
                trace: readPath)
        }
        if starts > 1 {
            summary.passed = false
            summary.failedChecks.insert(sessionsCheck, at: 0)
        }
        if timedOut, trace.verdict?.answer == nil {
            summary.passed = false
            summary.failedChecks.insert(
                CheckResult(
                    name: "the agent finished the episode", kind: .builtin, passed: false,
                    evidence: "the agent timed out after \(Int(timeoutSeconds)) s without submitting an answer; the "
                        + "server was stopped (log: \(logPath))"),
                at: 0)
        }
        return summary
    }

    /// A started `simrun serve --http` of one episode.
    private struct RunningServer {
        var process: Process
        var exited: DispatchSemaphore
        var url: String
    }

    /// Starts `simrun serve … --http 127.0.0.1:0 --port-file …` for one episode and waits (up to
    /// 30 s) for its port; the failure is the evidence of a failed episode.
    private func startHTTPServer(seed: UInt64, trial: Int, base: String) -> Result<RunningServer, ServerStartFailure> {
        let portPath = base + ".port"
        let logPath = base + ".server.log"
        _ = unlink(portPath)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        defer { try? log?.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: simrunExecutable)
        process.arguments =
            serverArguments(seed: seed, trial: trial) + [
                "--http", "127.0.0.1:0", "--port-file", Self.absolute(portPath),
            ]
        let exited: DispatchSemaphore
        do {
            exited = try Self.launch(process, log: log)
        } catch {
            return .failure(ServerStartFailure(reason: "cannot start simrun serve --http: \(FileProblem(error))"))
        }
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: portPath, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                _ = unlink(portPath)
                let url = MCPHTTPAddress(host: "127.0.0.1", port: port).url
                return .success(RunningServer(process: process, exited: exited, url: url))
            }
            if exited.wait(timeout: .now() + 0.05) == .success {
                return .failure(
                    ServerStartFailure(
                        reason: "simrun serve --http exited with status \(process.terminationStatus) before listening "
                            + "(log: \(logPath))"))
            }
        }
        Self.stop(process, exited: exited, graceSeconds: 5)
        return .failure(ServerStartFailure(reason: "simrun serve --http did not listen within 30 s (log: \(logPath))"))
    }

    /// Why the episode's HTTP server did not start.
    private struct ServerStartFailure: Error {
        var reason: String
    }

    /// Starts `process` with no input and its output and errors to `log`; the semaphore is
    /// signalled when it exits.
    private static func launch(_ process: Process, log: FileHandle?) throws -> DispatchSemaphore {
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log ?? FileHandle.nullDevice
        process.standardError = log ?? FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        return exited
    }

    /// Sends SIGTERM, then SIGKILL after `graceSeconds`, and waits for the exit.
    private static func stop(_ process: Process, exited: DispatchSemaphore, graceSeconds: Double) {
        guard process.isRunning else {
            exited.wait()
            exited.signal()
            return
        }
        process.terminate()
        if exited.wait(timeout: .now() + graceSeconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        exited.signal()
    }

    /// The built-in check an episode fails when its agent never started the MCP server.
    public static let connectedCheckName = "the agent connected to the MCP server"

    private static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// How an external agent reaches its episode's MCP server (`simrun run --agent-cmd … [--http]`).
public enum ExternalAgentTransport: String, Sendable, CaseIterable {
    /// The agent's MCP client starts `simrun serve` from the config's `command` and `args`.
    case stdio
    /// The runner starts `simrun serve --http` per episode; the agent connects to
    /// `SIMRUN_MCP_URL` (also the config's `url`), with as many sessions as it likes.
    case http
}
