import Foundation
import Scenarios

/// A run's claim on a trace directory, so that two runs never write traces into one directory
/// at the same time.
///
/// The claim is an exclusive `flock` on `DIR/.simrun.lock`, which also records the holder's
/// process id for the message another run gets. The kernel releases the lock when the holder
/// closes it or dies, so a lock file left behind by a killed run never blocks the next one.
final class TraceDirectoryLock: Sendable {
    /// The name of the lock file inside a trace directory.
    static let fileName = ".simrun.lock"

    /// The directory held.
    let directory: String
    private let descriptor: Int32

    /// Creates `directory` if needed and claims it; throws `.directoryInUse` when another open
    /// lock (in this or another process) holds it.
    init(directory: String) throws(TraceWriteError) {
        self.directory = directory
        if let reason = Self.createDirectories(directory) {
            throw .cannotCreateDirectory(path: directory, reason: reason)
        }
        let lockPath = directory + "/" + Self.fileName
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: lockPath, reason: FileProblem(errno: errno).description)
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.recordedPID(descriptor)
            _ = close(descriptor)
            throw .directoryInUse(path: directory, pid: holder)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        self.descriptor = descriptor
    }

    /// Releases the claim.
    deinit { _ = close(descriptor) }

    private static func recordedPID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Creates `path` and its missing parents; returns why it could not, in words, or `nil`.
    static func createDirectories(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            var status = stat()
            if stat(prefix, &status) == 0 {
                if status.st_mode & S_IFMT != S_IFDIR { return "'\(prefix)' is a file, not a directory" }
            } else if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                return "cannot create '\(prefix)': \(FileProblem(errno: errno))"
            }
            prefix += "/"
        }
        return nil
    }
}
