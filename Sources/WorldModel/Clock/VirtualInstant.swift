/// A point in an episode's virtual time: whole milliseconds since the episode began.
///
/// The `InstantProtocol` companion of `VirtualClock`. Arithmetic with `Swift.Duration` rounds
/// the duration up to the next whole millisecond (ceiling, so sleeping never ends early) and
/// saturates at the ends of `Int64` instead of trapping.
public struct VirtualInstant: InstantProtocol, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since the start of the episode.
    public var milliseconds: Int64

    /// The instant `milliseconds` after the start of the episode.
    public init(milliseconds: Int64) {
        self.milliseconds = milliseconds
    }

    /// The start of the episode.
    public static let zero = VirtualInstant(milliseconds: 0)

    /// This instant moved by `duration`, rounded up to whole milliseconds.
    public func advanced(by duration: Duration) -> VirtualInstant {
        let (sum, overflow) = milliseconds.addingReportingOverflow(Self.wholeMilliseconds(duration))
        if overflow { return VirtualInstant(milliseconds: duration < .zero ? .min : .max) }
        return VirtualInstant(milliseconds: sum)
    }

    /// The exact duration from this instant to `other` (negative if `other` is earlier).
    public func duration(to other: VirtualInstant) -> Duration {
        let (difference, overflow) = other.milliseconds.subtractingReportingOverflow(milliseconds)
        if overflow {
            // Beyond ±292 million years; keep the sign and saturate.
            return .milliseconds(other.milliseconds > milliseconds ? Int64.max : Int64.min)
        }
        return .milliseconds(difference)
    }

    /// Orders instants by time.
    public static func < (lhs: VirtualInstant, rhs: VirtualInstant) -> Bool {
        lhs.milliseconds < rhs.milliseconds
    }

    /// `"12345ms"`.
    public var description: String { "\(milliseconds)ms" }

    /// `duration` in whole milliseconds, rounded up (toward +∞), saturating.
    package static func wholeMilliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        // attoseconds has the sign of the duration (or is 0) and |attoseconds| < 10^18.
        let perMillisecond: Int64 = 1_000_000_000_000_000
        var millis = attoseconds / perMillisecond
        if attoseconds % perMillisecond > 0 { millis += 1 }
        let (scaled, overflowScale) = seconds.multipliedReportingOverflow(by: 1000)
        if overflowScale { return seconds < 0 ? .min : .max }
        let (total, overflowAdd) = scaled.addingReportingOverflow(millis)
        if overflowAdd { return seconds < 0 ? .min : .max }
        return total
    }
}
