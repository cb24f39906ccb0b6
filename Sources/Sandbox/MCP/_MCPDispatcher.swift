import WorldModel

/// What the dispatcher decided for one input event.
struct _MCPReply {
    /// The response to write, or `nil` (notifications, blank lines, client responses).
    var message: JSON?
    /// Whether this was a tool call that consumed the agent's think time.
    var charged = false
    /// The simulated latency of a charged call, for `--realtime`.
    var latencyMs: Double?
    /// The trace step a charged call was recorded as (what a cancellation names).
    var step: Int?
    /// A diagnostic for the log.
    var log: String?
}

/// The protocol state machine: one input event in, at most one response out. All I/O,
/// clocks and sleeping stay in `MCPServer.run`.
///
/// Protocol eras (see `MCPProtocolVersion`). The connection starts undecided:
/// - `initialize` opens the handshake era at the negotiated version (the requested one if
///   it is a handshake version, else 2025-11-25).
/// - `server/discover` is answered in any state and changes nothing (discovery is
///   state-free, so a client whose probe fails can still fall back to `initialize`).
/// - A request whose `params._meta` carries `io.modelcontextprotocol/protocolVersion`
///   opens the 2026-07-28 era; its results carry `resultType: "complete"`, the serverInfo
///   stamp in `_meta`, and (for lists) `ttlMs: 0`, `cacheScope: "private"`.
/// - Any other request before either (except `ping`) is -32600. The spec defines no code
///   for this; the Python SDK answers -32602, LSP uses -32002. -32601 still wins for
///   methods that do not exist, so probing clients can tell "unknown" from "not yet".
/// - `initialize` on a 2026-07-28 connection is -32022 naming the served versions, and an
///   enveloped request on a handshake connection is -32600, as in the Python SDK 2.x.
struct _MCPDispatcher<Session: MCPSession> {
    private enum Era {
        case undecided
        case handshake(String)
        case modern
    }

    private let session: Session
    private let maxLineBytes: Int
    private var era = Era.undecided
    private var episodeOver = false
    private var cachedTools: [MCPToolDescriptor]?
    private var cachedServerInfo: JSON?

    private static var knownMethods: [String] {
        ["initialize", "ping", "server/discover", "tools/list", "tools/call", "prompts/list", "prompts/get"]
    }

    init(session: Session, maxLineBytes: Int) {
        self.session = session
        self.maxLineBytes = maxLineBytes
    }

    // MARK: Framing and JSON-RPC validation

    mutating func handle(_ event: MCPInputEvent, thinkTimeMs: Int64) async -> _MCPReply {
        let bytes: [UInt8]
        switch event {
        case .oversized(let count):
            return Self.failure(
                id: .null, MCPRPCError.invalidRequestCode,
                "message too large: \(count) bytes exceed the limit of \(maxLineBytes) bytes; it was skipped")
        case .line(let line):
            bytes = line
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return _MCPReply() }
        let value: JSON
        do {
            value = try JSON(parsing: bytes, limits: JSONParseLimits(maximumDepth: 256, maximumBytes: maxLineBytes))
        } catch {
            return Self.failure(id: .null, MCPRPCError.parseErrorCode, "parse error: \(error)")
        }
        guard case .object(let message) = value else {
            if case .array = value {
                return Self.failure(
                    id: .null, MCPRPCError.invalidRequestCode,
                    "JSON-RPC batches are not supported (MCP removed them in 2025-06-18): send one message object per line"
                )
            }
            return Self.failure(
                id: .null, MCPRPCError.invalidRequestCode,
                "expected a JSON-RPC message object, found \(value.typeName)")
        }
        let rawID = message["id"]
        let id: JSON? =
            switch rawID {
            case .string?, .number?: rawID
            default: nil
            }
        guard message["jsonrpc"] == .string("2.0") else {
            let found = message["jsonrpc"].map { $0.canonicalText } ?? "nothing"
            return Self.failure(
                id: id ?? .null, MCPRPCError.invalidRequestCode, "jsonrpc must be \"2.0\", found \(found)")
        }
        if message["method"] == nil, message["result"] != nil || message["error"] != nil {
            return _MCPReply(log: "ignored a response from the client (this server sends no requests)")
        }
        guard case .string(let method)? = message["method"] else {
            let found = message["method"]?.typeName ?? "nothing"
            return Self.failure(
                id: id ?? .null, MCPRPCError.invalidRequestCode, "method must be a string, found \(found)")
        }
        if let rawID, id == nil {
            return Self.failure(
                id: .null, MCPRPCError.invalidRequestCode,
                "id must be a string or a number, found \(rawID.typeName)")
        }
        let params = message["params"]
        guard let id else {
            return _MCPReply(log: "notification \(method) (no response)")
        }
        var paramsObject: JSONObject?
        switch params {
        case nil, .null?: paramsObject = nil
        case .object(let object)?: paramsObject = object
        case let other?:
            return Self.failure(
                id: id, MCPRPCError.invalidParamsCode, "params must be an object, found \(other.typeName)")
        }
        do {
            var reply = try await request(method: method, params: paramsObject, thinkTimeMs: thinkTimeMs)
            if let result = reply.message { reply.message = Self.response(id: id, result: result) }
            return reply
        } catch {
            return Self.failure(id: id, error)
        }
    }

