/// A built-in agent that plays an episode in-process by following the scenario's solution.
///
/// Reference agents are the proof that the sandbox catches fragile agents: `scripted` follows
/// the solution with no fault handling, `naive` tries each call once and trusts what it reads,
/// `robust` retries, backs off, honours Retry-After, uses idempotency keys and validates what it
/// reads. They are deterministic: the same episode always gets the same calls.
public protocol ReferenceAgent: Sendable {
    /// The agent's name as used on the command line and in traces.
    var kind: AgentKind { get }
    /// Plays the episode to the end and returns the final answer.
    func play(_ episode: inout EpisodeEngine) -> String?
}

/// The built-in reference agents by name.
public enum ReferenceAgents {
    /// The built-in agent of `kind`: `robust`, `naive` or `scripted`; `nil` for `external` and
    /// `embedded`, which are not built in.
    public static func named(_ kind: AgentKind) -> (any ReferenceAgent)? {
        switch kind {
        case .scripted: SolutionFollower(style: .scripted)
        case .naive: SolutionFollower(style: .naive)
        case .robust: SolutionFollower(style: .robust)
        case .external, .embedded: nil
        }
    }

    /// The kinds `named(_:)` knows, in the order the command line lists them.
    public static let kinds: [AgentKind] = [.robust, .naive, .scripted]
}
