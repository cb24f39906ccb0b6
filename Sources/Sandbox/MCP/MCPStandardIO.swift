import Dispatch
import WorldModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads newline-delimited messages from a file descriptor (stdin by default).
///
/// `read(2)` runs in place on the calling task's thread: a stdio server answers one message
/// at a time and has nothing else to do while it waits, and a hop through a queue per message
/// doubled the round-trip latency. Use one reader from one task at a time.
package final class MCPStandardInput: MCPInput, @unchecked Sendable {
    private let descriptor: Int32
    private var splitter = _MCPLineSplitter()
    private var finished = false
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)

    /// Reads from `descriptor` (default 0, standard input).
    package init(descriptor: Int32 = 0) {
        self.descriptor = descriptor
    }

    /// Whether a complete line is buffered already.
    package var hasBufferedMessage: Bool { splitter.hasCompleteLine }

    /// See `MCPInput.next(maxLineBytes:)`. A read error counts as end of input.
    package func next(maxLineBytes: Int) async -> MCPInputEvent? {
        // The server handles one message at a time and has nothing else to do while it waits
        // for the next, so a line already buffered is returned at once and otherwise the read
        // happens in place; a hop through a queue per message doubled the round-trip latency.
        readEvent(maxLineBytes: maxLineBytes)
    }

    private func readEvent(maxLineBytes: Int) -> MCPInputEvent? {
        while true {
            if let event = splitter.next(maxLineBytes: maxLineBytes) { return event }
            if finished { return nil }
            let count = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress, raw.count)
            }
            if count > 0 {
                splitter.append(buffer[0..<count])
            } else if count < 0, errno == EINTR {
                continue
            } else {
                finished = true
                return splitter.finish(maxLineBytes: maxLineBytes)
            }
        }
    }
}

/// Writes one message per line to a file descriptor (stdout by default). Lines are buffered
/// until `flush()`, which the server calls before it waits for input, so the answers to requests
/// a client sent together leave in one `write(2)`; the buffer is flushed early past 64 KiB.
package final class MCPStandardOutput: MCPOutput, @unchecked Sendable {
    private let descriptor: Int32
    // Touched only by the server's one task, one call at a time.
    private var buffer: [UInt8] = []

    /// Writes to `descriptor` (default 1, standard output). Ignores `SIGPIPE` for the
    /// process, so a client that exits early cannot kill the server mid-write.
    package init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
        signal(SIGPIPE, SIG_IGN)
    }

    /// See `MCPOutput.write(line:)`.
    package func write(line: [UInt8]) async {
        buffer.append(contentsOf: line)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 64 << 10 { await flush() }
    }

    /// Writes out everything buffered, in place (the reader is the client, so a blocking write is
    /// brief). A closed pipe drops the output: the client is gone, and end of input will end
    /// the server.
    package func flush() async {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let written = posixWrite(descriptor, base + offset, raw.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// `write(2)`, named apart from `MCPOutput.write(line:)`.
private func posixWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}
