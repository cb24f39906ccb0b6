import Foundation
import Scenarios
import WorldModel

/// A server process started with its standard input and output connected to this process by
/// pipes: what `RecordingProxy` runs, and what the `record` benchmarks talk to.
///
/// It is started with `posix_spawn`, so that its signal mask is empty whichever thread starts
/// it (Foundation's `Process` passes on the starting thread's, and the threads of Swift's
/// concurrency pool block signals) and SIGPIPE has its default action; other signal
/// dispositions are inherited, as a shell would leave them.
package struct ServerProcess: Sendable {
    /// Why a server could not be started.
    package struct SpawnError: Error, Sendable, Hashable {
        /// Why, in words (`no such file`, `permission denied`).
        package var reason: String
    }

    /// The process id.
    package let pid: pid_t
    /// The write end of the server's standard input.
    package let input: Int32
    /// The read end of the server's standard output.
    package let output: Int32

    /// Starts `executable` (a path) with `arguments`; its standard error is this process's, or
    /// `/dev/null` when `quiet`.
    package init(executable: String, arguments: [String], quiet: Bool = false) throws(SpawnError) {
        var toServer: [Int32] = [0, 0]
        var fromServer: [Int32] = [0, 0]
        guard pipe(&toServer) == 0, pipe(&fromServer) == 0 else {
            throw SpawnError(reason: "cannot create pipes: \(FileProblem(errno: errno))")
        }
        // Only the duplicates on 0 and 1 may reach the server (a second write end of its input
        // would keep it from ever seeing end of input).
        for descriptor in toServer + fromServer { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toServer[0], STDIN_FILENO)
        posix_spawn_file_actions_adddup2(&actions, fromServer[1], STDOUT_FILENO)
        if quiet { posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0) }
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
            throw SpawnError(reason: FileProblem(errno: result).description)
        }
        self.pid = pid
        self.input = toServer[1]
        self.output = fromServer[0]
    }

    /// Waits for the server to end (retrying when interrupted) and returns its `waitpid` status.
    package func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return status
    }
}
