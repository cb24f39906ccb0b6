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
        let child = try Self.spawn(executable, arguments: arguments, command: command)
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
            Self.relay(
                from: STDIN_FILENO, to: child.input, observe: { state.client($0, atMs: $1) }, clock: elapsed)
            _ = close(child.input)
        }
        let drained = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            Self.relay(
                from: child.output, to: STDOUT_FILENO, observe: { state.server($0, atMs: $1) }, clock: elapsed)
            drained.signal()
        }
        var status: Int32 = 0
        while waitpid(child.pid, &status, 0) < 0, errno == EINTR {}
        // The server's last answers may still be in the pipe; a grandchild holding it open must
        // not keep the proxy alive, though.
        _ = drained.wait(timeout: .now() + 2)
        state.finish()
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS, which Swift does not import (they are macros).
        let signalNumber = status & 0x7F
        if signalNumber != 0, signalNumber != 0x7F { return .signalled(signalNumber) }
        return .exited((status >> 8) & 0xFF)
    }

    /// A started server: its process id, the write end of its standard input and the read end
    /// of its standard output.
    private struct Child {
        var pid: pid_t
        var input: Int32
        var output: Int32
    }

    /// Starts the server with `posix_spawn`: its standard input and output are pipes to the
    /// proxy, its standard error is the proxy's, its signal mask is empty (whatever thread
    /// spawns it) and SIGPIPE has its default action; other dispositions are inherited.
    private static func spawn(_ executable: String, arguments: [String], command: String) throws(StartError) -> Child {
        var toServer: [Int32] = [0, 0]
        var fromServer: [Int32] = [0, 0]
        guard pipe(&toServer) == 0, pipe(&fromServer) == 0 else {
            throw StartError(command: command, reason: "cannot create pipes: \(FileProblem(errno: errno))")
        }
        // Only the duplicates on 0 and 1 may reach the server (or a second end would keep its
        // input open).
        for descriptor in toServer + fromServer { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toServer[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, fromServer[1], STDOUT_FILENO)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        _ = close(toServer[0])
        _ = close(fromServer[1])
        guard result == 0 else {
            _ = close(toServer[1])
            _ = close(fromServer[0])
            throw StartError(command: command, reason: FileProblem(errno: result).description)
        }
        return Child(pid: pid, input: toServer[1], output: fromServer[0])
    }

    /// Copies `source` to `destination` as bytes arrive, handing each complete line (without
    /// its line feed) to `observe` with the time it was read. Stops at end of input or when the
    /// destination is gone; input read after that is still observed, not written.
    private static func relay(
        from source: Int32, to destination: Int32, observe: (ArraySlice<UInt8>, Double) -> Void,
        clock: () -> Double
    ) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var splitter = _MCPLineSplitter()
        var open = true
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            let at = clock()
            if open { open = writeAll(destination, buffer[0..<count]) }
            guard open else { break }
            splitter.append(buffer[0..<count])
            while let event = splitter.next(maxLineBytes: maximumLineBytes) {
                if case .line(let line) = event { observe(line[...], at) }
            }
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
