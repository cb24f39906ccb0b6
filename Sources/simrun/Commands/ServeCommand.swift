import Sandbox
import WorldModel

/// `simrun serve`: one episode as an MCP stdio server.
enum ServeCommand: Command {
    static let name = "serve"
    static let abstract = "serve one episode of a scenario as an MCP server over stdio"
    static let help = """
        usage: simrun serve FILE [--seed N] [--trial K] [--trace FILE] [--faults OVERLAY | --no-faults]
                           [--approvals auto|deny] [--scopes S1,S2] [--think-time measured|zero]
                           [--realtime[=SCALE]]

        Speaks the Model Context Protocol (JSON-RPC 2.0, one message per line) on standard input
        and output; logs go to standard error. The scenario's tools are MCP tools, prompt 'task'
        is the instruction, and the tool 'submit_answer' ends the episode (so does end of input).
        With --trace, every step is written to a JSONL trace as it happens, and the verdict when
        the episode ends; `simrun replay` proves it.

        options:
          --seed N           the episode's seed (default 1)
          --trial K          trial number; K > 1 draws another world from the seed (default 1)
          --trace FILE       write the episode's trace to FILE
          --faults FILE      a fault overlay; --no-faults turns all fault rules off
          --approvals MODE   auto (default) or deny for approval-gated calls
          --scopes LIST      grant only these capability scopes (comma-separated)
          --think-time MODE  measured (default): the wall time between a response and the next
                             request is the agent's think time; zero: agent time is not counted
          --realtime[=SCALE] answer after the simulated latency times SCALE (default 1) of wall
                             time, for agents whose own timeouts should matter; measured think
                             time is divided by SCALE

        example (any MCP client):
          {"mcpServers": {"simrun": {"command": "simrun", "args": ["serve", "scenarios/crm-refund.json", "--seed", "7"]}}}

        """

    static func run(_ arguments: inout ArgumentList) async throws -> ExitCode {
        let seed = try RunCommand.parseSeed(try arguments.option("--seed") ?? "1")
        let trial = Int(try arguments.integer("--trial", range: 1...1_000_000) ?? 1)
        let tracePath = try arguments.option("--trace")
        let options = try EpisodeOptions.read(&arguments)
        let thinkTime = try arguments.choice("--think-time", ["measured", "zero"]) ?? "measured"
        var realtime: Double?
        if arguments.flag("--realtime") { realtime = 1 }
        if let scale = try arguments.option("--realtime") {
            guard let value = Double(scale), value > 0, value <= 1000 else {
                throw UsageError(
                    command: name, message: "--realtime takes a scale above 0 and at most 1000, not '\(scale)'")
            }
            realtime = value
        }
        let files = try arguments.positionals()
        guard files.count == 1, let file = files.first else {
            throw UsageError(
                command: name, message: files.isEmpty ? "missing the scenario FILE" : "give exactly one scenario FILE")
        }
        let (scenario, faults) = try options.load(file)
        let episode: Episode
        do throws(EpisodeError) {
            episode = try Episode(
                scenario: scenario, seed: seed, trial: trial, policy: options.policy, tracePath: tracePath,
                agent: .external,
                thinkTime: thinkTime == "zero" ? .zero : .measured, faults: faults)
        } catch {
            throw CommandFailure.badInput("simrun serve: \(error)")
        }
        var serverOptions = MCPServerOptions(
            thinkTime: thinkTime == "zero" ? .zero : .measured, realtimeScale: realtime)
        serverOptions.log = MCPServerOptions.standardErrorLog
        Terminal.error(
            "simrun serve: \(scenario.name), seed \(seed)\(trial > 1 ? ", trial \(trial)" : "") — MCP on stdio\n")
        await MCPServer.runStandardIO(session: EpisodeMCPSession(episode: episode), options: serverOptions)
        if let error = await episode.traceError {
            Terminal.error("simrun serve: the trace is incomplete: \(error)\n")
        }
        if let verdict = await episode.verdict {
            Terminal.error(
                "simrun serve: episode over — \(verdict.passed ? "passed" : "failed") (\(verdict.steps) steps)\n")
        }
        return .success
    }
}
