import Foundation
import Scenarios
import WorldModel

/// A sweep's archive of passing episodes: their complete traces, one after another, in one
/// JSON Lines file, with an index naming where each episode's bytes are.
///
/// `ARCHIVE` (`DIR/<scenario>/passed.jsonl`) holds each archived episode's trace exactly as
/// `TraceWriter` would have written it to its own file (header, steps, verdict), in plan order
/// (seeds, then trials); `ARCHIVE` with `.jsonl` replaced by `.index.jsonl` holds one canonical
/// line per episode, `{"length":L,"offset":O,"seed":S,"trial":T}`, in the same order. One file
/// append costs a few microseconds where creating a file per episode costs hundreds.
package enum TraceArchive {
    /// The index beside `archivePath`: `passed.jsonl` → `passed.index.jsonl`.
    package static func indexPath(for archivePath: String) -> String {
        let stem = archivePath.hasSuffix(".jsonl") ? String(archivePath.dropLast(".jsonl".count)) : archivePath
        return stem + ".index.jsonl"
    }

    /// The replay command of an archived episode.
    package static func replayCommand(archive path: String, seed: UInt64, trial: Int) -> String {
        EpisodeSummary.replayCommand(forTrace: path) + " --seed \(seed) --trial \(trial)"
    }

    /// One index entry: an episode and its bytes' place in the archive.
    package struct Entry: Sendable, Hashable {
        /// The episode's master seed.
        package var seed: UInt64
        /// The trial, 1-based.
        package var trial: Int
        /// The byte offset of the episode's header line.
        package var offset: Int64
        /// The length in bytes of the episode's trace.
        package var length: Int64

        /// The canonical index line, with its line feed.
        var line: [UInt8] {
            let json = JSON.object([
                "seed": seed._recordJSON, "trial": .number(.integer(Int64(trial))),
                "offset": .number(.integer(offset)), "length": .number(.integer(length)),
            ])
            return json.canonicalBytes + [0x0A]
        }
    }

    /// Reads the trace of one episode (`seed`, `trial`) from the archive at `path`, through its
    /// index; the trace read must be of that episode.
    package static func trace(archive path: String, seed: UInt64, trial: Int) throws(TraceReadError) -> Trace {
        let indexPath = indexPath(for: path)
        let indexBytes: [UInt8]
        do throws(FileProblem) {
            indexBytes = try FileProblem.readBytes(atPath: indexPath)
        } catch {
            throw .notInArchive(path: path, reason: "cannot read its index \(indexPath.printable): \(error)")
        }
        var found: Entry?
        for (number, line) in indexBytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            guard let entry = try? Self.entry(parsing: line) else {
                throw .notInArchive(
                    path: path, reason: "\(indexPath.printable) line \(number + 1) is not an index entry")
            }
            if entry.seed == seed, entry.trial == trial { found = entry }
        }
        guard let entry = found else {
            throw .notInArchive(path: path, reason: "the archive holds no episode with seed \(seed) and trial \(trial)")
        }
        let bytes: [UInt8]
        do throws(FileProblem) {
            bytes = try readSlice(path, offset: entry.offset, length: entry.length)
        } catch {
            throw .cannotRead(path: path, reason: error.description)
        }
        let source = "\(path) (seed \(seed), trial \(trial))"
        let trace = try Trace(bytes: bytes, source: source)
        guard trace.header.seed == seed, trace.header.trial == trial, trace.verdict != nil else {
            throw .notInArchive(
                path: path, reason: "the index entry for seed \(seed), trial \(trial) points at another episode")
        }
        return trace
    }

    private static func entry(parsing line: ArraySlice<UInt8>) throws -> Entry {
        var reader = try _RecordReader(JSON(parsing: line), path: "")
        let entry = Entry(
            seed: try reader.uint64("seed"), trial: try reader.int("trial", minimum: 1),
            offset: try reader.int64("offset", minimum: 0), length: try reader.int64("length", minimum: 1))
        try reader.finish()
        return entry
    }

    private static func readSlice(_ path: String, offset: Int64, length: Int64) throws(FileProblem) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileProblem(errno: errno) }
        defer { _ = close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw count == 0 ? FileProblem(errno: EIO) : FileProblem(errno: errno) }
            done += count
        }
        return bytes
    }
}

