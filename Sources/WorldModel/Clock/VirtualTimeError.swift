/// Agent time that the virtual clock cannot take: the one way a caller learns that a think time
/// is out of bounds, instead of the clock overflowing (`WorldState.advance(byThinkTime:)`).
package enum VirtualTimeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A think time below zero.
    case negativeThinkTime(milliseconds: Int64)
    /// A think time that would move the clock past `WorldState.maximumNowMs`.
    case beyondMaximum(nowMs: Int64, thinkMs: Int64, maximumMs: Int64)

    package var description: String {
        switch self {
        case .negativeThinkTime(let milliseconds):
            "think time must be 0 ms or more, found \(milliseconds) ms"
        case .beyondMaximum(let now, let think, let maximum):
            "think time of \(think) ms at virtual time \(now) ms would pass the clock's limit of \(maximum) ms; "
                + "expected at most \(maximum - now) ms"
        }
    }
}
