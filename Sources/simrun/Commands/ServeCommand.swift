import Sandbox
import WorldModel

/// `simrun serve`: one episode as an MCP stdio server.
enum ServeCommand: Command {
    static let name = "serve"
    static let abstract = "serve one episode of a scenario as an MCP server over stdio"
    static let options = OptionTable(
        positionals: "FILE",
        options: [
            .value("--seed", "N", help: "the episode's seed (default 1)"),
            .integer(
                "--trial", "K", range: 1...1_000_000,
                help: "trial number; K > 1 draws another world from the seed (default 1)"),
            .value(
                "--trace", "FILE",
                help: "write the episode's trace to FILE (as FILE.partial until the episode ends)"),
        ] + EpisodeOptions.specs + [
            .choice(
                "--think-time", "MODE", [ThinkTimeMode.measured, .zero],
                help: "measured (default): the wall time between a response and the next request is the agent's "
                    + "think time; zero: agent time is not counted"),
            OptionSpec(
                name: "--realtime", placeholder: "SCALE",
                help: "answer after the simulated latency times SCALE (default 1) of wall time, for agents whose "
                    + "own timeouts should matter; measured think time is divided by SCALE",
                kind: .optionalValue),
        ],
        exclusive: EpisodeOptions.exclusive)

    static let about = """
        Speaks the Model Context Protocol (JSON-RPC 2.0, one message per line) on standard input
        and output; logs go to standard error. The scenario's tools are MCP tools, prompt 'task'
        is the instruction, and the tool 'submit_answer' ends the episode (so does end of input).
        With --trace, every step is written to a JSONL trace as it happens, and the verdict when
        the episode ends; `simrun replay` proves it. Once the trace can no longer be written (a
        full disk), every further call is answered with an error and serve exits 3.
        """

    static let epilogue = """
        exit status: 0 the episode was served (and recorded), 2 bad input or usage, 3 the trace
        could not be written completely

        example (any MCP client):
          {"mcpServers": {"simrun": {"command": "simrun", "args": ["serve", "scenarios/crm-refund.json", "--seed", "7"]}}}
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        let seed = try RunCommand.parseSeed(arguments.value("--seed") ?? "1")
        let trial = Int(arguments.integer("--trial") ?? 1)
        let tracePath = arguments.value("--trace")
        let options = try EpisodeOptions(arguments)
        let thinkTime = arguments.choice("--think-time", as: ThinkTimeMode.self) ?? .measured
        var realtime: Double?
        if arguments.has("--realtime") {
            let scale = arguments.value("--realtime") ?? "1"
            guard let value = Double(scale), value > 0, value <= 1000 else {
                throw UsageError(
                    command: name, message: "--realtime takes a scale above 0 and at most 1000, not '\(scale)'")
            }
            realtime = value
        }
        let files = arguments.positionals
        guard files.count == 1, let file = files.first else {
            throw UsageError(
                command: name, message: files.isEmpty ? "missing the scenario FILE" : "give exactly one scenario FILE")
        }
        let scenario = try options.load(file)
        let episode: Episode
        do throws(EpisodeError) {
            episode = try Episode(
                scenario: scenario, seed: seed, trial: trial, policy: options.policy, tracePath: tracePath,
                agent: .external, thinkTime: thinkTime)
        } catch {
            guard case .trace(let traceError) = error else { throw CommandFailure.badInput("simrun serve: \(error)") }
            throw CommandFailure(
                code: traceError.isUnusablePath ? .badInput : .internalError, message: "simrun serve: \(error)")
        }
        var serverOptions = MCPServerOptions(thinkTime: thinkTime, realtimeScale: realtime)
        serverOptions.log = MCPServerOptions.standardErrorLog
        Terminal.error(
            "simrun serve: \(scenario.name), seed \(seed)\(trial > 1 ? ", trial \(trial)" : "") — MCP on stdio\n")
        await MCPServer.runStandardIO(session: EpisodeMCPSession(episode: episode), options: serverOptions)
        if let verdict = await episode.verdict {
            Terminal.error(
                "simrun serve: episode over — \(verdict.passed ? "passed" : "failed") (\(verdict.steps) steps)\n")
        }
        if let error = await episode.traceError {
            Terminal.error("simrun serve: the trace is incomplete: \(error)\n")
            return .internalError
        }
        return .success
    }
}
