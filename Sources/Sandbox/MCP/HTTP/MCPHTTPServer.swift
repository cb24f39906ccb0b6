import Dispatch
import Foundation
import WorldModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The MCP Streamable HTTP transport (revisions 2025-03-26 to 2025-11-25) in front of one
/// `MCPSession`: a small HTTP/1.1 server on a socket, one endpoint (`/mcp`).
///
/// - `POST /mcp` with one JSON-RPC message: a request is answered with `application/json` (or
///   `text/event-stream` when the client accepts only that), a notification or response with
///   202. `initialize` opens an MCP session whose id comes back in `Mcp-Session-Id`; requests
///   naming an unknown session get 404, so the client starts a new one. `MCP-Protocol-Version`
///   is checked when sent (400 for a version this server does not speak).
/// - `DELETE /mcp` with `Mcp-Session-Id` ends that MCP session; `GET` answers 405 (the server
///   sends no server-initiated messages).
/// - A request whose `Origin` is not a localhost origin (or one allowed in `MCPHTTPOptions`) is
///   refused with 403, as the specification asks against DNS rebinding. On a loopback address,
///   a request whose `Host` is not `localhost`, `127.0.0.1` or `[::1]` (with or without the
///   port) is refused with 421, which stops a rebound DNS name that sends no `Origin`.
/// - Under `--realtime`, a `notifications/cancelled` naming a request whose answer is being
///   held ends the hold: the answer is sent at once (its HTTP exchange must be completed), and
///   the trace records the cancellation after the call's step.
/// - Malformed requests get 400 (oversized heads 431, bodies 413, chunked bodies 501) and the
///   server keeps serving; a request over the limits is never buffered whole.
///
/// **One process, one episode**: every MCP session and connection plays the same episode, so
/// clients that open a session per call play one episode. Messages are dispatched one at a
/// time in arrival order. The episode ends with `submit_answer`, or when `stop()` is called
/// (then `session.close()` ends it without an answer).
public final class MCPHTTPServer: @unchecked Sendable {
    /// The address actually bound (with the port the system chose for port 0).
    public let address: MCPHTTPAddress
    private let listener: Int32
    private let lock = NSLock()
    private var stopped = false
    private var connections = 0
    private var finished: CheckedContinuation<Void, Never>?
    private var stopRequested = false
    private var signalSources: [any DispatchSourceSignal] = []

