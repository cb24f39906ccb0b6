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

    @Test("the whole-state JSON (trace format 1's hash, `--state-at`) is the documented canonical JSON")
    func pinnedHash() throws {
        let state = try Self.state()
        let expected =
            #"{"data":{"tickets":[{"id":"T-1","status":"open"}]},"idempotency":{},"now_ms":1234,"services":[{"bucket":"TokenBucket(capacity: 3, refillMilliTokensPerSecond: 500, levelMicroTokens: 2000000, lastUpdateMs: 100)","calls":2,"regime":1}],"tool_calls":[2,0]}"#
        #expect(state.json.canonicalText == expected)
        #expect(state.wholeStateHash == SHA256.hexDigest(Array(expected.utf8)))
    }

    @Test("the state hash is the SHA-256 of the documented digest document (trace format 2)")
    func pinnedDigestHash() throws {
        let state = try Self.state()
        // One row: the collection's digest is the SHA-256 of `[null,ROW]` itself.
        #expect(
            SHA256.hexDigest(Array(#"[null,{"id":"T-1","status":"open"}]"#.utf8))
                == "a0b77c7ff3b3cdd6327387a837758cd34233fc8a7bddcdb36dcb0b5921eec31d")
        let expected =
            #"{"data":{"tickets":{"digest":"a0b77c7ff3b3cdd6327387a837758cd34233fc8a7bddcdb36dcb0b5921eec31d","last_created":null,"next_id":1}},"idempotency":"0000000000000000000000000000000000000000000000000000000000000000","now_ms":1234,"services":[{"bucket":"TokenBucket(capacity: 3, refillMilliTokensPerSecond: 500, levelMicroTokens: 2000000, lastUpdateMs: 100)","calls":2,"regime":1}],"tool_calls":[2,0]}"#
        #expect(state.stateHash == SHA256.hexDigest(Array(expected.utf8)))
        #expect(state.stateHashFromScratch == state.stateHash)
    }

    @Test("a collection digest follows every write (insert, replace, remove) and depends on the order")
    func digestFollowsWrites() throws {
        var tickets = try EntityCollection(
            name: "tickets", rows: [["id": "T-1", "n": 1], ["id": "T-2", "n": 2], ["id": "T-3", "n": 3]])
        let start = tickets.digest
        #expect(start == tickets.digestFromScratch)
        try tickets.insert(["id": "T-4", "n": 4])
        #expect(tickets.digest == tickets.digestFromScratch)
        try tickets.replace(id: "T-2", with: ["id": "T-2", "n": 20])
        #expect(tickets.digest == tickets.digestFromScratch)
        #expect(tickets.remove(id: "T-2") as Bool)
        #expect(tickets.digest == tickets.digestFromScratch)
        #expect(tickets.remove(id: "T-1") as Bool)
        #expect(tickets.remove(id: "T-4") as Bool)
        #expect(tickets.digest == tickets.digestFromScratch)
        #expect(tickets.digest == EntityCollection.term(previousID: nil, row: ["id": "T-3", "n": 3]))
        #expect(tickets.remove(id: "T-3") as Bool)
        #expect(tickets.digest == .zero)
        // The order counts: the same rows in another order give another digest.
        let swapped = try EntityCollection(
            name: "tickets", rows: [["id": "T-2", "n": 2], ["id": "T-1", "n": 1], ["id": "T-3", "n": 3]])
        #expect(swapped.digest != start)
    }

    @Test("remembered idempotent responses change the state hash, and replacing one is undone exactly")
    func idempotencyDigest() throws {
        var state = try Self.state()
        let before = state.stateHash
        state.remember(Response(status: 200, body: ["ok": true]), forKey: "tool\u{0}k")
        #expect(state.stateHash != before)
        #expect(state.stateHash == state.stateHashFromScratch)
        state.remember(Response(status: 201, body: ["ok": false]), forKey: "tool\u{0}k")
        #expect(state.stateHash == state.stateHashFromScratch)
        #expect(state.idempotentResponses.count == 1)
    }
}
