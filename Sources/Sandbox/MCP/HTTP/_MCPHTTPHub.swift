import Dispatch
import Foundation
import WorldModel

/// The MCP side of the Streamable HTTP transport: one episode (`session`), any number of MCP
/// sessions. Each `Mcp-Session-Id` has its own protocol state (a `_MCPDispatcher`); requests
/// without one share a sessionless dispatcher (the 2026-07-28 revision needs no session).
/// Requests are dispatched one at a time, whatever connection they came on, so the episode sees
/// one ordered sequence of calls; think time is measured across all sessions from the last
/// charged response, as on stdio. At most `MCPHTTPOptions.maxSessions` sessions stay open:
/// clients that open a session per call and never DELETE it would otherwise grow the table for
/// as long as the server runs, so opening one more closes the least recently used idle one.
final class _MCPHTTPHub<Session: MCPSession>: @unchecked Sendable {
    private let session: Session
    private let options: MCPServerOptions
    private let http: MCPHTTPOptions
    /// Held while a message is dispatched: the episode sees one call at a time. A semaphore, not
    /// a lock, because `close()` takes it on one thread and gives it back on another.
    private let dispatchLock = DispatchSemaphore(value: 1)
    /// Guards `sessions`, `baseline` and `waits`.
    private let stateLock = NSLock()
    private var sessions: [String: _DispatcherBox<Session>] = [:]
    private let sessionless: _DispatcherBox<Session>
    private var baseline: UInt64?
    /// `--realtime` holds in progress, by session and canonical request id; a
    /// `notifications/cancelled` for one ends its wait.
    private var waits: [String: DispatchSemaphore] = [:]
    private var sessionCounter = 0
    /// Counts requests to sessions: a session's `lastUse` is the count at its latest request.
    private var useCounter = 0
    private var connected = false

    /// Whether the server is bound to a loopback address, so that every request's `Host` must
    /// name the loopback interface (DNS-rebinding protection).
    private let checksHost: Bool

    init(session: Session, options: MCPServerOptions, http: MCPHTTPOptions, checksHost: Bool) {
        self.session = session
        self.options = options
        self.http = http
        self.checksHost = checksHost
        sessionless = _DispatcherBox(_MCPDispatcher(session: session, maxLineBytes: http.maxBodyBytes))
    }

    /// The response to one HTTP request (blocking: runs on a connection's thread).
    func respond(to request: _HTTPRequest) -> _HTTPResponse {
        if let origin = request.header("origin"), !http.allows(origin: origin) {
            log("refused a request from origin \(origin.printable) (403)")
            return .text(
                403,
                "origin \(origin) is not allowed: simrun serves browsers only from localhost origins "
                    + "(start it with --allow-origin ORIGIN to allow another)")
        }
        if checksHost {
            let host = request.header("host")
            if host == nil || !MCPHTTPAddress.isLoopbackHost(host!) {
                let shown = host.map { "Host \($0.printable)" } ?? "a request without a Host header"
                log("refused \(shown) (421): the server is bound to a loopback address")
                return .text(
                    421,
                    "\(shown) is not served: this server listens on a loopback address and answers only requests for "
                        + "localhost, 127.0.0.1 or [::1] (with or without the port), as a defence against DNS "
                        + "rebinding; to serve other hosts, listen on another address with --http HOST:PORT")
            }
        }
        guard request.path == MCPHTTPAddress.endpointPath else {
            return .text(
                404, "no such endpoint \(request.path.printable): the MCP endpoint is \(MCPHTTPAddress.endpointPath)")
        }
        if let version = request.header("mcp-protocol-version"),
            !(MCPProtocolVersion.handshake + MCPProtocolVersion.modern).contains(version)
        {
            let known = (MCPProtocolVersion.handshake + MCPProtocolVersion.modern).joined(separator: ", ")
            return .text(400, "unsupported MCP-Protocol-Version \(version.printable); this server speaks \(known)")
        }
        switch request.method {
        case "POST": return post(request)
        case "DELETE": return delete(request)
        case "GET":
            return .text(
                405,
                "this server sends no server-initiated messages: there is no GET stream; POST requests to "
                    + MCPHTTPAddress.endpointPath, headers: [("Allow", "POST, DELETE")])
        default:
            return .text(405, "method \(request.method.printable) is not served", headers: [("Allow", "POST, DELETE")])
        }
    }

