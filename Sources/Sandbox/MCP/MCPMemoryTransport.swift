import Foundation
import WorldModel

/// An `MCPInput` over bytes held in memory, delivered in the given chunks; for tests and
/// for embedding the server without processes. Framing and the line limit behave exactly
/// as on stdin.
public final class MCPMemoryInput: MCPInput, @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [[UInt8]]
    private var splitter = _MCPLineSplitter()
    private var finished = false

    /// Input made of raw chunks, delivered in order (a chunk may end mid-line).
    public init(chunks: [[UInt8]]) {
        self.chunks = chunks.reversed()
    }

    /// Input made of `lines`, each followed by a newline.
    public convenience init(lines: [String]) {
        self.init(chunks: lines.map { Array(($0 + "\n").utf8) })
    }

    /// See `MCPInput.next(maxLineBytes:)`.
    public func next(maxLineBytes: Int) async -> MCPInputEvent? {
        lock.withLock { nextLocked(maxLineBytes: maxLineBytes) }
    }

    private func nextLocked(maxLineBytes: Int) -> MCPInputEvent? {
        while true {
            if let event = splitter.next(maxLineBytes: maxLineBytes) { return event }
            guard let chunk = chunks.popLast() else {
                if finished { return nil }
                finished = true
                return splitter.finish(maxLineBytes: maxLineBytes)
            }
            splitter.append(chunk)
        }
    }
}

/// An `MCPOutput` that keeps every written line in memory.
public final class MCPMemoryOutput: MCPOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    /// An empty output.
    public init() {}

    /// The lines written so far, without newlines.
    public var lines: [String] {
        lock.withLock { storage }
    }

    /// See `MCPOutput.write(line:)`.
    public func write(line: [UInt8]) async {
        let text = String(decoding: line, as: UTF8.self)
        lock.withLock { storage.append(text) }
    }
}
