/// The wait a recorded refusal (a 429 or 503) asked for, as its body told it: the one reader of
/// `Retry-After` for everything that learns from recordings, so that `simrun learn` (token
/// buckets) and `simrun fidelity` (the recorded agent's backoff) read the same wait from the
/// same answer.
///
/// Bodies give it as simrun's services do, `{"error": {"retry_after_ms": …}}`, or as
/// `retry_after_ms` (milliseconds) or `retry_after` (seconds, a number or a numeral) at the top
/// level or in `error`; `error` is read first, and at each level milliseconds before seconds.
/// Recorded calls keep no response headers, so a `Retry-After` only in a header (a HAR file's)
/// is not seen.
package struct RecordedRetryAfter: Sendable, Hashable {
    /// The wait, in milliseconds (finite, not negative).
    package var milliseconds: Double
    /// How far the true wait may be from `milliseconds`: 0 when the body gave milliseconds or
    /// fractional seconds, 1,000 for whole seconds (HTTP's `Retry-After` rounds a wait to whole
    /// seconds, usually up, so a bucket's 2,500 ms wait is told as 3).
    package var uncertainty: Double

    /// A wait of `milliseconds`, the true one within `uncertainty` of it.
    package init(milliseconds: Double, uncertainty: Double = 0) {
        precondition(milliseconds.isFinite && milliseconds >= 0, "a wait is a finite, non-negative duration")
        self.milliseconds = milliseconds
        self.uncertainty = uncertainty
    }

    /// The wait `answer` asked for, or `nil` when it is not a refusal (status 429 or 503, or the
    /// rate-limited class) or its body tells none (or a negative or non-finite one).
    package init?(of answer: RecordedCall) {
        guard answer.status == 429 || answer.status == 503 || answer.outcome == .rateLimited,
            let body = answer.structured, body.objectValue != nil
        else { return nil }
        for object in [body["error"], body].compactMap({ $0 }) where object.objectValue != nil {
            if let milliseconds = object["retry_after_ms"]?.doubleValue, milliseconds.isFinite, milliseconds >= 0 {
                self.init(milliseconds: milliseconds)
                return
            }
            let seconds = object["retry_after"].flatMap { $0.doubleValue ?? $0.stringValue.flatMap(Double.init) }
            if let seconds, seconds.isFinite, seconds >= 0 {
                self.init(milliseconds: 1000 * seconds, uncertainty: seconds == seconds.rounded() ? 1000 : 0)
                return
            }
        }
        return nil
    }

    /// Whether a wait of `milliseconds` (e.g. a candidate token bucket's) could have been told as
    /// this one: within `tolerance` of it, widened by its `uncertainty`.
    package func admits(_ milliseconds: Double, tolerance: Double) -> Bool {
        Swift.abs(self.milliseconds - milliseconds) <= tolerance + uncertainty
    }
}
