import WorldModel

/// A built-in agent that plays an episode in-process by following the scenario's solution.
///
/// Reference agents are the proof that the sandbox catches fragile agents: `scripted` follows
/// the solution with no fault handling, `naive` tries each call once and trusts what it reads,
/// `robust` retries, backs off, honours Retry-After, uses idempotency keys and validates what it
/// reads. They are deterministic: the same episode always gets the same calls.
public struct ReferenceAgent: Sendable, Hashable, CustomStringConvertible {
    /// The agent as named on the command line and in trace headers.
    public let kind: TraceHeader.Agent
    private let style: SolutionFollower.Style

    private init(_ kind: TraceHeader.Agent, _ style: SolutionFollower.Style) {
        self.kind = kind
        self.style = style
    }

    /// Retries with backoff, honours Retry-After, uses idempotency keys, validates what it reads.
    public static let robust = ReferenceAgent(.robust, .robust)
    /// Tries each call once and trusts what it reads.
    public static let naive = ReferenceAgent(.naive, .naive)
    /// Plays the solution verbatim and stops at the first error answer.
    public static let scripted = ReferenceAgent(.scripted, .scripted)

    /// Every reference agent, the default (`robust`) first.
    public static let all = [robust, naive, scripted]

    /// The agent named `name` (`robust`, `naive` or `scripted`), or `nil`.
    public init?(named name: String) {
        guard let agent = Self.all.first(where: { $0.description == name }) else { return nil }
        self = agent
    }

    /// The agent's name, e.g. `robust`.
    public var description: String { kind.rawValue }

    /// Plays the episode to the end and returns the final answer.
    package func play(_ episode: inout EpisodeEngine) -> String? {
        SolutionFollower(style: style).play(&episode)
    }
}
