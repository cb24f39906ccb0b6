/// Which agent produced an episode's actions: the one vocabulary of agent names, used by the
/// reference agents, `simrun run --agent` and the trace header's `agent` member.
public enum AgentKind: String, Sendable, Hashable, CaseIterable {
    /// The built-in agent that retries with backoff, honours Retry-After, uses idempotency keys
    /// and validates what it reads.
    case robust
    /// The built-in agent that tries each call once and trusts what it reads.
    case naive
    /// The built-in agent that follows the solution verbatim and stops at the first error.
    case scripted
    /// An external process talking MCP (`simrun serve`, `simrun run --agent-cmd`).
    case external
    /// Code embedding the sandbox through the Swift API.
    case embedded
}
