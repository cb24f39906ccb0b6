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

    @Test("the state hash is the SHA-256 of the documented bytes (trace format 3), pinned")
    func pinnedDigestHash() throws {
        var state = try Self.state()
        // One row: the collection's digest is the SHA-256 of `[null,ROW]` itself.
        #expect(
            SHA256.hexDigest(Array(#"[null,{"id":"T-1","status":"open"}]"#.utf8))
                == "a0b77c7ff3b3cdd6327387a837758cd34233fc8a7bddcdb36dcb0b5921eec31d")
        // Computed by a separate implementation of docs/trace-format.md (Python's hashlib): the
        // collection's term is SHA-256(07 "tickets" DIGEST 01 00); the state's bytes are
        // TERM, 32 zero bytes (no idempotent responses), now 1234 (d2 09), the service's regime 1,
        // calls 2, bucket level 2000000 (80 89 7a) and last refill 100 (64), the tools' calls 2, 0.
        let bytes = Self.hexBytes(
            "bce3bc119499fb4e3f32e94712e326a51ccbcd9a32706624ffaf861ee1442453" + String(repeating: "00", count: 32)
                + "d209010280897a640200")
        #expect(SHA256.hexDigest(bytes) == "654c04c4ef25ae84a6fee70cb5b0097010ed102f2cd7510b8b3ab370eb8853bc")
        #expect(state.stateHash == "654c04c4ef25ae84a6fee70cb5b0097010ed102f2cd7510b8b3ab370eb8853bc")
        #expect(state.stateHashFromScratch == state.stateHash)
        #expect(state.settledStateHash() == state.stateHash)
    }

    @Test("the state hash covers each collection's name, id counter and last created id, and the idempotency digest")
    func definitionByHand() throws {
        var state = try Self.state()
        try state.data.add(EntityCollection(name: "notes", rows: []))
        try state.data.modify("notes") { notes throws(EntityStoreError) in
            let id = notes.generateID()
            try notes.insert(["id": .string(id), "text": "hi"])
        }
        state.remember(Response(status: 200, body: ["ok": true]), forKey: "tool\u{0}k")
        // The bytes, written out by hand from docs/trace-format.md.
        func uint(_ value: UInt64) -> [UInt8] {
            var rest = value
            var out: [UInt8] = []
            while rest >= 0x80 {
                out.append(UInt8(rest & 0x7F) | 0x80)
                rest >>= 7
            }
            return out + [UInt8(rest)]
        }
        func text(_ value: String) -> [UInt8] { uint(UInt64(value.utf8.count)) + Array(value.utf8) }
        func digestBytes(_ digest: StateDigest) -> [UInt8] { Self.hexBytes(digest.hex) }
        func term(_ bytes: [UInt8]) -> StateDigest { StateDigest(hashing: bytes) }
        let tickets = try #require(state.data["tickets"])
        let notes = try #require(state.data["notes"])
        #expect(notes.lastCreatedID == "NT-1")
        var data = term(text("tickets") + digestBytes(tickets.digestFromScratch) + uint(1) + [0])
        data.add(term(text("notes") + digestBytes(notes.digestFromScratch) + uint(2) + [1] + text("NT-1")))
        let idempotency = term(
            Array(JSON.array(["tool\u{0}k", Response(status: 200, body: ["ok": true]).json]).canonicalBytes))
        let bytes =
            digestBytes(data) + digestBytes(idempotency) + uint(1234) + uint(1) + uint(2) + uint(2_000_000) + uint(100)
            + uint(2) + uint(0)
        let expected = SHA256.hexDigest(bytes)
        #expect(state.stateHash == expected)
        #expect(state.stateHashFromScratch == expected)
        #expect(state.settledStateHash() == expected)
        // The values a step changes count.
        var later = state
        later.now += 1
        #expect(later.settledStateHash() != expected)
        var called = state
        called.services[0].calls += 1
        #expect(called.settledStateHash() != expected)
        #expect(called.stateHash == called.stateHashFromScratch)
    }

    /// The bytes of a string of hex digits.
    static func hexBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map {
            UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
        }
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
