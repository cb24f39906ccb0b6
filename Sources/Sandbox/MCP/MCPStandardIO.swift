import Dispatch

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
public final class MCPStandardInput: MCPInput, @unchecked Sendable {
    private let descriptor: Int32
    private var splitter = _MCPLineSplitter()
    private var finished = false
    private var buffer = [UInt8](repeating: 0, count: 64 << 10)

    /// Reads from `descriptor` (default 0, standard input).
    public init(descriptor: Int32 = 0) {
        self.descriptor = descriptor
    }

    /// See `MCPInput.next(maxLineBytes:)`. A read error counts as end of input.
    public func next(maxLineBytes: Int) async -> MCPInputEvent? {
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

/// Writes one message per line to a file descriptor (stdout by default), unbuffered:
/// every line is fully written with `write(2)` before `write(line:)` returns.
public final class MCPStandardOutput: MCPOutput, @unchecked Sendable {
    private let descriptor: Int32

    /// Writes to `descriptor` (default 1, standard output). Ignores `SIGPIPE` for the
    /// process, so a client that exits early cannot kill the server mid-write.
    public init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
        signal(SIGPIPE, SIG_IGN)
    }

    /// See `MCPOutput.write(line:)`. A closed pipe drops the line (the client is gone;
    /// EOF on input will end the server).
    public func write(line: [UInt8]) async {
        // Written in place: a message is at most a few megabytes and the reader is the client, so
        // a blocking write is brief; skipping a queue hop per message halves round-trip latency.
        var bytes = line
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { raw in
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
    }
}

/// `write(2)`, named apart from `MCPOutput.write(line:)`.
private func posixWrite(_ descriptor: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, pointer, count)
}
