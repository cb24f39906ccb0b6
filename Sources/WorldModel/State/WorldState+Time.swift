/// Virtual time has one authority: `WorldState.now`. A step advances it by the call's latency;
/// between calls, agent time passes only through `advance(byThinkTime:)`, which checks the bound.
/// (`VirtualClock` is the agent-facing `Clock` an episode moves to `now` after each call; it keeps
/// no time of its own that the world reads.)
extension WorldState {
    /// The latest virtual time a state reaches: 2^62 ms, about 146 million years. Think time that
    /// would pass it is refused (`VirtualTimeError.beyondMaximum`); a step's latency stops at it.
    package static let maximumNowMs: Int64 = 1 << 62

    /// Lets `milliseconds` of agent time pass before the next call (or the answer): the checked
    /// way to move the clock. Throws, leaving the state unchanged, for a negative think time or
    /// one that would pass `maximumNowMs`.
    package mutating func advance(byThinkTime milliseconds: Int64) throws(VirtualTimeError) {
        guard milliseconds >= 0 else { throw .negativeThinkTime(milliseconds: milliseconds) }
        guard now <= Self.maximumNowMs, milliseconds <= Self.maximumNowMs - now else {
            throw .beyondMaximum(nowMs: now, thinkMs: milliseconds, maximumMs: Self.maximumNowMs)
        }
        now += milliseconds
    }

    /// Ends a step `latency` ms after it began (`latency` is at most `World.maximumLatencyMs`):
    /// the clock stops at `maximumNowMs` rather than overflow.
    mutating func advance(byLatency latency: Int64) {
        precondition(latency >= 0 && latency <= World.maximumLatencyMs, "a step's latency is out of bounds: \(latency)")
        now = Swift.min(now + latency, Self.maximumNowMs)
    }
}

extension World {
    /// The longest latency a call can have (`LatencyDistribution.maximumMilliseconds`, about
    /// 31 700 years); longer latencies, timeouts and spikes, which only absurd scenarios give,
    /// are cut to it.
    package static let maximumLatencyMs = LatencyDistribution.maximumMilliseconds
}
