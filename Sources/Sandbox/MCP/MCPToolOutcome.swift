import WorldModel

/// The result of a tool call as the agent receives it in `tools/call`.
///
/// The server renders it as `content: [{type: "text", text}]`, `structuredContent` when
/// `structured` is set, `isError`, and `_meta`.
public struct MCPToolOutcome: Sendable, Hashable {
    /// The response body as text, exactly as the agent should read it.
    public var text: String
    /// The body as a JSON object, when it is one; sent as `structuredContent`.
    public var structured: JSONObject?
    /// Whether the call failed (a non-2xx status, a validation error, a finished episode).
    public var isError: Bool
    /// Extra facts for the client, sent as the result's `_meta` (e.g. `status`,
    /// `latency_ms`). `--realtime` reads `latency_ms` from here.
    public var meta: JSONObject
    /// Whether this call ended the episode (a tool marked `ends_episode` answered): the server
    /// then treats the episode as over, as after `submit_answer`.
    public var endsEpisode = false
    /// The index of the trace step this call was recorded as, when it was recorded: what a
    /// `notifications/cancelled` for the call names in the trace (`MCPSession.cancelled(step:)`).
    public var step: Int?

    /// Creates an outcome from its parts.
    public init(text: String, structured: JSONObject? = nil, isError: Bool = false, meta: JSONObject = JSONObject()) {
        self.text = text
        self.structured = structured
        self.isError = isError
        self.meta = meta
    }

    /// An outcome for an HTTP-like response: `isError` for statuses outside 200–299,
    /// `structured` when `body` parses as a JSON object, and `_meta` carrying `status` and
    /// `latency_ms` (plus `extraMeta`).
    public init(status: Int, body: String, latencyMs: Int64, extraMeta: JSONObject = JSONObject()) {
        var structured: JSONObject?
        if let parsed = try? JSON(parsing: body), case .object(let object) = parsed { structured = object }
        var meta = JSONObject()
        meta["status"] = .int(status)
        meta["latency_ms"] = .int(latencyMs)
        for (key, value) in extraMeta.members { meta[key] = value }
        self.init(text: body, structured: structured, isError: !(200..<300).contains(status), meta: meta)
    }

    /// The simulated latency in milliseconds from `meta["latency_ms"]`, if present and non-negative.
    public var latencyMs: Double? {
        guard let value = meta["latency_ms"]?.doubleValue, value.isFinite, value >= 0 else { return nil }
        return value
    }
}
