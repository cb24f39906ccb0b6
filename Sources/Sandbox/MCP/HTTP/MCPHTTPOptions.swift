/// The HTTP side of `simrun serve --http`: which browser origins may call, and the limits that
/// keep a misbehaving client from exhausting the server.
public struct MCPHTTPOptions: Sendable {
    /// Origins allowed besides the loopback ones (`http://localhost:*`, `http://127.0.0.1:*`,
    /// `http://[::1]:*`), exactly as a browser sends them, e.g. `https://studio.example.com`.
    /// A request with any other `Origin` header is refused with 403 (the MCP specification's
    /// defence against DNS rebinding); requests without `Origin` (non-browser clients) pass.
    public var allowedOrigins: [String]
    /// The longest accepted request line plus headers, in bytes (default 64 KiB); longer is 431.
    public var maxHeaderBytes: Int
    /// The longest accepted body, in bytes (default 4 MiB, as a stdio line); longer is 413.
    public var maxBodyBytes: Int
    /// Seconds a connection may stay idle (or take to send a request) before it is closed.
    public var idleTimeoutSeconds: Int
    /// Connections served at once; more are answered 503 and closed.
    public var maxConnections: Int
    /// MCP sessions kept open at once (default 1024). Opening one more closes the least recently
    /// used session that has no request in progress (its later requests get 404, so its client
    /// opens a new one); clients that open a session per call and never end it with DELETE
    /// (LangChain's `get_tools()`) would otherwise keep every session until the server stops.
    /// Sessions are protocol state only: closing one never changes the episode.
    public var maxSessions: Int
    /// Called once, when the first MCP message arrives (`simrun serve --starts-file` records it,
    /// so `simrun run --agent-cmd … --http` can tell an agent that never connected).
    public var onFirstMessage: (@Sendable () -> Void)?

    /// Creates options; the defaults are `simrun serve --http`'s.
    public init(
        allowedOrigins: [String] = [], maxHeaderBytes: Int = 64 << 10, maxBodyBytes: Int = 4 << 20,
        idleTimeoutSeconds: Int = 120, maxConnections: Int = 64, maxSessions: Int = 1024
    ) {
        self.maxSessions = maxSessions
        self.allowedOrigins = allowedOrigins
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
    }

    /// Whether a request with `Origin: origin` may be served.
    public func allows(origin: String) -> Bool {
        if allowedOrigins.contains(origin) { return true }
        let lowered = origin.lowercased()
        for scheme in ["http://", "https://"] where lowered.hasPrefix(scheme) {
            var rest = lowered.dropFirst(scheme.count)
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            return MCPHTTPAddress.isLoopbackHost(String(rest))
        }
        return false
    }
}
