import Foundation
import Sandbox
import WorldModel

/// `simrun record`: an MCP stdio proxy that records a real server's traffic; `--inspect` reads
/// recordings, traces and HAR files back.
enum RecordCommand: Command {
    static let name = "record"
    static let abstract = "record a real MCP server's traffic through a stdio proxy; --inspect reads recordings back"
    static let options = OptionTable(
        positionals: "[FILE…]",
        options: [
            .value("--out", "REC.jsonl", help: "the recording to write (replaced, unless --append)"),
            .flag("--append", help: "add this session to REC.jsonl instead of replacing it"),
            .value(
                "--name", "NAME",
                help: "the service name the recording gives the server (default: SERVER_CMD's file name)"),
            .flag(
                "--inspect",
                help: "instead of recording: read each FILE (a simrun recording, a simrun trace or a HAR 1.2 "
                    + "file) and print its tools and, per service, its calls"),
            .choice(
                "--format", "FORMAT", OutputFormat.allCases,
                help: "with --inspect: text (default), or json: a JSON array with each file's tools and "
                    + "calls (time, tool, arguments, outcome, status, latency, body)"),
        ],
        trailing: "SERVER_CMD [ARGS…]")

    static let about = """
        Two forms:
          simrun record --out REC.jsonl [--append] [--name NAME] -- SERVER_CMD [ARGS…]
          simrun record --inspect FILE… [--format text|json]

        Starts SERVER_CMD, an MCP server speaking JSON-RPC on standard input and output, and sits
        between it and the client: every byte passes both ways unchanged and in order
        (notifications and server-to-client requests too), and the server's standard error is
        its own. Meanwhile it writes REC.jsonl (JSON Lines, "format": "simrun-recording",
        version 1, one line flushed as each event happens, so a killed proxy leaves a valid
        prefix): a header per session (server command, protocol version), each tools/list
        answer, and one line per tools/call with its arguments, result (content,
        structuredContent, isError, _meta) or error, milliseconds since the session started
        and from request to answer. A recording that cannot be written is reported on
        standard error and the session goes on unrecorded. Signals (INT, TERM, HUP, QUIT, USR1,
        USR2) are passed to the server, and the proxy exits as the server did. See
        docs/recording.md.

        With --inspect, reads simrun recordings, simrun traces and HAR 1.2 files into the form
        that learning a world model reads (tools with input schemas; per service, the calls in
        time order with their outcome class: ok, client_error, server_error, timeout,
        rate_limited) and prints it.
        """

    static let epilogue = """
        exit status: the server's (a server killed by a signal ends the proxy with the same
        signal); 2 when the server cannot be started or on usage errors; with --inspect, 0, or 2
        when a file cannot be read (the file, line or JSON path, what was expected and found)

        example (an mcpServers entry, the server's own command after --):
          {"mcpServers": {"git": {"command": "simrun",
            "args": ["record", "--out", "git.jsonl", "--append", "--name", "git", "--", "uvx", "mcp-server-git"]}}}
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        if arguments.flag("--inspect") {
            return try inspect(arguments)
        }
        for option in ["--format"] where arguments.has(option) {
            throw UsageError(command: name, message: "\(option) goes with --inspect")
        }
        guard arguments.positionals.isEmpty else {
            throw UsageError(
                command: name,
                message: "unexpected '\(arguments.positionals[0].printable)': the server command goes after '--' "
                    + "(or read files with --inspect)")
        }
        guard let out = arguments.value("--out") else {
            throw UsageError(command: name, message: "missing --out REC.jsonl")
        }
        guard let server = arguments.trailing, let command = server.first else {
            throw UsageError(command: name, message: "missing the server command after '--'")
        }
        let proxy = RecordingProxy(
            out: out, append: arguments.flag("--append"), command: command, arguments: Array(server.dropFirst()),
            name: arguments.value("--name"), log: { Terminal.error($0) })
        let exit: RecordingProxy.Exit
        do throws(RecordingProxy.StartError) {
            exit = try proxy.run()
        } catch {
            throw CommandFailure.badInput("simrun record: \(error)")
        }
        // The proxy ends as the server did, whatever its status (not only simrun's own codes).
        switch exit {
        case .exited(let status):
            Foundation.exit(status)
        case .signalled(let number):
            signal(number, SIG_DFL)
            kill(getpid(), number)
            Foundation.exit(128 + number)
        }
    }

    private static func inspect(_ arguments: ParsedArguments) throws -> ExitCode {
        for option in ["--out", "--append", "--name"] where arguments.has(option) {
            throw UsageError(command: name, message: "--inspect reads files; \(option) is for recording")
        }
        guard arguments.trailing == nil else {
            throw UsageError(command: name, message: "--inspect reads files; it starts no server command")
        }
        guard !arguments.positionals.isEmpty else {
            throw UsageError(command: name, message: "--inspect needs at least one FILE")
        }
        var read: [RecordedTraffic] = []
        for file in arguments.positionals {
            do throws(TrafficReadError) {
                read.append(try RecordedTraffic(contentsOfFile: file))
            } catch {
                throw CommandFailure.badInput("simrun record: \(error)")
            }
        }
        if arguments.choice("--format", as: OutputFormat.self) == .json {
            Terminal.out(JSON.array(read.map(\.json)).canonicalText + "\n")
        } else {
            Terminal.out(read.map(\.summary).joined(separator: "\n"))
        }
        return .success
    }
}
