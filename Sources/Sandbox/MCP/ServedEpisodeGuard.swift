import Foundation
import WorldModel

/// What keeps one episode one episode when MCP clients start `simrun serve` more than once.
///
/// Several popular clients open a new server process for every call in their first documented
/// usage (LangChain's `MultiServerMCPClient.get_tools()`, LlamaIndex's `BasicMCPClient`, AutoGen's
/// `mcp_server_tools`). Over stdio every process is a new episode, so such a client would
/// overwrite its trace with each call and be scored on an empty episode. `simrun serve` therefore
/// refuses a trace path that already holds a trace, and records every start in a starts file
/// that `ExternalAgentRunner` counts: more than one start fails the built-in check
/// "one MCP session per episode". `simrun serve --http` is the cure: one process serves one
/// episode to any number of sessions.
package enum ServedEpisodeGuard {
    /// The name of the built-in check an external episode fails when its agent started the
    /// server more than once.
    package static let oneSessionCheckName = "one MCP session per episode"

    /// The clients known to open a server process per call, for messages.
    package static let perCallClients =
        "LangChain's MultiServerMCPClient.get_tools(), LlamaIndex's BasicMCPClient, AutoGen's mcp_server_tools"

    /// Throws when `tracePath` names a non-empty file: serving would overwrite an episode.
    package static func refuseOverwriting(tracePath: String) throws(ServedTraceExistsError) {
        var status = stat()
        guard stat(tracePath, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0 else { return }
        throw ServedTraceExistsError(path: tracePath)
    }

    /// Appends the line `start` to `path` (creating it), so a harness can count the servers an
    /// episode started. Returns a reason when the file cannot be written.
    package static func recordStart(in path: String) -> String? {
        append("start", to: path)
    }

    /// Appends the line `connected` to `path`: an HTTP server got its first MCP message, so the
    /// agent reached it.
    package static func recordConnection(in path: String) {
        _ = append("connected", to: path)
    }

    /// The number of starts recorded in `path` (0 when there is no such file).
    package static func startCount(in path: String) -> Int {
        lines(of: path).filter { $0 == "start" }.count
    }

    /// Whether a server recorded in `path` that an agent connected to it.
    package static func hasConnection(in path: String) -> Bool {
        lines(of: path).contains("connected")
    }

    private static func lines(of path: String) -> [Substring] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
    }

    private static func append(_ line: String, to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        let bytes = Array((line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        return written == bytes.count ? nil : String(cString: strerror(errno))
    }

    /// The evidence of the failed "one MCP session per episode" check.
    package static func sessionsEvidence(count: Int) -> String {
        "\(count) MCP sessions in one episode: the agent's MCP client started `simrun serve` \(count) times, and "
            + "over stdio each process is a new episode (clients that open a process per call: \(perCallClients)); "
            + "keep one session open for the whole episode, or use `simrun run --agent-cmd … --http`"
    }
}

/// `simrun serve --trace T` found a trace at T: another server of the same episode already
/// recorded there, most likely because the MCP client starts a server per call.
package struct ServedTraceExistsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The trace path that is not empty.
    package var path: String

    /// Creates the error for `path`.
    package init(path: String) {
        self.path = path
    }

    package var description: String {
        "\(path.printable) already holds a trace; simrun serve does not overwrite it. A second server on the same "
            + "trace usually means the MCP client starts a server process per call (\(ServedEpisodeGuard.perCallClients)), "
            + "which over stdio makes every call a new, empty episode. Serve over HTTP instead "
            + "(`simrun serve FILE --http 127.0.0.1:0`, or `simrun run --agent-cmd … --http`): one process is one "
            + "episode however many sessions a client opens. To record a new episode, remove the file or pick "
            + "another --trace path."
    }
}
