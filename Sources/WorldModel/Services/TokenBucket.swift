/// A token-bucket rate limit (`rate_limit: {capacity, refill_per_s}`) in exact integer
/// arithmetic over virtual time.
///
/// The bucket starts full with `capacity` tokens; each allowed call takes one; tokens flow back
/// at `refillPerSecond` up to `capacity`. To stay exact, the refill rate is held in whole
/// milli-tokens per second and the level in micro-tokens, so one virtual millisecond adds
/// exactly `refillMilliTokensPerSecond` micro-tokens: no floating point, no drift, the same on
/// every platform.
package struct TokenBucket: Sendable, Hashable {
    /// What the bucket answers to a call.
    package enum Decision: Sendable, Hashable {
        /// The call may proceed; one token was taken.
        case allowed
        /// The call is refused; a token will be available after this many milliseconds (≥ 1).
        case retryAfter(milliseconds: Int64)
    }

    private static let microPerToken: Int64 = 1_000_000

    /// The most tokens the bucket holds.
    package let capacity: Int64
    /// The refill rate in thousandths of a token per second (`refill_per_s × 1000`, rounded).
    package let refillMilliTokensPerSecond: Int64
    /// The current level in millionths of a token, as of `lastUpdateMs`.
    package private(set) var levelMicroTokens: Int64
    /// The virtual time the level was last brought up to date.
    package private(set) var lastUpdateMs: Int64

    /// A full bucket at virtual time `startMs`. Throws if `capacity` is not in `1...1_000_000`
    /// or `refillPerSecond` is not in `0.001...1_000_000` (a bucket that never refills would
    /// have no Retry-After).
    package init(capacity: Int64, refillPerSecond: Double, startMs: Int64 = 0) throws(ServiceModelError) {
        guard capacity >= 1 && capacity <= 1_000_000 else {
            throw .invalidValue(
                at: ServiceModelLocation(.rateLimitCapacity), expected: "a whole number of tokens in 1...1000000",
                found: String(capacity))
        }
        let milli = (refillPerSecond * 1000).rounded(.toNearestOrAwayFromZero)
        guard milli >= 1 && milli <= 1_000_000_000 else {
            throw .invalidValue(
                at: ServiceModelLocation(.rateLimitRefill), expected: "a rate in 0.001...1000000 tokens per second",
                found: refillPerSecond.errorText)
        }
        self.capacity = capacity
        refillMilliTokensPerSecond = Int64(milli)
        levelMicroTokens = capacity * Self.microPerToken
        lastUpdateMs = startMs
    }

    /// The whole tokens available at `time` (without taking any).
    package func availableTokens(at time: Int64) -> Int64 {
        var copy = self
        copy.refill(to: time)
        return copy.levelMicroTokens / Self.microPerToken
    }

    /// Takes one token for a call at virtual time `time` if there is one; otherwise says how
    /// long until there is. A time earlier than the last call counts as the same time (the
    /// bucket never runs backwards). Refused calls take nothing.
    package mutating func tryTake(at time: Int64) -> Decision {
        refill(to: time)
        if levelMicroTokens >= Self.microPerToken {
            levelMicroTokens -= Self.microPerToken
            return .allowed
        }
        let missing = Self.microPerToken - levelMicroTokens
        let wait = (missing + refillMilliTokensPerSecond - 1) / refillMilliTokensPerSecond
        return .retryAfter(milliseconds: Swift.max(wait, 1))
    }

    /// The bucket as the state hash encodes it, every field spelled out in decimal:
    /// `TokenBucket(capacity: C, refillMilliTokensPerSecond: R, levelMicroTokens: L, lastUpdateMs: T)`.
    /// (The text `String(describing:)` happened to give when traces of version 1 were first
    /// recorded; written out here so that neither a new field nor the runtime's reflection can
    /// change a state hash. docs/trace-format.md, "The state hash".)
    var stateText: String {
        "TokenBucket(capacity: " + String(capacity) + ", refillMilliTokensPerSecond: "
            + String(refillMilliTokensPerSecond) + ", levelMicroTokens: " + String(levelMicroTokens)
            + ", lastUpdateMs: " + String(lastUpdateMs) + ")"
    }

    private mutating func refill(to time: Int64) {
        guard time > lastUpdateMs else { return }
        let elapsed = time &- lastUpdateMs  // > 0; may wrap only for absurd spans, handled below
        let full = capacity * Self.microPerToken
        let missing = full - levelMicroTokens
        // Milliseconds needed to fill up; beyond that the bucket is simply full.
        let toFull = (missing + refillMilliTokensPerSecond - 1) / refillMilliTokensPerSecond
        if elapsed < 0 || elapsed >= toFull {
            levelMicroTokens = full
        } else {
            levelMicroTokens += elapsed * refillMilliTokensPerSecond
        }
        lastUpdateMs = time
    }
}
