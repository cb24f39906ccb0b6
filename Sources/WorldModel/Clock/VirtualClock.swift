import Synchronization

/// An episode's virtual clock: integer milliseconds that move only when the simulation or the
/// agent says so.
///
/// Conforms to Swift's `Clock`, so embedding code writes `try await clock.sleep(for: .seconds(2))`
/// and the virtual time jumps forward by two seconds at once instead of waiting; rate limits,
/// schedules and deadlines then see the agent's "think time". Time never goes backwards:
/// `advance(to:)` with an earlier instant does nothing.
///
/// The clock is the agent's view of time, not its source: the world reads only
/// `WorldState.now`, the one authority, and an episode moves this clock to it after every call
/// (agent time read off it enters the state through `WorldState.advance(byThinkTime:)`, which
/// refuses time past `WorldState.maximumNowMs`).
///
/// This is the one reference type of the world model, because it is shared mutable state
/// (an agent task sleeps on it while the episode reads it); a `Mutex` makes it safe to use from
/// any task. Concurrent sleepers each advance the clock by their own amount from whatever `now`
/// is at that moment, so deterministic results need one agent task driving the episode.
public final class VirtualClock: Clock, Sendable {
    /// The clock's instant type.
    public typealias Instant = VirtualInstant

    private let current: Mutex<Int64>

    /// A clock that reads `start` (the episode start by default).
    public init(start: VirtualInstant = .zero) {
        current = Mutex(start.milliseconds)
    }

    /// The current virtual instant.
    public var now: VirtualInstant {
        VirtualInstant(milliseconds: current.withLock { $0 })
    }

    /// The current virtual time in milliseconds.
    public var milliseconds: Int64 {
        current.withLock { $0 }
    }

    /// One millisecond: the clock's resolution.
    public var minimumResolution: Duration { .milliseconds(1) }

    /// Moves the clock forward by `duration` (rounded up to whole milliseconds) and returns
    /// the new instant. Negative durations do nothing.
    @discardableResult
    public func advance(by duration: Duration) -> VirtualInstant {
        advance(byMilliseconds: VirtualInstant.wholeMilliseconds(duration))
    }

    /// Moves the clock forward by `milliseconds` (saturating; negative values do nothing) and
    /// returns the new instant.
    @discardableResult
    public func advance(byMilliseconds milliseconds: Int64) -> VirtualInstant {
        let step = max(milliseconds, 0)
        return VirtualInstant(
            milliseconds: current.withLock { now in
                let (sum, overflow) = now.addingReportingOverflow(step)
                now = overflow ? .max : sum
                return now
            })
    }

    /// Moves the clock to `instant` if that is later than now (never backwards) and returns
    /// the resulting instant.
    @discardableResult
    public func advance(to instant: VirtualInstant) -> VirtualInstant {
        VirtualInstant(
            milliseconds: current.withLock { now in
                now = max(now, instant.milliseconds)
                return now
            })
    }

    /// Sleeps in virtual time: moves the clock to `deadline` at once (if it is later than now)
    /// and returns without waiting. Throws `CancellationError` if the task is cancelled, before
    /// touching the clock. `tolerance` is ignored: virtual time is exact.
    public func sleep(until deadline: VirtualInstant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        advance(to: deadline)
    }
}
