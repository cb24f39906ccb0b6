/// What an episode keeps in memory of its calls (`Episode.steps`).
///
/// The verdict never needs the calls themselves (an episode keeps the totals its checks read,
/// `StepTally`), and a trace, when there is one, is written call by call as it happens. Keeping
/// every call is for code that inspects them afterwards (tests of an agent, the runner's trace
/// archive); it costs about the size of each call's arguments and answer, so a long-running
/// episode that nobody inspects (`simrun serve`) keeps none.
public enum StepRetention: Sendable, Hashable {
    /// Every call, in order (the default).
    case all
    /// Only the most recent calls, at most this many (0 keeps none). Memory stays bounded however
    /// long the episode runs; `Episode.stepCount` still counts every call.
    case last(Int)

    /// How many calls to keep; `nil` for all.
    var limit: Int? {
        switch self {
        case .all: nil
        case .last(let count): max(0, count)
        }
    }
}
