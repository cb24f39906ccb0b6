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
/// The trace is written beside its final name, to `PATH.partial` (`partialPath(for:)`), and
/// moved to `PATH` in one `rename` when `finish` writes the verdict: a file at `PATH` is
/// always a complete trace, an earlier trace there stays whole until the new one replaces it,
/// and an episode that is killed or abandoned (`close()`) leaves only the `.partial` file.
/// A path that names something other than a regular file (`/dev/stdout`, a FIFO, `/dev/full`)
/// is written directly. It is safe to use from several tasks: calls are serialized by a lock.
package final class TraceWriter: @unchecked Sendable {
    /// The trace's final path: where the complete trace is once the verdict is written.
    package let path: String
    /// The file being written: `partialPath(for: path)`, or `path` itself when it is not a
    /// regular file.
    package let writingPath: String
    private let lock = NSLock()
    private var descriptor: Int32
    private var length: Int64 = 0
    private var nextIndex = 1
    private var isClosed = false
    /// The line being encoded: one buffer reused for every line (under `lock`), so appending a
    /// step allocates nothing once the buffer has grown to the episode's longest line.
    private var lineBuffer: [UInt8] = []
    /// A buffer grown past this by an unusually long line is let go after it.
    private static let retainedBufferBytes = 1 << 20

    /// The file a trace for `path` is written to until its episode ends: `PATH.partial`.
    package static func partialPath(for path: String) -> String { path + ".partial" }

    /// Starts the trace for `path` (creating missing directories): creates or replaces
    /// `PATH.partial` and writes `header` to it.
    package init(path: String, header: TraceHeader) throws(TraceWriteError) {
        self.path = path
        var status = stat()
        let exists = stat(path, &status) == 0
        if exists, status.st_mode & S_IFMT == S_IFDIR {
            throw .cannotOpen(path: path, reason: "it is a directory")
        }
        writingPath = exists && status.st_mode & S_IFMT != S_IFREG ? path : Self.partialPath(for: path)
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            if let reason = TraceDirectoryLock.createDirectories(directory) {
                throw .cannotCreateDirectory(path: path, reason: reason)
            }
        }
        let descriptor = open(writingPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .cannotOpen(path: writingPath, reason: FileProblem(errno: errno).description)
        }
        self.descriptor = descriptor
        do {
            try writeRecord(.header(header))
        } catch {
            closeDescriptor()
            throw error
        }
    }

    deinit { closeDescriptor() }

    /// Writes a whole finished trace to `path` (through `PATH.partial`, as an episode would).
    package static func writeComplete(_ trace: Trace, to path: String) throws(TraceWriteError) {
        let writer = try TraceWriter(path: path, header: trace.header)
        defer { writer.close() }
        for record in trace.records.dropFirst() {
            switch record {
            case .header: preconditionFailure("a trace's records hold one header, first")
            case .step(let step): try writer.append(step)
            case .cancelled(let cancellation): try writer.appendCancellation(ofStep: cancellation.step)
            case .verdict(let verdict): try writer.finish(verdict)
            }
        }
    }

    /// The number of steps written so far.
    package var stepsWritten: Int {
        lock.lock()
        defer { lock.unlock() }
        return nextIndex - 1
    }

    /// Appends a step; its `index` must be one more than the previous step's (1 for the first).
    /// `directly` chooses the step's encoder: `TraceStep.writeCanonical(into:)` (the default) or
    /// the general path through `TraceStep.json` (the same bytes; an episode whose world runs
    /// without shortcuts, `WorldShortcuts.disabled`, takes it).
    package func append(_ step: TraceStep, directly: Bool = true) throws(TraceWriteError) {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { throw .closed(path: path) }
        guard step.index == nextIndex else {
            throw .stepOutOfOrder(path: path, expected: nextIndex, found: step.index)
        }
        try writeRecord(.step(step), directSteps: directly)
        nextIndex += 1
    }

    /// Appends a cancellation line (`{"type":"cancelled","step":N}`): the agent abandoned the
    /// answer to step `step`, which must have been written already.
    package func appendCancellation(ofStep step: Int) throws(TraceWriteError) {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { throw .closed(path: path) }
        precondition((1..<nextIndex).contains(step), "cancelled step \(step) was never written (\(nextIndex - 1) were)")
        try writeRecord(.cancelled(TraceCancellation(step: step)))
    }

    /// Appends the verdict line, closes the file and moves it to `path`.
    package func finish(_ verdict: Verdict) throws(TraceWriteError) {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { throw .closed(path: path) }
        do throws(TraceWriteError) {
            try writeRecord(.verdict(verdict))
        } catch {
            closeDescriptor()
            throw error
        }
        closeDescriptor()
        guard writingPath != path else { return }
        guard rename(writingPath, path) == 0 else {
            throw .cannotMoveIntoPlace(path: path, reason: FileProblem(errno: errno).description)
        }
    }

    /// Closes the file without a verdict (an episode abandoned part-way); it stays at
    /// `writingPath`, and nothing at `path` is replaced. Idempotent.
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

    /// Encodes `record` into the reused line buffer and writes it (`writeLine`).
    private func writeRecord(_ record: TraceRecord, directSteps: Bool = true) throws(TraceWriteError) {
        lineBuffer.removeAll(keepingCapacity: true)
        record.writeLine(into: &lineBuffer, directSteps: directSteps)
        defer { if lineBuffer.capacity > Self.retainedBufferBytes { lineBuffer = [] } }
        try writeLine(lineBuffer)
    }

    /// Writes all of `bytes`, retrying short writes; on failure truncates back to the last line.
    private func writeLine(_ bytes: [UInt8]) throws(TraceWriteError) {
        if let failure = Self.writeAll(bytes, to: descriptor) {
            _ = ftruncate(descriptor, off_t(length))
            _ = lseek(descriptor, off_t(length), SEEK_SET)
            throw .writeFailed(path: writingPath, reason: failure)
        }
        length += Int64(bytes.count)
    }

    /// Writes all of `bytes` to `descriptor`, retrying short and interrupted writes; returns
    /// why it failed, in words, or `nil`.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                if written == 0 { return "the device accepted no more bytes" }
                offset += written
            }
            return nil
        }
    }
}