    private func delete(_ request: _HTTPRequest) -> _HTTPResponse {
        guard let id = request.header("mcp-session-id") else {
            return .text(400, "DELETE needs the Mcp-Session-Id header of the session to end")
        }
        let removed = stateLock.withLock { sessions.removeValue(forKey: id) != nil }
        guard removed else { return Self.sessionNotFound(id) }
        log("session \(id) ended by the client (the episode goes on)")
        return _HTTPResponse(status: 200)
    }

    private func post(_ request: _HTTPRequest) -> _HTTPResponse {
        if stateLock.withLock({ () -> Bool in
            defer { connected = true }
            return !connected
        }) {
            http.onFirstMessage?()
        }
        let message = try? JSON(parsing: request.body)
        let method = message?["method"]?.stringValue
        let sessionID = request.header("mcp-session-id")
        let box: _DispatcherBox<Session>
        var newSessionID: String?
        if method == "initialize", message?["id"] != nil {
            box = _DispatcherBox(_MCPDispatcher(session: session, maxLineBytes: http.maxBodyBytes))
            newSessionID = stateLock.withLock {
                sessionCounter += 1
                return Self.newSessionID(counter: sessionCounter)
            }
        } else if let sessionID {
            guard
                let known = stateLock.withLock({ () -> _DispatcherBox<Session>? in
                    guard let known = sessions[sessionID] else { return nil }
                    useCounter += 1
                    known.lastUse = useCounter
                    known.inFlight += 1
                    return known
                })
            else {
                return Self.sessionNotFound(sessionID)
            }
            box = known
        } else {
            box = sessionless
        }
        defer { if sessionID != nil, newSessionID == nil { stateLock.withLock { box.inFlight -= 1 } } }
        let waitKey = "\(newSessionID ?? sessionID ?? "") \(message?["id"]?.canonicalText ?? "")"
        if method == "notifications/cancelled", let requestID = message?["params"]?["requestId"] {
            let key = "\(sessionID ?? "") \(requestID.canonicalText)"
            if let wait = stateLock.withLock({ waits[key] }) {
                log("request \(requestID.canonicalText) cancelled by the client: its --realtime wait ends now")
                wait.signal()
            }
        }

        dispatchLock.wait()
        let now = options.thinkTimeReading()
        let thinkTimeMs = stateLock.withLock {
            MCPServer.thinkTimeMs(since: baseline, now: now, scale: options.realtimeScale)
        }
        let reply = _blockingAwait { await box.dispatcher.handle(.line(request.body), thinkTimeMs: thinkTimeMs) }
        if let newSessionID, reply.message?["result"] != nil {
            let evicted = stateLock.withLock { () -> String? in
                useCounter += 1
                box.lastUse = useCounter
                sessions[newSessionID] = box
                return evictIfOverLimit()
            }
            log("session \(newSessionID) opened")
            if let evicted {
                log(
                    "session \(evicted) closed: \(http.maxSessions) sessions were open and it was the least recently "
                        + "used (its requests now get 404; the episode goes on)")
            }
        }
        dispatchLock.signal()
        if let line = reply.log { log(line) }
        guard let answer = reply.message else { return _HTTPResponse(status: 202) }

        if reply.charged, let scale = options.realtimeScale, scale > 0, let latency = reply.latencyMs {
            let seconds = min(latency * scale / 1000, 86_400)
            let wait = DispatchSemaphore(value: 0)
            stateLock.withLock { waits[waitKey] = wait }
            let cancelled = wait.wait(timeout: .now() + seconds) == .success
            _ = stateLock.withLock { waits.removeValue(forKey: waitKey) }
            if cancelled, let step = reply.step {
                // Recorded in dispatch order with the other sessions' calls.
                dispatchLock.wait()
                _blockingAwait { [session] in await session.cancelled(step: step) }
                dispatchLock.signal()
            }
        }
        if reply.charged || stateLock.withLock({ baseline == nil }) {
            let reading = options.thinkTimeReading()
            stateLock.withLock { baseline = reading }
        }
        var headers: [(String, String)] = []
        if let newSessionID, reply.message?["result"] != nil { headers.append(("Mcp-Session-Id", newSessionID)) }
        let status = message == nil ? 400 : 200
        let accept = request.header("accept")?.lowercased() ?? ""
        if accept.contains("text/event-stream"), !accept.contains("application/json") {
            let event = "event: message\ndata: \(answer.canonicalText)\n\n"
            return _HTTPResponse(
                status: status,
                headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")] + headers,
                body: Array(event.utf8))
        }
        return .json(status, answer, headers: headers)
    }

