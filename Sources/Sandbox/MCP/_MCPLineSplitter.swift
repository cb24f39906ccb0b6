import WorldModel

/// Splits a byte stream into newline-terminated lines with a bounded buffer: a line that
/// grows past the limit is counted and dropped rather than kept in memory.
struct _MCPLineSplitter {
    private var pending: [UInt8] = []
    private var start = 0
    /// Bytes of an oversized line dropped so far, while skipping to its newline.
    private var discarded: Int?

    /// Adds input bytes.
    mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start >= pending.count / 2 {
            pending.removeFirst(start)
            start = 0
        }
        pending.append(contentsOf: bytes)
    }

    /// Whether a complete line is already buffered (so `next` will not need more input).
    var hasCompleteLine: Bool {
        pending[start...].contains(UInt8(ascii: "\n"))
    }

    /// The next complete event, or `nil` if more input is needed.
    mutating func next(maxLineBytes: Int) -> MCPInputEvent? {
        let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n"))
        if let skipped = discarded {
            guard let newline else {
                discarded = skipped + (pending.count - start)
                pending.removeAll(keepingCapacity: true)
                start = 0
                return nil
            }
            discarded = nil
            let count = skipped + (newline - start)
            start = newline + 1
            return .oversized(byteCount: count)
        }
        guard let newline else {
            if pending.count - start > maxLineBytes {
                discarded = pending.count - start
                pending.removeAll(keepingCapacity: true)
                start = 0
            }
            return nil
        }
        let length = newline - start
        defer { start = newline + 1 }
        if length > maxLineBytes { return .oversized(byteCount: length) }
        return .line(Array(pending[start..<newline]))
    }

    /// At end of input: the unterminated last line, if any.
    mutating func finish(maxLineBytes: Int) -> MCPInputEvent? {
        if let skipped = discarded {
            discarded = nil
            let count = skipped + (pending.count - start)
            pending.removeAll()
            start = 0
            return .oversized(byteCount: count)
        }
        guard start < pending.count else { return nil }
        let rest = Array(pending[start...])
        pending.removeAll()
        start = 0
        return rest.count > maxLineBytes ? .oversized(byteCount: rest.count) : .line(rest)
    }
}
