import Foundation
import Scenarios
import WorldModel

/// The recording file of one `simrun record` session: each line written whole with one
/// `write(2)` as it happens (a kill leaves complete lines), and never a reason to fail the
/// session: the first write that fails is reported through `log` and recording stops.
final class RecordingFile: @unchecked Sendable {
    private let path: String
    private let log: @Sendable (String) -> Void
    private var descriptor: Int32 = -1
    /// The session number this run records (one more than the last in an appended file).
    private(set) var session = 1

    /// Opens `path` for a new session: truncated, or with `append` added to (after dropping a
    /// last line cut short by an earlier kill). A file that cannot be opened, or that `append`
    /// finds is not a simrun recording, is reported and nothing is recorded.
    init(path: String, append: Bool, log: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.log = log
        var flags = O_WRONLY | O_CREAT | O_CLOEXEC
        if append {
            switch Self.existingSessions(path) {
            case .failure(let reason):
                log("simrun record: not recording this session: \(path.printable) \(reason.text)\n")
                return
            case .success(let (last, intactBytes, total)):
                session = last + 1
                if intactBytes < total {
                    log(
                        "simrun record: \(path.printable): dropping its last line, which was cut short "
                            + "(\(total - intactBytes) bytes), before appending\n")
                    guard truncate(path, off_t(intactBytes)) == 0 else {
                        log(
                            "simrun record: not recording: cannot truncate \(path.printable): \(FileProblem(errno: errno))\n"
                        )
                        return
                    }
                }
            }
            flags |= O_APPEND
        } else {
            flags |= O_TRUNC
        }
        descriptor = open(path, flags, 0o644)
        if descriptor < 0 {
            log("simrun record: not recording: cannot open \(path.printable): \(FileProblem(errno: errno))\n")
        }
    }

    deinit { close() }

    /// Writes `line` and a line feed; after a failure (reported once), does nothing.
    func write(_ line: RecordingLine) {
        guard descriptor >= 0 else { return }
        var bytes = line.json.canonicalBytes
        bytes.append(0x0A)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else {
                log(
                    "simrun record: cannot write the recording to \(path.printable): \(FileProblem(errno: errno)); "
                        + "relaying continues, unrecorded\n")
                close()
                return
            }
            offset += written
        }
    }

    /// Closes the file.
    func close() {
        if descriptor >= 0 { _ = Foundation.close(descriptor) }
        descriptor = -1
    }

    /// For `--append`: the last session number in the file (0 when it is empty or missing), the
    /// length of its complete lines, and its total length; or why it cannot be appended to.
    private static func existingSessions(_ path: String) -> Result<(Int, Int, Int), AppendRefusal> {
        let bytes: [UInt8]
        do throws(FileProblem) {
            bytes = try FileProblem.readBytes(atPath: path)
        } catch {
            if error == .noSuchFile { return .success((0, 0, 0)) }
            return .failure(AppendRefusal(text: "cannot be read: \(error)"))
        }
        let intact = (bytes.lastIndex(of: 0x0A).map { $0 + 1 }) ?? 0
        var last = 0
        var start = 0
        var number = 0
        while start < intact {
            let end = bytes[start..<intact].firstIndex(of: 0x0A) ?? intact
            number += 1
            let line = try? JSON(parsing: bytes[start..<end])
            if number == 1, line?["format"]?.stringValue != RecordingLine.format {
                return .failure(AppendRefusal(text: "is not a simrun recording (line 1 is no recording header)"))
            }
            if let session = line?["session"]?.int64Value { last = max(last, Int(clamping: session)) }
            start = end + 1
        }
        return .success((last, intact, bytes.count))
    }

    private struct AppendRefusal: Error {
        var text: String
    }
}
