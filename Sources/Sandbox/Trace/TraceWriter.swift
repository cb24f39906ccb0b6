import Foundation
import Scenarios
import WorldModel

/// Writes a trace file line by line as an episode runs.
///
/// Each record goes to the file with one `write` as soon as it is appended — no buffering
/// across lines — so a crash or kill leaves a valid prefix that `Trace` can read (or
/// reports as cut short). If a write fails part-way, the writer cuts the file back to the
/// end of the last complete line, so the file never ends in a partial line because of an error.
///
/// The writer opens the final path directly and replaces any file already there (a new
/// episode's trace). It is safe to use from several tasks: calls are serialized by a lock.
package final class TraceWriter: @unchecked Sendable {
    /// The file being written.
    package let path: String
    private let lock = NSLock()
    private var descriptor: Int32
    private var length: Int64 = 0
    private var nextIndex = 1
    private var isClosed = false

    /// Creates or replaces the file at `path` (creating missing directories) and writes `header`.
    package init(path: String, header: TraceHeader) throws(TraceWriteError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateDirectory(path: path, reason: Self.reason(of: error))
            }
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        self.descriptor = descriptor
        do {
            try writeLine(TraceRecord.header(header).line)
        } catch {
            closeDescriptor()
            throw error
        }
    }

    deinit { closeDescriptor() }

    /// The number of steps written so far.
    package var stepsWritten: Int {
        lock.lock()
        defer { lock.unlock() }
        return nextIndex - 1
    }

    /// Appends a step; its `index` must be one more than the previous step's (1 for the first).
    package func append(_ step: TraceStep) throws(TraceWriteError) {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { throw .closed(path: path) }
        guard step.index == nextIndex else {
            throw .stepOutOfOrder(path: path, expected: nextIndex, found: step.index)
        }
        try writeLine(TraceRecord.step(step).line)
        nextIndex += 1
    }

    /// Appends the verdict line and closes the file.
    package func finish(_ verdict: Verdict) throws(TraceWriteError) {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { throw .closed(path: path) }
        defer { closeDescriptor() }
        try writeLine(TraceRecord.verdict(verdict).line)
    }

    /// Closes the file without a verdict (an episode abandoned part-way). Idempotent.
    package func close() {
        lock.lock()
        defer { lock.unlock() }
        closeDescriptor()
    }

    private func closeDescriptor() {
        guard !isClosed else { return }
        isClosed = true
        _ = Foundation.close(descriptor)
    }

    /// Writes all of `bytes`, retrying short writes; on failure truncates back to the last line.
    private func writeLine(_ bytes: [UInt8]) throws(TraceWriteError) {
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                if written == 0 {
                    failure = "the device accepted no more bytes"
                    return
                }
                offset += written
            }
        }
        if let failure {
            _ = ftruncate(descriptor, off_t(length))
            _ = lseek(descriptor, off_t(length), SEEK_SET)
            throw .writeFailed(path: path, reason: failure)
        }
        length += Int64(bytes.count)
    }

    private static func reason(of error: any Error) -> String {
        FileProblem(error).description
    }
}
