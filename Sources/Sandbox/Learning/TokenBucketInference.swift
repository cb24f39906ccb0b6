import WorldModel

/// A token bucket (`rate_limit: {capacity, refill_per_s}`) inferred from a service's 429s: the
/// bucket that, replayed over the recorded call times, refuses the most rate-limited calls and
/// (almost) no others.
///
/// A rate limiter leaves a signature that regimes cannot: its 429s come after bursts of calls in
/// a short time, and its `Retry-After` is the time until the next token. For every candidate
/// refill rate (a grid of common rates, plus the rates the recorded `retry_after_ms` values
/// imply) and capacity (1 upwards), the recorded calls are replayed through a
/// `TokenBucket` — the simulator's own, in virtual milliseconds — starting full at each
/// sequence's start. A refused call that was a 429 (with a recorded `retry_after_ms` within
/// 2 ms, 10 % of itself or a tenth of the candidate's time per token of the bucket's wait,
/// whichever is widest) is *explained*; a refused call that succeeded, failed
/// otherwise or disagrees on `Retry-After` *contradicts* the bucket (client errors neither
/// explain nor contradict: a simulator refuses invalid arguments before its limiter). The score
/// is explained − 4 × contradicting; the best bucket is kept when it explains at least
/// `minimumExplained` 429s and contradicts at most 5 % as many calls as it explains (recorded
/// wall-clock times jitter near a bucket's boundary). Ties go to the larger capacity, then the
/// faster refill: the most permissive bucket the data support.
///
/// Capacities are tried upwards until a bucket refuses no call at all (a bucket that never
/// refuses is never emptier than a smaller one that never refuses, so no larger one refuses
/// either) or explains fewer 429s than the best score so far (a larger bucket refuses fewer
/// calls, all but always a subset of a smaller one's, so it cannot do better); a replay stops as soon as its contradictions exceed what any bucket may have, so the
/// many hopeless candidates cost little.
package struct TokenBucketInference: Sendable, Hashable {
    /// The bucket's size in tokens.
    package var capacity: Int64
    /// Its refill rate, tokens per second.
    package var refillPerSecond: Double
    /// The 429s it explains.
    package var explained: Int
    /// The calls it refuses that were not 429s (or disagree on `Retry-After`).
    package var contradicted: Int
    /// All 429s of the service.
    package var rateLimited: Int
    /// Per sequence, per call: whether the bucket refuses it (`explained` of these are 429s).
    package var refusals: [[Bool]]

    /// The fewest 429s a bucket must explain before it is believed.
    package static let minimumExplained = 5
    /// The largest capacity tried.
    package static let maximumCapacity: Int64 = 1000
    /// The refill rates always tried (tokens per second).
    package static let commonRates: [Double] = [
        0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 4, 5, 10, 20, 25, 50, 100, 200, 500, 1000,
    ]

    /// The best bucket for `sequences` (each in time order, `atMs` in the service's virtual
    /// milliseconds), or `nil` when none explains enough 429s.
    package static func infer(_ sequences: [[RecordedCall]]) -> TokenBucketInference? {
        let rateLimited = sequences.reduce(0) { $0 + $1.filter { $0.outcome == .rateLimited }.count }
        guard rateLimited >= minimumExplained else { return nil }
        var rates = commonRates
        for sequence in sequences {
            for call in sequence where call.outcome == .rateLimited {
                // A bucket refusing right after it emptied says "one token's time" (a wait told
                // in whole seconds is too coarse to name a rate).
                if let told = RecordedRetryAfter(of: call), told.uncertainty == 0, told.milliseconds >= 1 {
                    let rate = LatencyFit.rounded(1000 / told.milliseconds, digits: 3)
                    if rate >= 0.001 && !rates.contains(rate) { rates.append(rate) }
                }
            }
        }
        rates.sort()
        let calls = sequences.map { $0.map(Call.init) }
        var best: TokenBucketInference? = nil
        var bestScore = Int.min
        for rate in rates {
            var capacity: Int64 = 1
            while capacity <= maximumCapacity {
                defer { capacity += 1 }
                guard
                    let candidate = replay(
                        calls, capacity: capacity, refillPerSecond: rate, rateLimited: rateLimited)
                else { continue }
                if candidate.refusals.allSatisfy({ !$0.contains(true) }) { break }
                // Larger buckets refuse ever fewer calls (all but always a subset): once this one
                // explains fewer 429s than the best score, larger ones will not beat it either.
                if candidate.explained < bestScore { break }
                let score = candidate.explained - 4 * candidate.contradicted
                if candidate.explained >= minimumExplained && candidate.contradicted * 20 <= candidate.explained
                    && (score > bestScore || (score == bestScore && best.map { $0.capacity <= capacity } ?? true))
                {
                    best = candidate
                    bestScore = score
                }
            }
        }
        return best
    }

    /// The bucket `(capacity, refillPerSecond)` replayed over `sequences`, or `nil` as soon as it
    /// contradicts more calls than any believable bucket may (a twentieth of all 429s).
    static func replay(
        _ sequences: [[Call]], capacity: Int64, refillPerSecond: Double, rateLimited: Int
    ) -> TokenBucketInference? {
        var explained = 0
        var contradicted = 0
        var refusals: [[Bool]] = []
        refusals.reserveCapacity(sequences.count)
        // Wall-clock stamps drift from the server's clock by the time it does not count (the
        // pipe, the proxy, the client), milliseconds a call, so a short wait's own 10 % asks for
        // more precision than they have; a tenth of a token's time still tells rates apart.
        let tokenPeriodTenth = 100 / refillPerSecond
        for sequence in sequences {
            guard var bucket = try? TokenBucket(capacity: capacity, refillPerSecond: refillPerSecond) else {
                preconditionFailure("candidate buckets are within TokenBucket's limits")
            }
            var refused = Array(repeating: false, count: sequence.count)
            for (t, call) in sequence.enumerated() {
                guard case .retryAfter(let wait) = bucket.tryTake(at: call.atMs) else { continue }
                refused[t] = true
                switch call.outcome {
                case .rateLimited:
                    if let told = call.retryAfter,
                        !told.admits(Double(wait), tolerance: Swift.max(2, 0.1 * told.milliseconds, tokenPeriodTenth))
                    {
                        contradicted += 1
                    } else {
                        explained += 1
                    }
                case .clientError: break
                default: contradicted += 1
                }
                if contradicted * 20 > rateLimited { return nil }
            }
            refusals.append(refused)
        }
        return TokenBucketInference(
            capacity: capacity, refillPerSecond: refillPerSecond, explained: explained, contradicted: contradicted,
            rateLimited: rateLimited, refusals: refusals)
    }

    /// What a replay reads of a recorded call.
    struct Call: Sendable, Hashable {
        /// When it was made, in whole milliseconds.
        var atMs: Int64
        /// Its outcome.
        var outcome: OutcomeClass
        /// The wait it asked for, if it is a 429 that said.
        var retryAfter: RecordedRetryAfter?

        init(_ call: RecordedCall) {
            atMs = Int64(Swift.max(0, call.atMs).rounded(.toNearestOrAwayFromZero))
            outcome = call.outcome
            retryAfter = call.outcome == .rateLimited ? RecordedRetryAfter(of: call) : nil
        }
    }

    /// Whether a call is a 429 this bucket refused (and so no evidence of the regime).
    package func refused(sequence: Int, call: Int) -> Bool { refusals[sequence][call] }
}