    // MARK: Requests

    private mutating func request(method: String, params: JSONObject?, thinkTimeMs: Int64) async throws(MCPRPCError)
        -> _MCPReply
    {
        guard Self.knownMethods.contains(method) else {
            throw MCPRPCError(code: MCPRPCError.methodNotFoundCode, message: "method not found: '\(method)'")
        }
        if method == "initialize" { return _MCPReply(message: try await initialize(params)) }
        let modern = try checkEnvelope(method: method, params: params)
        switch method {
        case "ping":
            return _MCPReply(message: .object(JSONObject()))
        case "server/discover":
            return _MCPReply(message: try await discover())
        case "tools/list":
            var tools = await allTools().map(\.listing)
            tools.append(MCPServer.submitAnswerTool.listing)
            return _MCPReply(message: await decorate(["tools": .array(tools)], modern: modern, cacheable: true))
        case "tools/call":
            var reply = try await callTool(params, thinkTimeMs: thinkTimeMs)
            if case .object(let result)? = reply.message {
                reply.message = await decorate(result, modern: modern, cacheable: false)
            }
            return reply
        case "prompts/list":
            let prompt: JSON = [
                "name": .string(MCPServer.taskPromptName), "title": "Task",
                "description": "The task to accomplish in this episode.",
            ]
            return _MCPReply(message: await decorate(["prompts": [prompt]], modern: modern, cacheable: true))
        default:  // prompts/get
            guard case .string(let name)? = params?["name"] else {
                throw MCPRPCError(
                    code: MCPRPCError.invalidParamsCode,
                    message: "prompts/get needs params.name, the prompt name (a string)")
            }
            guard name == MCPServer.taskPromptName else {
                throw MCPRPCError(
                    code: MCPRPCError.invalidParamsCode,
                    message: "unknown prompt '\(name)'; this server has one prompt, '\(MCPServer.taskPromptName)'")
            }
            let instruction = await session.task()
            let result: JSONObject = [
                "description": "The task to accomplish in this episode.",
                "messages": [["role": "user", "content": ["type": "text", "text": .string(instruction)]]],
            ]
            return _MCPReply(message: await decorate(result, modern: modern, cacheable: false))
        }
    }