    /// Binds and listens on `address` (a name is resolved; the first address that binds wins).
    public init(address: MCPHTTPAddress) throws(MCPHTTPError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
        #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard status == 0, let first = list else {
            throw MCPHTTPError(address: address.description, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address to bind"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        var bound: Int32 = -1
        while let info = candidate {
            candidate = info.pointee.ai_next
            let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard descriptor >= 0 else {
                lastError = String(cString: strerror(errno))
                continue
            }
            var one: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(descriptor, 64) == 0 {
                bound = descriptor
                break
            }
            lastError = String(cString: strerror(errno))
            close(descriptor)
        }
        guard bound >= 0 else { throw MCPHTTPError(address: address.description, reason: lastError) }
        _ = fcntl(bound, F_SETFD, FD_CLOEXEC)
        listener = bound
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let port = withUnsafeMutablePointer(to: &storage) { pointer -> Int in
            _ = pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(bound, $0, &length) }
            if Int32(pointer.pointee.ss_family) == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                Int(UInt16(bigEndian: $0.pointee.sin_port))
            }
        }
        self.address = MCPHTTPAddress(host: address.host, port: port)
    }

    /// The chosen port, for `--port-file`.
    public var port: Int { address.port }

    /// Serves `session` until `stop()`, then ends the episode (`session.close()`) once no
    /// message is being handled, and returns. `options` are the stdio server's (think time,
    /// `--realtime`, log); `http` the HTTP limits and allowed origins.
    public func serve(
        session: some MCPSession, options: MCPServerOptions = MCPServerOptions(),
        http: MCPHTTPOptions = MCPHTTPOptions()
    ) async {
        signal(SIGPIPE, SIG_IGN)
        let hub = _MCPHTTPHub(session: session, options: options, http: http, checksHost: address.isLoopback)
        let thread = Thread { [self] in acceptLoop(hub: hub, http: http) }
        thread.start()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let already = lock.withLock {
                finished = continuation
                return stopRequested
            }
            if already { continuation.resume() }
        }
        await hub.close()
        options.log?("stopped; the episode is over")
    }

    /// Stops accepting connections and makes `serve` end the episode and return. Safe to call
    /// from any thread (a signal handler's queue), more than once.
    public func stop() {
        let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
            guard !stopRequested else { return nil }
            stopRequested = true
            stopped = true
            let waiting = finished
            finished = nil
            return waiting
        }
        shutdown(listener, Int32(SHUT_RDWR))
        continuation?.resume()
    }

    /// Calls `stop()` when the process receives one of `signals` (e.g. `SIGINT`, `SIGTERM`), so
    /// `serve` ends the episode and returns instead of the process dying mid-trace.
    public func stop(onSignals signals: [Int32]) {
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.stop() }
            source.resume()
            return source
        }
        lock.withLock { signalSources += sources }
    }

    /// Writes the port to `path` (decimal, a newline) through a temporary file and a rename,
    /// so a harness polling for it never reads half a number.
    public func writePortFile(_ path: String) -> String? {
        let temporary = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data("\(port)\n".utf8)) else {
            return "cannot create \(temporary)"
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return reason
        }
        return nil
    }

    private func acceptLoop(hub: _MCPHTTPHub<some MCPSession>, http: MCPHTTPOptions) {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                if lock.withLock({ stopped }) { break }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    usleep(50_000)
                    continue
                }
                if errno == ECONNABORTED { continue }
                break
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let admitted = lock.withLock {
                guard connections < http.maxConnections else { return false }
                connections += 1
                return true
            }
            guard admitted else {
                let response = _HTTPResponse.text(503, "too many connections; retry")
                _Socket.send(client, response.serialized(keepAlive: false))
                close(client)
                continue
            }
            Thread.detachNewThread { [self] in
                _Socket.serve(connection: client, hub: hub, http: http)
                close(client)
                lock.withLock { connections -= 1 }
            }
        }
        close(listener)
    }
}

/// Blocking reads and writes on one connection.
enum _Socket {
    /// Reads requests from `connection` and answers them until the client closes, an idle
    /// timeout passes, a request asks to close, or a request is malformed.
    static func serve(connection: Int32, hub: _MCPHTTPHub<some MCPSession>, http: MCPHTTPOptions) {
        var timeout = timeval(tv_sec: max(1, http.idleTimeoutSeconds), tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var parser = _HTTPRequestParser(maxHeaderBytes: http.maxHeaderBytes, maxBodyBytes: http.maxBodyBytes)
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let request: _HTTPRequest?
            do throws(_HTTPRequestError) {
                request = try parser.next()
            } catch {
                send(connection, _HTTPResponse.text(error.status, error.message).serialized(keepAlive: false))
                drainBeforeClose(connection)
                return
            }
            if let request {
                let response = hub.respond(to: request)
                let keepAlive = request.keepsAlive
                guard send(connection, response.serialized(keepAlive: keepAlive)), keepAlive else { return }
                continue
            }
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                parser.append(buffer[0..<count])
            } else if count < 0, errno == EINTR {
                continue
            } else {
                if count < 0, errno == EAGAIN || errno == EWOULDBLOCK, parser.hasPendingBytes {
                    send(
                        connection,
                        _HTTPResponse.text(408, "the request was not completed in time").serialized(
                            keepAlive: false))
                }
                return
            }
        }
    }

    /// Ends the sending side and reads (briefly, boundedly) what the client still sends, so that
    /// closing does not reset the connection and destroy the error response before the client
    /// reads it (a close with unread input sends RST).
    static func drainBeforeClose(_ connection: Int32) {
        shutdown(connection, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var drained = 0
        while drained < 8 << 20 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            drained += count
        }
    }

    /// Writes all of `bytes`; `false` when the peer is gone.
    @discardableResult
    static func send(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return true }
            var offset = 0
            while offset < raw.count {
                #if canImport(Darwin)
                    let written = Darwin.send(connection, base + offset, raw.count - offset, 0)
                #else
                    let written = Glibc.send(connection, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #endif
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
