import WorldModel

/// Why a file could not be read as a trace. Line numbers are 1-based.
public enum TraceReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read at all.
    case cannotRead(path: String, reason: String)
    /// The file is empty.
    case empty(path: String)
    /// The first line is not a simrun trace header (another kind of file).
    case notATrace(path: String, reason: String)
    /// The header names a trace format version this build does not read.
    case unsupportedVersion(path: String, found: Int, supported: Int)
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

    /// A message naming the file, the line and what was expected.
    public var description: String {
        switch self {
        case .cannotRead(let path, let reason):
            return "\(path): cannot read the trace: \(reason)"
        case .empty(let path):
            return "\(path): the file is empty, expected a simrun trace (JSON Lines starting with a header)"
        case .notATrace(let path, let reason):
            return "\(path): not a simrun trace: \(reason)"
        case .unsupportedVersion(let path, let found, let supported):
            return "\(path): trace format version \(found) is not supported; this simrun reads version \(supported)"
        case .missingHeader(let path, let line, let found):
            return "\(path): line \(line): expected the trace header first, found a \(found) record"
        case .malformedLine(let path, let line, let reason):
            return "\(path): line \(line): \(reason)"
        case .truncatedLastLine(let path, let line, let completeSteps):
            let steps = completeSteps == 1 ? "1 complete step" : "\(completeSteps) complete steps"
            return "\(path): line \(line) was cut short (the recording was probably interrupted by a crash"
                + " or kill); the trace has \(steps) before it and no verdict"
        case .stepOutOfOrder(let path, let line, let expected, let found):
            return "\(path): line \(line): step \(found) is out of order, expected step \(expected)"
        case .unexpectedRecord(let path, let line, let reason):
            return "\(path): line \(line): \(reason)"
        }
    }
}
