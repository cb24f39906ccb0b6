import Foundation
import Sandbox
import WorldModel

/// `simrun serve`: one episode as an MCP stdio server.
enum ServeCommand: Command {
    static let name = "serve"
    static let abstract = "serve one episode of a scenario as an MCP server over stdio or Streamable HTTP"
    static let options = OptionTable(
        positionals: "FILE",
        options: [
            .value("--seed", "N", help: "the episode's seed (default 1)"),
            .integer(
                "--trial", "K", range: 1...1_000_000,
                help: "trial number; K > 1 draws another world from the seed (default 1)"),
            .value(
                "--trace", "FILE",
                help: "write the episode's trace to FILE (as FILE.partial until the episode ends); a FILE that "
                    + "already holds a trace is refused"),
            .value(
                "--http", "[HOST:]PORT",
                help: "serve MCP Streamable HTTP at http://HOST:PORT/mcp instead of stdio (HOST defaults to "
                    + "127.0.0.1; PORT 0 picks a free port); every session and connection plays the same episode, "
                    + "which ends with submit_answer or when the server is stopped (SIGINT, SIGTERM)"),
            .value("--port-file", "FILE", help: "with --http: write the port to FILE once the server listens"),
            .value(
                "--allow-origin", "LIST",
                help: "with --http: browser origins allowed besides localhost ones (comma-separated, e.g. "
                    + "https://studio.example.com); other Origin headers are refused with 403"),
            .integer(
                "--max-sessions", "N", range: 1...1_000_000,
                help: "with --http: MCP sessions kept open at once (default 1024); one more closes the least "
                    + "recently used idle session, whose client then gets 404 and opens a new one"),
            .value(
                "--starts-file", "FILE",
                help: "append a line to FILE when the server starts, so a harness can count the servers an episode "
                    + "started (simrun run --agent-cmd does)"),
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

        With --http, serves the MCP Streamable HTTP transport at one endpoint, /mcp (POST with JSON
        answers; Mcp-Session-Id; DELETE ends a session; GET answers 405), on 127.0.0.1 unless a
        HOST is given. One process is one episode however many sessions or connections a client
        opens, so clients that open a session per call (LangChain's get_tools(), LlamaIndex's
        BasicMCPClient, AutoGen's mcp_server_tools) play one episode. Requests from browser
        origins other than localhost are refused (403); on a loopback address (the default), so are
        requests whose Host is not localhost, 127.0.0.1 or [::1] (421), against DNS rebinding. At
        most --max-sessions MCP sessions stay open: clients that never end theirs with DELETE do
        not grow the server without bound.
        """

    static let epilogue = """
        exit status: 0 the episode was served (and recorded), 2 bad input or usage, 3 the trace
        could not be written completely

        example (any MCP client):
          {"mcpServers": {"simrun": {"transport": "stdio", "command": "simrun",
                                     "args": ["serve", "crm-refund", "--seed", "7"]}}}
          simrun serve crm-refund --seed 7 --trace t.jsonl --http 0 --port-file port &
          # then connect to http://127.0.0.1:$(cat port)/mcp; kill %1 ends the episode
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        let seed = try RunCommand.parseSeed(arguments.value("--seed") ?? "1")
        let trial = Int(arguments.integer("--trial") ?? 1)
        let tracePath = arguments.value("--trace")
        if let startsFile = arguments.value("--starts-file"),
            let reason = ServedEpisodeGuard.recordStart(in: startsFile)
        {
            throw CommandFailure.badInput(
                "simrun serve: cannot write the starts file \(startsFile.printable): \(reason)")
        }
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
        for option in ["--port-file", "--allow-origin", "--max-sessions"]
        where arguments.has(option) && !arguments.has("--http") {
            throw UsageError(command: name, message: "\(option) needs --http")
        }
        var httpOptions = MCPHTTPOptions()
        if let startsFile = arguments.value("--starts-file") {
            httpOptions.onFirstMessage = { ServedEpisodeGuard.recordConnection(in: startsFile) }
        }
        if let maxSessions = arguments.integer("--max-sessions") { httpOptions.maxSessions = Int(maxSessions) }
        if let list = arguments.value("--allow-origin") {
            httpOptions.allowedOrigins = list.split(separator: ",").map {
                String($0).trimmingCharacters(in: .whitespaces)
            }
        }
        var address: MCPHTTPAddress?
        if let text = arguments.value("--http") {
            guard let parsed = MCPHTTPAddress(parsing: text) else {
                throw UsageError(
                    command: name, message: "--http takes [HOST:]PORT (a port from 0 to 65535), not '\(text)'")
            }
            address = parsed
        }
        let scenario = try options.load(file)
        if let tracePath {
            do throws(ServedTraceExistsError) {
                try ServedEpisodeGuard.refuseOverwriting(tracePath: tracePath)
            } catch {
                throw CommandFailure.badInput("simrun serve: \(error)")
            }
        }
        var httpServer: MCPHTTPServer?
        if let address {
            do throws(MCPHTTPError) {
                httpServer = try MCPHTTPServer(address: address)
            } catch {
                throw CommandFailure.badInput("simrun serve: \(error)")
            }
        }
        // Before the port is announced: a harness that stops the server as soon as it reads the
        // port must still get a complete trace.
        httpServer?.stop(onSignals: [SIGINT, SIGTERM, SIGHUP])
        let portFile = httpServer == nil ? nil : arguments.value("--port-file")
        if let portFile, let reason = httpServer?.writePortFile(portFile) {
            throw CommandFailure.badInput("simrun serve: cannot write the port file \(portFile.printable): \(reason)")
        }
        let episode: Episode
        do throws(EpisodeError) {
            episode = try Episode(
                scenario: scenario, seed: seed, trial: trial, policy: options.policy, tracePath: tracePath,
                agent: .external, thinkTime: thinkTime, keepingSteps: .last(0))
        } catch {
            if let portFile { unlink(portFile) }
            guard case .trace(let traceError) = error else { throw CommandFailure.badInput("simrun serve: \(error)") }
            throw CommandFailure(
                code: traceError.isUnusablePath ? .badInput : .internalError, message: "simrun serve: \(error)")
        }
        var serverOptions = MCPServerOptions(thinkTime: thinkTime, realtimeScale: realtime)
        serverOptions.log = MCPServerOptions.standardErrorLog
        let title = "simrun serve: \(scenario.name), seed \(seed)\(trial > 1 ? ", trial \(trial)" : "")"
        if let server = httpServer {
            Terminal.error("\(title) — MCP Streamable HTTP at \(server.address.url)\n")
            await server.serve(session: EpisodeMCPSession(episode: episode), options: serverOptions, http: httpOptions)
        } else {
            Terminal.error("\(title) — MCP on stdio\n")
            await MCPServer.runStandardIO(session: EpisodeMCPSession(episode: episode), options: serverOptions)
        }
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
