import Foundation
import Scenarios
import WorldModel

/// `simrun record`: an MCP stdio proxy that starts a real server, relays every byte both ways
/// unchanged, and records the traffic (`RecordingLine`) as it passes.
///
/// Standard input goes to the server's standard input and the server's standard output to
/// standard output, each read and written as it arrives with no reframing; the server's
/// standard error is its own (inherited). Bytes are relayed before they are recorded, and a
/// recording that cannot be written only stops the recording. Signals the proxy receives
/// (INT, TERM, HUP, QUIT, USR1, USR2) are sent on to the server; the proxy ends when the server
/// does and reports how it ended, so the caller can exit the same way.
package struct RecordingProxy: Sendable {
    /// How the server ended.
    package enum Exit: Sendable, Hashable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)
    }

    /// Why the server could not be started.
    package struct StartError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The command as given.
        package var command: String
        /// Why, in words.
        package var reason: String

        /// `cannot start the server 'foo': no such command on PATH`.
        package var description: String { "cannot start the server '\(command.printable)': \(reason)" }
    }

    /// The recording file.
    package var out: String
    /// Add a session to an existing recording instead of replacing it.
    package var append: Bool
    /// The server command (a path, or a name looked up on `PATH`).
    package var command: String
    /// Its arguments.
    package var arguments: [String]
    /// The service name the recording gives the server (default: the command's file name).
    package var name: String?
    /// Where the proxy's own messages go (the CLI: standard error).
    package var log: @Sendable (String) -> Void

    /// Creates a proxy.
    package init(
        out: String, append: Bool = false, command: String, arguments: [String], name: String? = nil,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.out = out
        self.append = append
        self.command = command
        self.arguments = arguments
        self.name = name
        self.log = log
    }

    /// The signals passed on to the server.
    package static let forwardedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]

    /// Starts the server, relays standard input and output until it ends, and returns how it
    /// ended. Blocks the calling thread.
    package func run() throws(StartError) -> Exit {
        let executable = try Self.resolve(command)
        let start = DispatchTime.now().uptimeNanoseconds
        let startedAt = Self.timestamp()
        let child: ServerProcess
        do throws(ServerProcess.SpawnError) {
            child = try ServerProcess(executable: executable, arguments: arguments)
        } catch {
            throw StartError(command: command, reason: error.reason)
        }
        _recordedServerPID = child.pid
        signal(SIGPIPE, SIG_IGN)
        for number in Self.forwardedSignals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                if _recordedServerPID > 0 { kill(_recordedServerPID, number) }
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }

        let file = RecordingFile(path: out, append: append, log: log)
        let server = RecordingLine.Server(
            name: name ?? String(command.split(separator: "/").last ?? Substring(command)), command: command,
            args: arguments)
        let state = _ProxyState(
            recorder: MCPTrafficRecorder(
                header: RecordingLine.Header(
                    session: file.session, recorder: "simrun \(SimrunVersion.current)", startedAt: startedAt,
                    server: server)),
            file: file)
        let elapsed: @Sendable () -> Double = {
            Double(DispatchTime.now().uptimeNanoseconds &- start) / 1_000_000
        }

        Thread.detachNewThread {
            // Requests are observed before they are relayed: otherwise the answer can reach the
            // other thread before its request is known, and the call is recorded unanswered.
            Self.relay(
                from: STDIN_FILENO, to: child.input, observeFirst: true, observe: { state.client($0, atMs: $1) },
                clock: elapsed)
            _ = close(child.input)
        }
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Self.relay(
                from: child.output, to: STDOUT_FILENO, observeFirst: false, observe: { state.server($0, atMs: $1) },
                clock: elapsed)
            // Once the client stops reading, the server's next write fails instead of blocking.
            _ = close(child.output)
            drained.signal()
        }
        let status = child.wait()
        // The server's last answers may still be in the pipe; a grandchild holding it open must
        // not keep the proxy alive, though.
        _ = drained.wait(timeout: .now() + 2)
        state.finish()
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS, which Swift does not import (they are macros).
        let signalNumber = status & 0x7F
        if signalNumber != 0, signalNumber != 0x7F { return .signalled(signalNumber) }
        return .exited((status >> 8) & 0xFF)
    }

    /// Copies `source` to `destination` as bytes arrive, handing each complete line (without
    /// its line feed) to `observe` with the time it was read: after relaying the bytes, or
    /// before when `observeFirst`. Stops at end of input or when the destination is gone.
    private static func relay(
        from source: Int32, to destination: Int32, observeFirst: Bool, observe: (ArraySlice<UInt8>, Double) -> Void,
        clock: () -> Double
    ) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var splitter = _MCPLineSplitter()
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            let at = clock()
            if !observeFirst, !writeAll(destination, buffer[0..<count]) { break }
            splitter.append(buffer[0..<count])
            while let event = splitter.next(maxLineBytes: maximumLineBytes) {
                if case .line(let line) = event { observe(line[...], at) }
            }
            if observeFirst, !writeAll(destination, buffer[0..<count]) { break }
        }
        if case .line(let line)? = splitter.finish(maxLineBytes: maximumLineBytes) { observe(line[...], clock()) }
    }

    /// Lines longer than this are relayed but not recorded.
    static let maximumLineBytes = 64 << 20

    private static func writeAll(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// The executable `command` names: a path as given, or the first match on `PATH`.
    static func resolve(_ command: String) throws(StartError) -> String {
        guard !command.isEmpty else { throw StartError(command: command, reason: "the command is empty") }
        let manager = FileManager.default
        if command.contains("/") {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: command, isDirectory: &isDirectory) else {
                throw StartError(command: command, reason: "no such file")
            }
            guard !isDirectory.boolValue, manager.isExecutableFile(atPath: command) else {
                throw StartError(command: command, reason: "not an executable file")
            }
            return command
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + command
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                manager.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        throw StartError(command: command, reason: "no such command on PATH")
    }

    /// The current wall-clock time, ISO 8601 in UTC with milliseconds (the recording's
    /// `started_at`: recordings are of real traffic, so wall time belongs in them).
    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }
}

/// The server the signal handler passes signals on to (a signal handler can capture nothing;
/// `kill` is async-signal-safe). Set once, before the handlers are installed.
nonisolated(unsafe) private var _recordedServerPID: pid_t = 0

/// The recorder and file the two relay threads share, behind a lock, so lines are written in
/// the order their messages were observed.
private final class _ProxyState: @unchecked Sendable {
    private let lock = NSLock()
    private var recorder: MCPTrafficRecorder
    private let file: RecordingFile

    init(recorder: MCPTrafficRecorder, file: RecordingFile) {
        self.recorder = recorder
        self.file = file
    }

    func client(_ line: ArraySlice<UInt8>, atMs: Double) {
        lock.withLock { recorder.clientMessage(line, atMs: atMs) }
    }

    func server(_ line: ArraySlice<UInt8>, atMs: Double) {
        lock.withLock {
            for output in recorder.serverMessage(line, atMs: atMs) { file.write(output) }
        }
    }

    func finish() {
        lock.withLock {
            for output in recorder.finish() { file.write(output) }
            file.close()
        }
    }
}
