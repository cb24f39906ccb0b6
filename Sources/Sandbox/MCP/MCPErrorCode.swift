import WorldModel

/// A JSON-RPC error as sent to the client: code, human message and optional data.
public struct MCPRPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The JSON-RPC error code.
    public var code: Int
    /// What went wrong, for people.
    public var message: String
    /// Structured details (e.g. `{"supported": [...], "requested": "…"}` for -32022).
    public var data: JSON?

    /// Creates an error.
    public init(code: Int, message: String, data: JSON? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// `<code>: <message>`.
    public var description: String { "\(code): \(message)" }

    /// -32700: the line is not valid JSON.
    public static let parseErrorCode = -32700
    /// -32600: not a valid request object (wrong `jsonrpc`, a batch, a non-object, an
    /// oversized line, or a request before the session is initialized).
    public static let invalidRequestCode = -32600
    /// -32601: no such method.
    public static let methodNotFoundCode = -32601
    /// -32602: the params are wrong (missing tool name, unknown tool or prompt, non-object arguments).
    public static let invalidParamsCode = -32602
    /// -32022: the 2026-07-28 "unsupported protocol version" error; `data` names the
    /// versions this server serves per request.
    public static let unsupportedProtocolVersionCode = -32022

    /// The error object of a JSON-RPC response.
    var json: JSON {
        var object: JSONObject = ["code": .int(code), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }
}
