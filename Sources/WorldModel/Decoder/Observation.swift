/// What an agent sees after one tool call: status, virtual latency, body text and headers.
///
/// The body is text because faults may make it something other than JSON (an HTML error page,
/// a truncated document). `faults` lists the ids of the fault rules that fired; it goes to the
/// trace and reports, never to the agent.
public struct Observation: Sendable, Hashable {
    /// The HTTP-like status code.
    public var status: Int
    /// The simulated latency of the call, in virtual milliseconds.
    public var latencyMs: Int64
    /// The body exactly as the agent receives it.
    public var body: String
    /// Response headers, in order (`Content-Type` first).
    public var headers: [ResponseHeader]
    /// Ids of the fault rules (or `regime:<name>` for regime-level errors) that shaped this call.
    public var faults: [String]

    /// Creates an observation.
    public init(status: Int, latencyMs: Int64, body: String, headers: [ResponseHeader], faults: [String]) {
        self.status = status
        self.latencyMs = latencyMs
        self.body = body
        self.headers = headers
        self.faults = faults
    }

    /// Whether the status is outside 2xx.
    public var isError: Bool { !(200..<300).contains(status) }

    /// The body parsed as JSON, or `nil` if it is not valid JSON.
    public var json: JSON? { try? JSON(parsing: body) }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
