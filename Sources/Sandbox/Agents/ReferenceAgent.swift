import WorldModel

/// A built-in agent that plays an episode in-process by following the scenario's solution.
///
/// Reference agents are the proof that the sandbox catches fragile agents: `scripted` follows
/// the solution with no fault handling, `naive` tries each call once and trusts what it reads,
/// `robust` retries, backs off, honours Retry-After, uses idempotency keys and validates what it
/// reads. They are deterministic: the same episode always gets the same calls.
public struct ReferenceAgent: Sendable, Hashable, CustomStringConvertible {
    /// The agent as named on the command line and in trace headers.
    public let kind: AgentKind

    private init(builtIn kind: AgentKind) {
        precondition(SolutionFollower.Style(kind) != nil, "\(kind) is not a built-in agent")
        self.kind = kind
    }

    /// Retries with backoff, honours Retry-After, uses idempotency keys, validates what it reads.
    public static let robust = ReferenceAgent(builtIn: .robust)
    /// Tries each call once and trusts what it reads.
    public static let naive = ReferenceAgent(builtIn: .naive)
    /// Plays the solution verbatim and stops at the first error answer.
    public static let scripted = ReferenceAgent(builtIn: .scripted)

    /// Every reference agent, the default (`robust`) first.
    public static let all = [robust, naive, scripted]

    /// The agent named `name` (`robust`, `naive` or `scripted`), or `nil`.
    public init?(named name: String) {
        guard let kind = AgentKind(rawValue: name) else { return nil }
        self.init(kind)
    }

    /// The built-in agent of `kind`; `nil` for `external` and `embedded`, which are not built in.
    public init?(_ kind: AgentKind) {
        guard SolutionFollower.Style(kind) != nil else { return nil }
        self.kind = kind
    }

    /// The agent's name, e.g. `robust`.
    public var description: String { kind.rawValue }

    /// Plays the episode to the end and returns the final answer.
    package func play(_ episode: inout EpisodeEngine) -> String? {
        guard let style = SolutionFollower.Style(kind) else {
            preconditionFailure("a ReferenceAgent is only ever made of a built-in kind")
        }
        return SolutionFollower(style: style).play(&episode)
    }
}
