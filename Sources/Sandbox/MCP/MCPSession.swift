import WorldModel

/// The engine side of an MCP stdio server: one episode as an agent sees it over MCP.
///
/// `MCPServer` speaks JSON-RPC and knows nothing about scenarios; everything about the
/// world goes through this protocol, so the server can be driven by a fake in tests and
/// by a real episode in `simrun serve`. Requirements are `async` so an `actor` can conform
/// directly. The server calls them one at a time, in the order requests arrive.
///
/// The server owns the `submit_answer` tool itself: it appears last in `tools/list`,
/// and a call to it is routed to `submitAnswer(_:thinkTimeMs:)`. A session tool with the
/// same name is hidden.
public protocol MCPSession: AnyObject, Sendable {
    /// The name reported as `serverInfo.name`, e.g. `simrun`.
    var serverName: String { get async }
    /// The version reported as `serverInfo.version`.
    var serverVersion: String { get async }
    /// The tools the agent may call, in the order they should be listed. Must not change
    /// during a connection (the server announces `listChanged: false`).
    func tools() async -> [MCPToolDescriptor]
    /// Executes one tool call.
    ///
    /// - Parameters:
    ///   - tool: a name from `tools()` (the server rejects unknown names before calling).
    ///   - arguments: the call's arguments, always a JSON object (`{}` when the client sent none).
    ///   - thinkTimeMs: the agent's time since the previous charged response, in milliseconds
    ///     (0 in `--think-time zero` mode); the episode advances its virtual clock by it.
    /// - Returns: what the agent sees; a non-2xx status should set `isError`.
    func call(tool: String, arguments: JSON, thinkTimeMs: Int64) async -> MCPToolOutcome
    /// The instruction the agent must carry out; served as the user message of prompt `task`.
    func task() async -> String
    /// Ends the episode with the agent's final answer and returns a short verdict text.
    ///
    /// Called at most once per connection; afterwards every `tools/call` is answered by the
    /// server with an `isError` result saying that the episode is over.
    func submitAnswer(_ text: String, thinkTimeMs: Int64) async -> MCPToolOutcome
    /// Called once when the input ends (EOF), after the last response was written.
    func close() async
    /// Whether the episode is over (an answer was submitted through any connection); the server
    /// then answers every `tools/call` with an error. Over Streamable HTTP several sessions share
    /// one episode, so this is asked of the session rather than remembered per connection.
    func isFinished() async -> Bool
    /// The client cancelled the call recorded as `step` (`MCPToolOutcome.step`) while its
    /// `--realtime` answer was held back; the answer is not sent. The call stands; a session
    /// with a trace records the cancellation.
    func cancelled(step: Int) async
}

extension MCPSession {
    /// Sessions that do not say are never over before their connection submits an answer.
    public func isFinished() async -> Bool { false }

    /// Sessions that record nothing ignore cancellations.
    public func cancelled(step: Int) async {}
}
