import Testing

@testable import WorldModel

@Suite("State encoding")
struct StateEncodingTests {
    static func state() throws -> WorldState {
        var bucket = try TokenBucket(capacity: 3, refillPerSecond: 0.5)
        _ = bucket.tryTake(at: 100)
        let data = try EntityStore([("tickets", [["id": "T-1", "status": "open"]])])
        return WorldState(
            data: data, now: 1234, services: [ServiceState(regime: 1, bucket: bucket, calls: 2)], toolCalls: [2, 0])
    }

    @Test("the token bucket is spelled out field by field, as the text state hashes always had")
    func bucketText() throws {
        let state = try Self.state()
        let bucket = try #require(state.services[0].bucket)
        let text =
            "TokenBucket(capacity: 3, refillMilliTokensPerSecond: 500, levelMicroTokens: 2000000, lastUpdateMs: 100)"
        #expect(bucket.stateText == text)
        // What `String(describing:)` gave when traces were first recorded: hashes are unchanged.
        #expect(String(describing: bucket) == text)
        #expect(state.json["services"] == [["bucket": .string(text), "calls": 2, "regime": 1]])
    }

    @Test("the state hash is the SHA-256 of the documented canonical JSON")
    func pinnedHash() throws {
        let state = try Self.state()
        let expected =
            #"{"data":{"tickets":[{"id":"T-1","status":"open"}]},"idempotency":{},"now_ms":1234,"services":[{"bucket":"TokenBucket(capacity: 3, refillMilliTokensPerSecond: 500, levelMicroTokens: 2000000, lastUpdateMs: 100)","calls":2,"regime":1}],"tool_calls":[2,0]}"#
        #expect(state.json.canonicalText == expected)
        #expect(state.stateHash == SHA256.hexDigest(Array(expected.utf8)))
    }
}
