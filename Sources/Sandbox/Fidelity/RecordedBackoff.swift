import WorldModel

/// How long the recorded agent waited before a retry, read from its recorded retries, so a
/// fidelity replay (`FidelityCheck.Retries.follow`) makes the retries it adds when the agent
/// would have: an agent's backoff grows with the attempt, and an answer's `Retry-After` sets a
/// floor, so where a retry lands in time (inside or after a scheduled outage) depends on both.
///
/// The model knows nothing of the agent that made the recording; it has three parts, each the
/// median of the recorded gaps (from the failed answer to the retry, in milliseconds):
///
/// - *backoff by retry number*: per error class and retry number (1 for the first retry of a
///   call, 2 for the second, …), over the retries after answers without a `Retry-After`; a class
///   and number never recorded takes all classes' gap at that number, else the gap of the
///   nearest lower number recorded (the class's, else all classes');
/// - *`Retry-After`*: over the retries after answers that carried one (`RecordedRetryAfter`), the
///   rule of the two below that misses those recorded gaps by less in total (the first on a tie):
///   `gap = Retry-After + c` (`c` the median excess, which is 0 for an agent that waits exactly
///   as told) or `gap = max(Retry-After, backoff)`; with no such recorded retry, the second (an
///   agent honours a `Retry-After` it was never shown to get);
/// - with no recorded retry after an answer without `Retry-After` at all, the backoff is the
///   median of all recorded gaps.
///
/// Pooled over tools: an agent's backoff is one policy, and one tool's retries are too few to
/// time each retry number apart. Which errors the agent retries, and how often, is per tool
/// (`RecordedRetryPolicy`).
package struct RecordedBackoff: Sendable {
    /// One recorded retry.
    struct Sample: Sendable, Hashable {
        /// The error class of the answer the agent retried.
        var outcome: OutcomeClass
        /// Which retry of its call this was: 1 for the first.
        var retry: Int
        /// The `Retry-After` that answer carried, in milliseconds.
        var retryAfterMs: Double?
        /// Milliseconds from that answer to the retry.
        var gapMs: Double
    }

    /// How the agent's wait relates to an answer's `Retry-After`.
    enum RetryAfterRule: Sendable, Hashable {
        /// `Retry-After` plus a constant (the median recorded excess).
        case plus(Double)
        /// The larger of `Retry-After` and the backoff of that retry number.
        case atLeastBackoff
    }

    /// Per error class, the median gap by retry number (index 0 the first retry; `nil` where no
    /// retry of that number was recorded), over answers without `Retry-After`.
    var byClass: [OutcomeClass: [Double?]]
    /// The same over all classes.
    var pooled: [Double?]
    /// The median of every recorded gap: the backoff when no answer without `Retry-After` was
    /// retried.
    var overall: Double?
    /// The relation to `Retry-After`.
    var retryAfterRule: RetryAfterRule
    /// How many recorded retries the model was read from after answers with a `Retry-After`.
    var toldCount: Int
    /// How many after answers without one.
    var plainCount: Int

    /// The model of `samples` (any order).
    init(samples: [Sample]) {
        let plain = samples.filter { $0.retryAfterMs == nil }
        let byNumber = { (samples: [Sample]) -> [Double?] in
            let longest = samples.map(\.retry).max() ?? 0
            return (0..<longest).map { index in
                let gaps = samples.filter { $0.retry == index + 1 }.map(\.gapMs)
                return gaps.isEmpty ? nil : Self.median(gaps)
            }
        }
        var byClass: [OutcomeClass: [Double?]] = [:]
        for outcome in OutcomeClass.allCases {
            let own = plain.filter { $0.outcome == outcome }
            if !own.isEmpty { byClass[outcome] = byNumber(own) }
        }
        self.byClass = byClass
        pooled = byNumber(plain)
        overall = samples.isEmpty ? nil : Self.median(samples.map(\.gapMs))
        toldCount = samples.count - plain.count
        plainCount = plain.count
        retryAfterRule = .atLeastBackoff
        let told = samples.compactMap { sample in sample.retryAfterMs.map { (sample, $0) } }
        guard !told.isEmpty else { return }
        let excess = Self.median(told.map { $0.0.gapMs - $0.1 })
        let missPlus = told.reduce(0.0) { $0 + abs(Swift.max(0, $1.1 + excess) - $1.0.gapMs) }
        let missAtLeast = told.reduce(0.0) { total, pair in
            let (sample, retryAfter) = pair
            let backoff = self.backoff(outcome: sample.outcome, retry: sample.retry) ?? 0
            return total + abs(Swift.max(retryAfter, backoff) - sample.gapMs)
        }
        retryAfterRule = missPlus <= missAtLeast ? .plus(excess) : .atLeastBackoff
    }

    /// The model of the retries in `sequences` (recorded calls, in order, per sequence).
    package init(sequences: [[RecordedCall]]) {
        var samples: [Sample] = []
        for calls in sequences {
            let retry = FidelityCheck.retries(calls)
            var run = 0
            for index in calls.indices {
                run = retry[index] ? run + 1 : 0
                guard index + 1 < calls.count, retry[index + 1] else { continue }
                let call = calls[index]
                samples.append(
                    Sample(
                        outcome: call.outcome, retry: run + 1, retryAfterMs: RecordedRetryAfter(of: call)?.milliseconds,
                        gapMs: Self.gap(from: call, to: calls[index + 1])))
            }
        }
        self.init(samples: samples)
    }

    /// Milliseconds from `call`'s answer (its start when no answer came) to `next`, never negative.
    static func gap(from call: RecordedCall, to next: RecordedCall) -> Double {
        Swift.max(0, next.atMs - (call.atMs + (call.latencyMs ?? 0)))
    }

    /// The backoff before retry number `retry` (1-based) of an `outcome` answer without
    /// `Retry-After`; `nil` when no retry at all was recorded.
    func backoff(outcome: OutcomeClass, retry: Int) -> Double? {
        precondition(retry >= 1, "retry numbers start at 1")
        let at = { (gaps: [Double?]?, index: Int) -> Double? in
            guard let gaps, index < gaps.count else { return nil }
            return gaps[index]
        }
        let index = retry - 1
        if let gap = at(byClass[outcome], index) ?? at(pooled, index) { return gap }
        for lower in stride(from: index - 1, through: 0, by: -1) {
            if let gap = at(byClass[outcome], lower) ?? at(pooled, lower) { return gap }
        }
        return overall
    }

    /// The wait before retry number `retry` (1-based) of `answer`, a service error; `nil` when
    /// no retry at all was recorded.
    package func wait(before retry: Int, of answer: RecordedCall) -> Double? {
        let backoff = backoff(outcome: answer.outcome, retry: retry)
        guard let retryAfter = RecordedRetryAfter(of: answer)?.milliseconds else { return backoff }
        switch retryAfterRule {
        case .plus(let excess): return Swift.max(0, retryAfter + excess)
        case .atLeastBackoff: return Swift.max(retryAfter, backoff ?? 0)
        }
    }

    /// A note for the report: the recorded waits the added retries follow.
    package var summary: String {
        guard plainCount + toldCount > 0 else { return "no recorded retries: the replay adds none" }
        let ms = { (value: Double) in "\(Int64(value.rounded(.toNearestOrAwayFromZero))) ms" }
        var parts: [String] = []
        for outcome in OutcomeClass.allCases {
            guard let gaps = byClass[outcome] else { continue }
            let numbered = gaps.enumerated().compactMap { index, gap in
                gap.map { "\(Self.ordinal(index + 1)) \(ms($0))" }
            }
            parts.append("\(outcome.rawValue) \(numbered.joined(separator: ", "))")
        }
        if parts.isEmpty, let overall { parts.append("any error \(ms(overall))") }
        let told: String
        switch retryAfterRule {
        case .plus(let excess) where excess == 0: told = "Retry-After"
        case .plus(let excess): told = "Retry-After \(excess < 0 ? "−" : "+") \(ms(abs(excess)))"
        case .atLeastBackoff: told = "max(Retry-After, backoff)"
        }
        return "retries added after the recorded backoff (median gap from the failed answer, from "
            + "\(plainCount + toldCount) recorded retries): "
            + (parts.isEmpty ? "none without Retry-After" : parts.joined(separator: "; "))
            + "; after an answer with Retry-After: \(told)"
            + (toldCount == 0 ? " (assumed: no recorded retry after one)" : "")
    }

    /// `1st`, `2nd`, `3rd`, `4th`, ….
    static func ordinal(_ number: Int) -> String {
        let suffix =
            (11...13).contains(number % 100)
            ? "th" : number % 10 == 1 ? "st" : number % 10 == 2 ? "nd" : number % 10 == 3 ? "rd" : "th"
        return "\(number)\(suffix)"
    }

    /// The median of non-empty `values`.
    static func median(_ values: [Double]) -> Double { LatencyFit.quantile(0.5, ofSorted: values.sorted()) }
}
