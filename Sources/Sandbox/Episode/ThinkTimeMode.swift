/// Where the agent's think time of each step comes from: the one vocabulary used by
/// `MCPServerOptions`, `simrun serve --think-time` and the trace header's `think_time` member.
public enum ThinkTimeMode: String, Sendable, Hashable, CaseIterable {
    /// Measured: the monotonic wall time between a response and the next request (MCP).
    case measured
    /// Always zero: episodes do not depend on how fast the agent is.
    case zero
    /// Passed explicitly by an in-process agent (`Episode.call(_:arguments:thinkTimeMs:)`, the
    /// reference agents). A server given this mode charges no think time, as with `zero`.
    case explicit
}