    /// Applies the era rules to a request other than `initialize`; returns whether it is a
    /// 2026-07-28 (enveloped) request.
    private mutating func checkEnvelope(method: String, params: JSONObject?) throws(MCPRPCError) -> Bool {
        let key = MCPProtocolVersion.protocolVersionMetaKey
        guard let envelope = params?["_meta"]?[key] else {
            if case .undecided = era, method != "ping", method != "server/discover" {
                throw MCPRPCError(
                    code: MCPRPCError.invalidRequestCode,
                    message: "\(method) before initialization: send initialize first (or, with protocol 2026-07-28, "
                        + "put \(key) in every request's params._meta)")
            }
            return false
        }
        if case .handshake(let version) = era {
            throw MCPRPCError(
                code: MCPRPCError.invalidRequestCode,
                message: "this connection was initialized with protocol \(version); requests carrying the "
                    + "2026-07-28 _meta envelope (\(key)) are not accepted on it")
        }
        guard case .string(let version) = envelope else {
            throw MCPRPCError(
                code: MCPRPCError.invalidParamsCode,
                message: "params._meta[\"\(key)\"] must be a string, found \(envelope.typeName)")
        }
        guard MCPProtocolVersion.modern.contains(version) else {
            throw MCPRPCError(
                code: MCPRPCError.unsupportedProtocolVersionCode, message: "unsupported protocol version '\(version)'",
                data: ["supported": .array(MCPProtocolVersion.modern.map(JSON.string)), "requested": .string(version)])
        }
        if method != "server/discover" { era = .modern }
        return true
    }

    private mutating func initialize(_ params: JSONObject?) async throws(MCPRPCError) -> JSON {
        guard case .string(let requested)? = params?["protocolVersion"] else {
            throw MCPRPCError(
                code: MCPRPCError.invalidParamsCode,
                message: "initialize needs params.protocolVersion, a protocol version string such as \"2025-06-18\"")
        }
        if case .modern = era {
            throw MCPRPCError(
                code: MCPRPCError.unsupportedProtocolVersionCode,
                message: "this connection serves protocol 2026-07-28; the initialize handshake is not accepted on it",
                data: [
                    "supported": .array(MCPProtocolVersion.modern.map(JSON.string)), "requested": .string(requested),
                ])
        }
        let version =
            MCPProtocolVersion.handshake.contains(requested) ? requested : MCPProtocolVersion.latestHandshake
        era = .handshake(version)
        return [
            "protocolVersion": .string(version),
            "capabilities": Self.capabilities,
            "serverInfo": await serverInfo(),
            "instructions": .string(await instructions()),
        ]
    }

    private mutating func discover() async throws(MCPRPCError) -> JSON {
        var result: JSONObject = [
            "supportedVersions": .array(MCPProtocolVersion.modern.map(JSON.string)),
            "capabilities": Self.capabilities,
            "serverInfo": await serverInfo(),
            "instructions": .string(await instructions()),
        ]
        result = (await decorate(result, modern: true, cacheable: true)).objectValue ?? result
        return .object(result)
    }

    private mutating func callTool(_ params: JSONObject?, thinkTimeMs: Int64) async throws(MCPRPCError) -> _MCPReply {
        guard case .string(let name)? = params?["name"] else {
            let found = params?["name"]?.typeName ?? "nothing"
            throw MCPRPCError(
                code: MCPRPCError.invalidParamsCode,
                message: "tools/call needs params.name, the tool name (a string); found \(found)")
        }
        var arguments = JSON.object(JSONObject())
        switch params?["arguments"] {
        case nil, .null?: break
        case .object(let object)?: arguments = .object(object)
        case let other?:
            throw MCPRPCError(
                code: MCPRPCError.invalidParamsCode,
                message: "tools/call params.arguments must be an object, found \(other.typeName)")
        }
        let tools = await allTools()
        let outcome: MCPToolOutcome
        if name == MCPServer.submitAnswerToolName {
            if episodeOver { return _MCPReply(message: Self.render(Self.episodeOverOutcome)) }
            if await session.isFinished() {
                episodeOver = true
                return _MCPReply(message: Self.render(Self.episodeOverOutcome))
            }
            guard case .string(let answer)? = arguments["answer"] else {
                let found = arguments["answer"]?.typeName ?? "nothing"
                let text = "arguments.answer: expected string, found \(found)"
                return _MCPReply(message: Self.render(MCPToolOutcome(text: text, isError: true)))
            }
            episodeOver = true
            outcome = await session.submitAnswer(answer, thinkTimeMs: thinkTimeMs)
        } else {
            guard tools.contains(where: { $0.name == name }) else {
                let known = (tools.map(\.name) + [MCPServer.submitAnswerToolName]).joined(separator: ", ")
                throw MCPRPCError(
                    code: MCPRPCError.invalidParamsCode, message: "unknown tool '\(name)'; known tools: \(known)")
            }
            if episodeOver { return _MCPReply(message: Self.render(Self.episodeOverOutcome)) }
            if await session.isFinished() {
                episodeOver = true
                return _MCPReply(message: Self.render(Self.episodeOverOutcome))
            }
            outcome = await session.call(tool: name, arguments: arguments, thinkTimeMs: thinkTimeMs)
            if outcome.endsEpisode { episodeOver = true }
        }
        return _MCPReply(message: Self.render(outcome), charged: true, latencyMs: outcome.latencyMs, step: outcome.step)
    }

