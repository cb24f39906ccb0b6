import WorldModel

/// One line of a simrun recording (JSON Lines, `"format": "simrun-recording"`, version 1): the
/// one spelling both `MCPTrafficRecorder` writes and `RecordedTraffic` reads.
///
/// Every line carries `type` and `session` (a proxy run; `--append` adds sessions to a file):
/// - `header`: `{"type":"header","format":"simrun-recording","version":1,"session":1,
///   "recorder":"simrun 0.1.0","started_at":"2026-…Z","server":{"name","command","args"},
///   "protocol_version":"2025-06-18"|null,"client_info":{…}|null,"server_info":{…}|null}`,
///   written when the `initialize` answer passes (or before the first other line);
/// - `tools`: `{"type":"tools","session":1,"at_ms":3.2,"tools":[…]}`, one per `tools/list` answer;
/// - `call`: `{"type":"call","session":1,"id":7,"tool":"…","arguments":{…},"at_ms":9.1,
///   "latency_ms":2.4,"result":{"content":[…],"structuredContent":…,"isError":false,"_meta":…},
///   "error":null}`, written when the answer passes; `error` holds a JSON-RPC error instead of a
///   result; a call still unanswered when the session ends has `latency_ms`, `result` and
///   `error` all null.
/// Times are wall-clock milliseconds since the session started, to the microsecond.
package enum RecordingLine: Sendable, Hashable {
    /// The value of the header's `format` member.
    package static let format = "simrun-recording"
    /// The recording format version this build writes and reads.
    package static let currentVersion = 1

    /// The server a session recorded.
    package struct Server: Sendable, Hashable {
        /// The service name learning gives it (default: the command's file name).
        package var name: String
        /// The command as given.
        package var command: String
        /// Its arguments.
        package var args: [String]

        /// Creates a server description.
        package init(name: String, command: String, args: [String]) {
            self.name = name
            self.command = command
            self.args = args
        }
    }

    /// The first line of a session.
    package struct Header: Sendable, Hashable {
        /// The session number (1 for a new file, one more than the last for `--append`).
        package var session: Int
        /// `simrun <version>`.
        package var recorder: String
        /// The wall-clock start, ISO 8601 in UTC.
        package var startedAt: String
        /// The recorded server.
        package var server: Server
        /// The negotiated MCP protocol version, if the session negotiated one.
        package var protocolVersion: String?
        /// The client's `clientInfo`, if sent.
        package var clientInfo: JSON?
        /// The server's `serverInfo`, if sent.
        package var serverInfo: JSON?

        /// Creates a header.
        package init(
            session: Int, recorder: String, startedAt: String, server: Server, protocolVersion: String? = nil,
            clientInfo: JSON? = nil, serverInfo: JSON? = nil
        ) {
            self.session = session
            self.recorder = recorder
            self.startedAt = startedAt
            self.server = server
            self.protocolVersion = protocolVersion
            self.clientInfo = clientInfo
            self.serverInfo = serverInfo
        }
    }

    /// One `tools/call` and its answer.
    package struct Call: Sendable, Hashable {
        /// The session.
        package var session: Int
        /// The JSON-RPC request id.
        package var id: JSON
        /// The tool called (`params.name`).
        package var tool: String
        /// `params.arguments` (an empty object when absent).
        package var arguments: JSON
        /// Milliseconds from the session's start to the request.
        package var atMs: Double
        /// Milliseconds from the request to the answer; `nil` when unanswered.
        package var latencyMs: Double?
        /// The result's `content`, `structuredContent`, `isError` and `_meta` members.
        package var result: JSON?
        /// The JSON-RPC error answered instead of a result.
        package var error: JSON?

        /// Creates a call line.
        package init(
            session: Int, id: JSON, tool: String, arguments: JSON, atMs: Double, latencyMs: Double?, result: JSON?,
            error: JSON?
        ) {
            self.session = session
            self.id = id
            self.tool = tool
            self.arguments = arguments
            self.atMs = atMs
            self.latencyMs = latencyMs
            self.result = result
            self.error = error
        }
    }

    /// A session's header.
    case header(Header)
    /// A `tools/list` answer's tools.
    case tools(session: Int, atMs: Double, tools: [JSON])
    /// A tool call.
    case call(Call)

    /// The session the line belongs to.
    package var session: Int {
        switch self {
        case .header(let header): header.session
        case .tools(let session, _, _): session
        case .call(let call): call.session
        }
    }

    /// Milliseconds rounded to the microsecond, so lines stay short and read back exactly.
    package static func milliseconds(_ value: Double) -> JSON {
        .double((value * 1000).rounded() / 1000)
    }

    /// The JSON form.
    package var json: JSON {
        switch self {
        case .header(let header):
            return [
                "type": "header",
                "format": .string(Self.format),
                "version": .int(Self.currentVersion),
                "session": .int(header.session),
                "recorder": .string(header.recorder),
                "started_at": .string(header.startedAt),
                "server": [
                    "name": .string(header.server.name),
                    "command": .string(header.server.command),
                    "args": .array(header.server.args.map(JSON.string)),
                ],
                "protocol_version": header.protocolVersion.map(JSON.string) ?? .null,
                "client_info": header.clientInfo ?? .null,
                "server_info": header.serverInfo ?? .null,
            ]
        case .tools(let session, let atMs, let tools):
            return [
                "type": "tools", "session": .int(session), "at_ms": Self.milliseconds(atMs), "tools": .array(tools),
            ]
        case .call(let call):
            return [
                "type": "call",
                "session": .int(call.session),
                "id": call.id,
                "tool": .string(call.tool),
                "arguments": call.arguments,
                "at_ms": Self.milliseconds(call.atMs),
                "latency_ms": call.latencyMs.map(Self.milliseconds) ?? .null,
                "result": call.result ?? .null,
                "error": call.error ?? .null,
            ]
        }
    }

    /// Decodes a line (after its header's `format` and `version` were checked by the reader).
    package init(json: JSON) throws(RecordDecodingError) {
        var reader = try _RecordReader(json, path: "")
        let type = try reader.string("type")
        let session = try reader.int("session", minimum: 1)
        switch type {
        case "header":
            let format = try reader.string("format")
            guard format == Self.format else {
                throw RecordDecodingError(path: "format", expected: "\"\(Self.format)\"", found: "\"\(format)\"")
            }
            let version = try reader.value("version")
            guard version.int64Value == Int64(Self.currentVersion) else {
                throw reader.mismatch(
                    "version", "\(Self.currentVersion) (the recording format version this simrun reads)", version)
            }
            let recorder = try reader.string("recorder")
            let startedAt = try reader.string("started_at")
            var server = try _RecordReader(try reader.value("server"), path: "server")
            let parsedServer = Server(
                name: try server.string("name"), command: try server.string("command"), args: try server.strings("args")
            )
            try server.finish()
            let protocolVersion = try reader.optionalString("protocol_version")
            let clientInfo = reader.optionalValue("client_info")
            let serverInfo = reader.optionalValue("server_info")
            self = .header(
                Header(
                    session: session, recorder: recorder, startedAt: startedAt, server: parsedServer,
                    protocolVersion: protocolVersion, clientInfo: clientInfo, serverInfo: serverInfo))
        case "tools":
            let atMs = try Self.readMilliseconds(&reader, "at_ms")
            let tools = try reader.array("tools")
            self = .tools(session: session, atMs: atMs, tools: tools)
        case "call":
            let id = try reader.value("id")
            let tool = try reader.string("tool")
            let arguments = try reader.value("arguments")
            guard arguments.objectValue != nil else { throw reader.mismatch("arguments", "an object", arguments) }
            let atMs = try Self.readMilliseconds(&reader, "at_ms")
            let latencyMs: Double? =
                reader.optionalValue("latency_ms") == nil ? nil : try Self.readMilliseconds(&reader, "latency_ms")
            let result = reader.optionalValue("result")
            if let result, result.objectValue == nil { throw reader.mismatch("result", "an object or null", result) }
            let error = reader.optionalValue("error")
            if let error, error.objectValue == nil { throw reader.mismatch("error", "an object or null", error) }
            self = .call(
                Call(
                    session: session, id: id, tool: tool, arguments: arguments, atMs: atMs, latencyMs: latencyMs,
                    result: result, error: error))
        default:
            throw RecordDecodingError(
                path: "type", expected: "\"header\", \"tools\" or \"call\"", found: "\"\(type.printable)\"")
        }
        try reader.finish()
    }

    private static func readMilliseconds(_ reader: inout _RecordReader, _ key: String) throws(RecordDecodingError)
        -> Double
    {
        let value = try reader.value(key)
        guard let number = value.doubleValue, number.isFinite, number >= 0 else {
            throw reader.mismatch(key, "a number of milliseconds, at least 0", value)
        }
        return number
    }
}
