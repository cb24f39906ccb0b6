import WorldModel

/// Why a file could not be read as a trace. Line numbers are 1-based.
public enum TraceReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read at all.
    case cannotRead(path: String, reason: String)
    /// The file is empty.
    case empty(path: String)
    /// The first line is not a simrun trace header (another kind of file).
    case notATrace(path: String, reason: String)
    /// The header names a trace format version this build does not read (`found` as written,
    /// which may be too large for any integer type).
    case unsupportedVersion(path: String, found: String, supported: Int)
    /// The first record is a step or verdict: the header line is missing.
    case missingHeader(path: String, line: Int, found: String)
    /// A line is not valid JSON or not a valid record.
    case malformedLine(path: String, line: Int, reason: String)
    /// The last line was cut short (no line end and not complete JSON), e.g. by a crash or kill
    /// while the episode was being recorded. `completeSteps` steps before it are intact.
    case truncatedLastLine(path: String, line: Int, completeSteps: Int)
    /// A step's index is not one more than the previous step's.
    case stepOutOfOrder(path: String, line: Int, expected: Int, found: Int)
    /// A record where it cannot be: a second header, or anything after the verdict.
    case unexpectedRecord(path: String, line: Int, reason: String)
    /// A sweep archive (`TraceArchive`) does not hold the episode asked for, or its index is
    /// missing or unreadable.
    case notInArchive(path: String, reason: String)

    /// A message naming the file, the line and what was expected. Control characters in the
    /// path are escaped.
    public var description: String {
        "\(path.printable): \(problem)"
    }

    /// The file the error is about.
    package var path: String {
        switch self {
        case .cannotRead(let path, _), .empty(let path), .notATrace(let path, _), .unsupportedVersion(let path, _, _),
            .missingHeader(let path, _, _), .malformedLine(let path, _, _), .truncatedLastLine(let path, _, _),
            .stepOutOfOrder(let path, _, _, _), .unexpectedRecord(let path, _, _), .notInArchive(let path, _):
            return path
        }
    }

    /// The message without the path, for callers that print the path themselves.
    package var problem: String {
        switch self {
        case .cannotRead(_, let reason):
            return "cannot read the trace: \(reason)"
        case .empty:
            return "the file is empty, expected a simrun trace (JSON Lines starting with a header)"
        case .notATrace(_, let reason):
            return "not a simrun trace: \(reason)"
        case .unsupportedVersion(_, let found, let supported):
            let hint =
                switch found {
                case "1":
                    " (version 1 hashed the whole state, version 3 hashes digests kept up to date on write:"
                        + " record the episode again)"
                case "2":
                    " (version 2 hashed a JSON document of the state's digests and the services' configuration,"
                        + " version 3 hashes the digests and the few values a step changes: record the episode again)"
                default: ""
                }
            return "trace format version \(found) is not supported; this simrun reads version \(supported)\(hint)"
        case .missingHeader(_, let line, let found):
            return "line \(line): expected the trace header first, found a \(found) record"
        case .malformedLine(_, let line, let reason):
            return "line \(line): \(reason)"
        case .truncatedLastLine(_, let line, let completeSteps):
            let steps = completeSteps == 1 ? "1 complete step" : "\(completeSteps) complete steps"
            return "line \(line) was cut short (the recording was probably interrupted by a crash"
                + " or kill); the trace has \(steps) before it and no verdict"
        case .stepOutOfOrder(_, let line, let expected, let found):
            return "line \(line): step \(found) is out of order, expected step \(expected)"
        case .unexpectedRecord(_, let line, let reason):
            return "line \(line): \(reason)"
        case .notInArchive(_, let reason):
            return "sweep archive: \(reason)"
        }
    }
}