/// Writes a sweep's archive and its index as episodes finish, in plan order whatever order they
/// finish in, so the files are byte-identical for any number of jobs.
///
/// Both files are written as `.partial` and moved into place by `finish` (the index first, then
/// the archive): a sweep that is killed leaves only `.partial` files, never an archive that
/// looks complete.
package final class TraceArchiveWriter: @unchecked Sendable {
    /// The archive's final path.
    package let path: String
    private let lock = NSLock()
    private var archive: Int32
    private var index: Int32
    private var offset: Int64 = 0
    private var next = 0
    private var pending: [Int: (seed: UInt64, trial: Int, bytes: [UInt8]?)] = [:]
    /// Whether a thread is writing ready episodes (outside the lock); only that thread touches
    /// the files, `offset` and `failure` until it clears this under the lock.
    private var draining = false
    private var failure: TraceWriteError?

    /// Creates (or replaces) `PATH.partial` and the index's `.partial`, creating missing
    /// directories.
    package init(path: String) throws(TraceWriteError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, let reason = TraceDirectoryLock.createDirectories(directory) {
            throw .cannotCreateDirectory(path: path, reason: reason)
        }
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
        archive = open(TraceWriter.partialPath(for: path), flags, 0o644)
        guard archive >= 0 else {
            throw .cannotOpen(path: TraceWriter.partialPath(for: path), reason: FileProblem(errno: errno).description)
        }
        let indexPartial = TraceWriter.partialPath(for: TraceArchive.indexPath(for: path))
        index = open(indexPartial, flags, 0o644)
        guard index >= 0 else {
            let reason = FileProblem(errno: errno).description
            _ = close(archive)
            throw .cannotOpen(path: indexPartial, reason: reason)
        }
    }

    deinit {
        _ = close(archive)
        _ = close(index)
    }

    /// Hands over job `position`'s result: the trace bytes to archive, or `nil` for an episode
    /// that is not archived. Every position from 0 must be submitted exactly once.
    ///
    /// The files are written outside the lock: the thread that finds no one writing takes the
    /// episodes that are next in order and writes them, again until none is ready, while other
    /// threads only hand theirs over and go on playing (a write under the lock kept the other
    /// job waiting on every episode). When every `submit` has returned, everything is written.
    package func submit(position: Int, seed: UInt64, trial: Int, bytes: [UInt8]?) {
        let writes = lock.withLock { () -> Bool in
            pending[position] = (seed, trial, bytes)
            guard !draining else { return false }
            draining = true
            return true
        }
        guard writes else { return }
        while true {
            let ready = lock.withLock { () -> [(seed: UInt64, trial: Int, bytes: [UInt8]?)] in
                var ready: [(seed: UInt64, trial: Int, bytes: [UInt8]?)] = []
                while let job = pending.removeValue(forKey: next) {
                    ready.append(job)
                    next += 1
                }
                if ready.isEmpty { draining = false }
                return ready
            }
            guard !ready.isEmpty else { return }
            for job in ready where failure == nil {
                if let bytes = job.bytes { append(job.seed, job.trial, bytes) }
            }
        }
    }

    /// Closes both files and moves them into place; returns the first failure (the files then
    /// stay `.partial`), or `nil` when everything was written.
    package func finish() -> TraceWriteError? {
        lock.withLock {
            precondition(pending.isEmpty && !draining, "an archive was finished with jobs out of order")
            _ = close(archive)
            _ = close(index)
            archive = -1
            index = -1
            if let failure { return failure }
            for target in [TraceArchive.indexPath(for: path), path]
            where rename(TraceWriter.partialPath(for: target), target) != 0 {
                return .cannotMoveIntoPlace(path: target, reason: FileProblem(errno: errno).description)
            }
            return nil
        }
    }

    private func append(_ seed: UInt64, _ trial: Int, _ bytes: [UInt8]) {
        let entry = TraceArchive.Entry(seed: seed, trial: trial, offset: offset, length: Int64(bytes.count))
        if let reason = TraceWriter.writeAll(bytes, to: archive) {
            failure = .writeFailed(path: TraceWriter.partialPath(for: path), reason: reason)
        } else if let reason = TraceWriter.writeAll(entry.line, to: index) {
            failure = .writeFailed(
                path: TraceWriter.partialPath(for: TraceArchive.indexPath(for: path)), reason: reason)
        } else {
            offset += Int64(bytes.count)
        }
    }
}
