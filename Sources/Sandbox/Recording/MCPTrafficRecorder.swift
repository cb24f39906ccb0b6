import WorldModel

/// Turns the JSON-RPC messages passing a proxy into recording lines: the pure part of
/// `simrun record`, with no I/O and no clock (callers pass the times).
///
/// Client requests `initialize`, `tools/list` and `tools/call` are remembered by id until the
/// server answers them; the answer yields the session's header (for `initialize`, or before any
/// other first line), a `tools` line, or a `call` line. Everything else (notifications,
/// server-to-client requests and their answers, other methods, lines that are not JSON) passes
/// unrecorded; batches are looked into element by element.
package struct MCPTrafficRecorder: Sendable {
    private struct Pending: Sendable {
        var method: String
        var params: JSON
        var atMs: Double
    }

    private var header: RecordingLine.Header
    private var headerWritten = false
    /// Client requests awaiting an answer, by the canonical text of their id, in arrival order.
    private var pending: [(id: String, rawID: JSON, request: Pending)] = []

    /// A recorder for session `header.session` of `header.server`.
    package init(header: RecordingLine.Header) {
        self.header = header
    }

    /// The lines a message from the client (one line of its output, without the line feed)
    /// yields: none, since a request is recorded when it is answered.
    package mutating func clientMessage(_ line: some Collection<UInt8>, atMs: Double) {
        guard let message = try? JSON(parsing: line) else { return }
        for element in message.arrayValue ?? [message] {
            guard let method = element["method"]?.stringValue, let id = element["id"], !id.isNull else { continue }
            guard method == "initialize" || method == "tools/list" || method == "tools/call" else { continue }
            let params = element["params"] ?? .null
            if header.protocolVersion == nil,
                let version = params["_meta"]?[MCPProtocolVersion.protocolVersionMetaKey]?.stringValue
            {
                header.protocolVersion = version
            }
            let key = id.canonicalText
            pending.removeAll { $0.id == key }
            pending.append((key, id, Pending(method: method, params: params, atMs: atMs)))
        }
    }

    /// The lines a message from the server (one line of its output, without the line feed)
    /// yields.
    package mutating func serverMessage(_ line: some Collection<UInt8>, atMs: Double) -> [RecordingLine] {
        guard let message = try? JSON(parsing: line) else { return [] }
        var lines: [RecordingLine] = []
        for element in message.arrayValue ?? [message] {
            // An answer has an id and no method (a method makes it a server-to-client request).
            guard element["method"] == nil, let id = element["id"] else { continue }
            let key = id.canonicalText
            guard let position = pending.firstIndex(where: { $0.id == key }) else { continue }
            let (_, rawID, request) = pending.remove(at: position)
            lines += answer(request, id: rawID, response: element, atMs: atMs)
        }
        return lines
    }

    /// The lines that end the session: a `call` line for every call left unanswered, and the
    /// header if nothing was written yet.
    package mutating func finish() -> [RecordingLine] {
        var lines = headerIfNeeded()
        for (_, id, request) in pending where request.method == "tools/call" {
            lines.append(.call(callLine(request, id: id, latencyMs: nil, result: nil, error: nil)))
        }
        pending.removeAll()
        return lines
    }

    private mutating func headerIfNeeded() -> [RecordingLine] {
        guard !headerWritten else { return [] }
        headerWritten = true
        return [.header(header)]
    }

    private mutating func answer(_ request: Pending, id: JSON, response: JSON, atMs: Double) -> [RecordingLine] {
        let result = response["result"]
        let latency = max(0, atMs - request.atMs)
        switch request.method {
        case "initialize":
            guard !headerWritten else { return [] }
            header.protocolVersion = result?["protocolVersion"]?.stringValue ?? header.protocolVersion
            header.clientInfo = request.params["clientInfo"]
            header.serverInfo = result?["serverInfo"]
            return headerIfNeeded()
        case "tools/list":
            guard let tools = result?["tools"]?.arrayValue else { return [] }
            return headerIfNeeded() + [.tools(session: header.session, atMs: atMs, tools: tools)]
        default:
            var kept: JSON?
            if let object = result?.objectValue {
                var members = JSONObject()
                for key in ["content", "structuredContent", "isError", "_meta"] {
                    if let value = object[key] { members[key] = value }
                }
                kept = .object(members)
            }
            // An answer with neither a result nor an error is recorded as an empty error.
            var error: JSON?
            if kept == nil {
                let answered = response["error"] ?? .null
                error = answered.isNull ? .object([:]) : answered
            }
            return headerIfNeeded() + [.call(callLine(request, id: id, latencyMs: latency, result: kept, error: error))]
        }
    }

    private func callLine(_ request: Pending, id: JSON, latencyMs: Double?, result: JSON?, error: JSON?)
        -> RecordingLine.Call
    {
        let given = request.params["arguments"] ?? .null
        let arguments: JSON = given.objectValue == nil ? .object([:]) : given
        return RecordingLine.Call(
            session: header.session, id: id, tool: request.params["name"]?.stringValue ?? "", arguments: arguments,
            atMs: request.atMs, latencyMs: latencyMs, result: result, error: error)
    }
}