    /// Ends the episode once no message is being dispatched.
    func close() async {
        await _blockingAwaitDetached { [dispatchLock] in dispatchLock.wait() }
        await session.close()
        dispatchLock.signal()
    }

    /// Above `http.maxSessions` open sessions, removes the least recently used one that has no
    /// request in progress and returns its id (the caller holds `stateLock`). Use is counted in
    /// requests, not read from a clock, so which session goes depends only on the order of
    /// requests.
    private func evictIfOverLimit() -> String? {
        guard sessions.count > max(1, http.maxSessions) else { return nil }
        var oldest: (id: String, lastUse: Int)?
        for (id, box) in sessions where box.inFlight == 0 {
            if oldest == nil || box.lastUse < oldest!.lastUse { oldest = (id, box.lastUse) }
        }
        guard let oldest else { return nil }
        sessions.removeValue(forKey: oldest.id)
        return oldest.id
    }

    private func log(_ line: String) {
        options.log?(line)
    }

    private static func sessionNotFound(_ id: String) -> _HTTPResponse {
        .json(
            404,
            [
                "jsonrpc": "2.0", "id": .null,
                "error": [
                    "code": -32001,
                    "message": .string(
                        "session \(id.printable) not found (ended, or never opened): send initialize to start a new one"
                    ),
                ],
            ])
    }

    /// A session id no other session of this process had: a counter and 64 random bits, as
    /// visible ASCII. Session ids are never part of a trace.
    private static func newSessionID(counter: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = String(generator.next() as UInt64, radix: 16)
        return "s\(counter)-\(String(repeating: "0", count: 16 - random.count))\(random)"
    }
}

/// A dispatcher shared by the requests of one MCP session (guarded by the hub's dispatch lock).
final class _DispatcherBox<Session: MCPSession>: @unchecked Sendable {
    var dispatcher: _MCPDispatcher<Session>
    /// The hub's use count at the session's latest request (guarded by the hub's state lock).
    var lastUse = 0
    /// Requests of the session being handled now; a busy session is never evicted (state lock).
    var inFlight = 0

    init(_ dispatcher: _MCPDispatcher<Session>) {
        self.dispatcher = dispatcher
    }
}

/// Runs `body` on the concurrency pool and blocks the calling thread (a connection's own
/// thread, never a pool thread) until it returns.
func _blockingAwait<T>(_ body: @escaping @Sendable () async -> T) -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let result = _ResultBox<T>()
    Task {
        result.value = await body()
        semaphore.signal()
    }
    semaphore.wait()
    guard let value = result.value else { preconditionFailure("the awaited body returned no value") }
    return value
}

/// Runs blocking `body` on a thread outside the concurrency pool and awaits it.
func _blockingAwaitDetached(_ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        Thread.detachNewThread {
            body()
            continuation.resume()
        }
    }
}

private final class _ResultBox<T>: @unchecked Sendable {
    var value: T?
}