    // MARK: Building results

    private mutating func allTools() async -> [MCPToolDescriptor] {
        if let cachedTools { return cachedTools }
        let tools = await session.tools().filter { $0.name != MCPServer.submitAnswerToolName }
        cachedTools = tools
        return tools
    }

    private mutating func serverInfo() async -> JSON {
        if let cachedServerInfo { return cachedServerInfo }
        let info: JSON = ["name": .string(await session.serverName), "version": .string(await session.serverVersion)]
        cachedServerInfo = info
        return info
    }

    /// Adds the 2026-07-28 result fields to a result of an enveloped request.
    private mutating func decorate(_ result: JSONObject, modern: Bool, cacheable: Bool) async -> JSON {
        guard modern else { return .object(result) }
        var result = result
        result["resultType"] = "complete"
        if cacheable {
            result["ttlMs"] = 0
            result["cacheScope"] = "private"
        }
        var meta = result["_meta"]?.objectValue ?? JSONObject()
        meta[MCPProtocolVersion.serverInfoMetaKey] = await serverInfo()
        result["_meta"] = .object(meta)
        return .object(result)
    }

    private static func render(_ outcome: MCPToolOutcome) -> JSON {
        var result: JSONObject = [
            "content": [["type": "text", "text": .string(outcome.text)]],
            "isError": .bool(outcome.isError),
        ]
        if let structured = outcome.structured { result["structuredContent"] = .object(structured) }
        if !outcome.meta.isEmpty { result["_meta"] = .object(outcome.meta) }
        return .object(result)
    }

    private static var episodeOverOutcome: MCPToolOutcome {
        MCPToolOutcome(
            text:
                "the episode is over: submit_answer was already called (or a tool that ends the episode answered), "
                + "so no more tool calls are accepted",
            isError: true)
    }

    private static var capabilities: JSON {
        ["tools": ["listChanged": false], "prompts": ["listChanged": false]]
    }

    /// The initialize result's `instructions`: the task itself (most clients show agents these
    /// and never the prompts), then how the episode ends.
    private func instructions() async -> String {
        let task = await session.task()
        return "Task: \(task)\n\nUse the tools to carry out the task, and finish by calling submit_answer with your "
            + "final answer (the task is also prompt 'task')."
    }

    // MARK: JSON-RPC envelopes

    private static func response(id: JSON, result: JSON) -> JSON {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    private static func failure(id: JSON, _ error: MCPRPCError) -> _MCPReply {
        _MCPReply(message: ["jsonrpc": "2.0", "id": id, "error": error.json], log: "error \(error)")
    }

    private static func failure(id: JSON, _ code: Int, _ message: String) -> _MCPReply {
        failure(id: id, MCPRPCError(code: code, message: message))
    }
}
