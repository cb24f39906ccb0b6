import Testing
import WorldModel

@testable import Sandbox

@Suite("Token buckets inferred from 429s")
struct TokenBucketInferenceTests {
    /// Sequences of bursts (2 to 12 calls 20–80 ms apart, then a pause of 0.5–6 s) through a
    /// bucket of `capacity` refilling at `rate` per second, as simrun's services refuse: a 429
    /// with `retry_after_ms` the bucket's wait. Allowed calls fail with a regime's 429 (Retry-After
    /// 1000 ms) at `regime429`. `bucket: false` sends the same calls with no bucket;
    /// `inSeconds: true` tells the bucket's wait as HTTP's `Retry-After` does, in whole seconds
    /// rounded up (`retry_after`). `driftMs` > 0 stamps each call as a wall-clock recording
    /// does: 60 ms late (the session's handshake) plus `driftMs` more for every call before it
    /// (time the server's clock does not count: the pipe, the proxy, the client).
    static func sequences(
        count: Int, capacity: Int64 = 6, rate: Double = 1, regime429: Double = 0.03, bucket: Bool = true,
        inSeconds: Bool = false, driftMs: Int64 = 0, seed: UInt64 = 5
    ) throws -> (calls: [[RecordedCall]], refused: Int) {
        var refusedCount = 0
        let calls = try (0..<count).map { s -> [RecordedCall] in
            var rng = RandomStream(seed: seed, key: [.string("bucket"), .integer(Int64(s))])
            var limiter = try TokenBucket(capacity: capacity, refillPerSecond: rate)
            var now: Int64 = 0
            var calls: [RecordedCall] = []
            for _ in 0..<6 {
                let burst = 2 + rng.nextInt(below: 11)
                for _ in 0..<burst {
                    var outcome = OutcomeClass.ok
                    var body = #"{"id":"X-1"}"#
                    var status = 200
                    if bucket, case .retryAfter(let wait) = limiter.tryTake(at: now) {
                        outcome = .rateLimited
                        body =
                            inSeconds
                            ? #"{"error":{"code":"rate_limited","retry_after":\#((wait + 999) / 1000)}}"#
                            : #"{"error":{"code":"rate_limited","retry_after_ms":\#(wait)}}"#
                        status = 429
                        refusedCount += 1
                    } else if rng.nextDouble() < regime429 {
                        outcome = .rateLimited
                        body = #"{"error":{"code":"rate_limited","retry_after_ms":1000}}"#
                        status = 429
                    }
                    let stamp = driftMs > 0 ? now + 60 + driftMs * Int64(calls.count) : now
                    calls.append(
                        RecordedCall(
                            atMs: Double(stamp), tool: "get", arguments: [:], outcome: outcome, status: status,
                            latencyMs: 15, body: body, structured: try JSON(parsing: Array(body.utf8))))
                    now += 20 + Int64(rng.nextInt(below: 61))
                }
                now += 500 + Int64(rng.nextInt(below: 5500))
            }
            return calls
        }
        return (calls, refusedCount)
    }

    @Test("a bucket's 429s give back its capacity and refill, and exactly the calls it refused")
    func recoversBucket() throws {
        let (calls, refused) = try Self.sequences(count: 60)
        #expect(refused >= 20)
        let bucket = try #require(TokenBucketInference.infer(calls))
        #expect(bucket.capacity == 6)
        #expect(bucket.refillPerSecond == 1)
        #expect(bucket.explained == refused)
        #expect(bucket.contradicted == 0)
        #expect(bucket.rateLimited > refused)  // the regime's 429s are not the bucket's
        for (s, sequence) in calls.enumerated() {
            for (t, call) in sequence.enumerated() where bucket.refused(sequence: s, call: t) {
                #expect(call.outcome == .rateLimited)
            }
        }
    }

    @Test("other capacities and rates are found too: 3 tokens at 0.5 per second, 20 at 5")
    func otherBuckets() throws {
        for (capacity, rate) in [(Int64(3), 0.5), (20, 5)] {
            let (calls, refused) = try Self.sequences(count: 80, capacity: capacity, rate: rate, regime429: 0)
            guard refused >= TokenBucketInference.minimumExplained else { continue }
            let bucket = try #require(TokenBucketInference.infer(calls))
            #expect(bucket.capacity == capacity)
            #expect(bucket.refillPerSecond == rate)
        }
    }

    @Test("waits told in whole seconds, as Retry-After rounds them, still give back the bucket")
    func waitsInWholeSeconds() throws {
        let (calls, refused) = try Self.sequences(count: 80, capacity: 3, rate: 0.5, regime429: 0, inSeconds: true)
        #expect(refused >= 20)
        // Most waits are not whole seconds: compared as milliseconds, they would contradict the bucket.
        let told = calls.joined().compactMap { RecordedRetryAfter(of: $0) }
        #expect(told.count == refused && told.allSatisfy { $0.uncertainty == 1000 })
        let bucket = try #require(TokenBucketInference.infer(calls))
        #expect(bucket.capacity == 3)
        #expect(bucket.refillPerSecond == 0.5)
        #expect(bucket.explained == refused)
        #expect(bucket.contradicted == 0)
    }

    @Test("wall-clock stamps drifting from the server's clock by 1 ms a call still give back the bucket")
    func driftingStamps() throws {
        let (calls, refused) = try Self.sequences(count: 80, regime429: 0, driftMs: 1)
        #expect(refused >= 20)
        // Short waits are told to the millisecond, but the stamps have drifted by tens of them
        // since the bucket was last full: 10 % of such a wait is too tight.
        let bucket = try #require(TokenBucketInference.infer(calls))
        #expect(bucket.capacity == 6)
        #expect(bucket.refillPerSecond == 1)
        #expect(bucket.explained * 20 >= refused * 19)
    }

    @Test("429s scattered with no bucket behind them infer no bucket")
    func noBucket() throws {
        let (calls, _) = try Self.sequences(count: 60, regime429: 0.06, bucket: false)
        #expect(calls.joined().filter { $0.outcome == .rateLimited }.count >= 10)
        #expect(TokenBucketInference.infer(calls) == nil)
        // Too few 429s: nothing to infer from.
        let (few, _) = try Self.sequences(count: 2, regime429: 0.01, bucket: false)
        #expect(TokenBucketInference.infer(few) == nil)
    }

    @Test("a learned service with a bucket writes rate_limit and keeps the bucket's 429s out of its regimes")
    func learnedService() throws {
        let (calls, _) = try Self.sequences(count: 60, regime429: 0)
        let dynamics = try #require(DynamicsLearner().learn(service: "api", sequences: calls))
        let limit = try #require(dynamics.scenarioJSON["rate_limit"])
        #expect(limit == ["capacity": 6, "refill_per_s": 1.0])
        #expect(dynamics.regimes.allSatisfy { $0.share(.rateLimited) < 0.01 })
        #expect(dynamics.notes.contains { $0.hasPrefix("token bucket: capacity 6, refill 1 per s explains") })
    }
}
