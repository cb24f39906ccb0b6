import WorldModel

/// Why a trace could not be written.
public enum TraceWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The trace's directory could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// The trace file could not be opened for writing.
    case cannotOpen(path: String, reason: String)
    /// Writing a line failed; the file still ends with the last complete line.
    case writeFailed(path: String, reason: String)
    /// A step's index is not the next one; nothing was written.
    case stepOutOfOrder(path: String, expected: Int, found: Int)
    /// The writer was already closed (after the verdict, or by `close()`).
    case closed(path: String)

    /// A message naming the file and what went wrong.
    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason):
            "\(path): cannot create the trace's directory: \(reason)"
        case .cannotOpen(let path, let reason):
            "\(path): cannot open the trace for writing: \(reason)"
        case .writeFailed(let path, let reason):
            "\(path): writing the trace failed (the file keeps every complete line before it): \(reason)"
        case .stepOutOfOrder(let path, let expected, let found):
            "\(path): step \(found) written out of order, expected step \(expected); nothing was written"
        case .closed(let path):
            "\(path): the trace is already closed"
        }
    }
}
