import WorldModel

/// One framed input message, or the fact that one was too long to accept.
public enum MCPInputEvent: Sendable, Hashable {
    /// A complete line without its terminating newline.
    case line([UInt8])
    /// A line longer than the limit; its bytes were skipped (the count excludes the newline).
    case oversized(byteCount: Int)
}

/// The server's input: newline-delimited messages. `MCPStandardInput` reads stdin;
/// `MCPMemoryInput` replays bytes for tests and embedding.
public protocol MCPInput: AnyObject, Sendable {
    /// Whether a complete message is already buffered, so `next` will return without waiting.
    var hasBufferedMessage: Bool { get }

    /// The next line, or `nil` at end of input. Lines longer than `maxLineBytes` must be
    /// skipped up to their newline without being buffered whole, and reported as `oversized`.
    func next(maxLineBytes: Int) async -> MCPInputEvent?
}

/// The server's output: one complete protocol message per call.
public protocol MCPOutput: AnyObject, Sendable {
    /// Sends everything written so far. The server flushes before it waits for input, so an
    /// output may buffer several answers to requests a client sent together.
    func flush() async

    /// Writes `line` followed by a newline and flushes it before returning.
    func write(line: [UInt8]) async
}

extension MCPOutput {
    /// Outputs that do not buffer have nothing to flush.
    public func flush() async {}
}

extension MCPInput {
    /// Inputs that cannot tell report nothing buffered, so every answer is flushed at once.
    public var hasBufferedMessage: Bool { false }
}
