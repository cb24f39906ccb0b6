/// The latent state z of a world: what the agent never sees directly.
///
/// A value: copying it is a snapshot, and the initial state can be handed to any number of
/// episodes in O(1).
package struct WorldState: Sendable, Hashable {
    /// The entity store D.
    package var data: EntityStore
    /// The virtual clock, in milliseconds since the episode began.
    package var now: Int64
    /// Per service (in `WorldSpec.services` order): regime, rate-limit bucket, calls so far.
    package var services: [ServiceState]
    /// Per tool (in `WorldSpec.tools` order): calls so far.
    package var toolCalls: [Int]
    /// Responses remembered by idempotency key: `tool`, NUL, key → response (written through
    /// `remember(_:forKey:)`, which keeps `idempotencyDigest` up to date).
    package private(set) var idempotentResponses: [String: Response]
    /// The sum (`StateDigest`) over remembered responses of the SHA-256 of the canonical JSON
    /// `[KEY, RESPONSE]`: their part of the state hash, kept up to date on write.
    package private(set) var idempotencyDigest: StateDigest
    /// Each collection's term of the state hash as last computed (derived: not part of equality).
    private var collectionTerms = _CollectionTerms()

    /// Creates a state.
    package init(data: EntityStore, now: Int64 = 0, services: [ServiceState], toolCalls: [Int]) {
        self.data = data
        self.now = now
        self.services = services
        self.toolCalls = toolCalls
        idempotentResponses = [:]
        idempotencyDigest = .zero
        // A world's initial state is made once and copied into every episode: computing the
        // terms now spares each episode's first traced step from doing it.
        _ = settledDataDigest()
    }

    /// Remembers `response` for the idempotency `key` (replacing what was remembered for it).
    package mutating func remember(_ response: Response, forKey key: String) {
        if let old = idempotentResponses.updateValue(response, forKey: key) {
            idempotencyDigest.subtract(Self.idempotencyTerm(key: key, response: old))
        }
        idempotencyDigest.add(Self.idempotencyTerm(key: key, response: response))
    }

    /// The digest term of one remembered response: SHA-256 of the canonical `[key, response]`.
    private static func idempotencyTerm(key: String, response: Response) -> StateDigest {
        StateDigest(hashing: JSON.array([.string(key), response.json]).canonicalBytes)
    }

    /// SHA-256 (hex) of the canonical JSON of the data; equal data, equal hash, on every platform.
    package var dataHash: String { SHA256.hexDigest(data.json.canonicalBytes) }

    /// SHA-256 (hex) of everything observable about the latent state: data, id counters, clock,
    /// regimes, buckets, call counters and remembered idempotent responses (trace format 3,
    /// docs/trace-format.md, "The state hash"). It hashes about a hundred bytes: the sum of the
    /// collections' terms (each from the digest the collection keeps up to date on write), the
    /// idempotency digest, and the few numbers a step changes; the scenario's configuration is
    /// left out (the trace header pins it). So it costs what the world's shape costs, not what its
    /// data weighs, and a collection no step touched costs a comparison (`_CollectionTerms`).
    package var stateHash: String {
        let collections = data.collections
        let dataDigest = collections.withUnsafeBufferPointer { collections in  // No copy of each collection.
            var sum = StateDigest.zero
            for index in collections.indices { sum.add(collectionTerms.term(of: collections[index], at: index)) }
            return sum
        }
        return stateHash(data: dataDigest, idempotency: idempotencyDigest)
    }

    /// `stateHash` after settling every collection's digest (`EntityCollection.settleDigest`) and
    /// term: what a traced step calls, so the next hash pays only for what is written after it.
    package mutating func settledStateHash() -> String {
        stateHash(data: settledDataDigest(), idempotency: idempotencyDigest)
    }

    /// The sum of the collections' terms, settling each collection's digest and term on the way.
    private mutating func settledDataDigest() -> StateDigest {
        for index in data.collections.indices where !data.collections[index].isDigestSettled {
            data[index: index].settleDigest()
        }
        let collections = data.collections
        return collections.withUnsafeBufferPointer { collections in
            var sum = StateDigest.zero
            for index in collections.indices { sum.add(collectionTerms.settle(collections[index], at: index)) }
            return sum
        }
    }

    /// `stateHash` by its definition, computed from the rows and responses alone, ignoring every
    /// digest and term kept up to date on write (tests compare the two after every step).
    package var stateHashFromScratch: String {
        var idempotency = StateDigest.zero
        for (key, response) in idempotentResponses {  // A sum: the order does not matter.
            idempotency.add(Self.idempotencyTerm(key: key, response: response))
        }
        var dataDigest = StateDigest.zero
        for collection in data.collections {  // A sum: the order does not matter.
            dataDigest.add(
                StateHashEncoder.collectionTerm(
                    name: collection.name, digest: collection.digestFromScratch, nextID: collection.nextIDNumber,
                    lastCreatedID: collection.lastCreatedID))
        }
        return stateHash(data: dataDigest, idempotency: idempotency)
    }

    /// The state hash with the collections' part `data` and the idempotency part `idempotency`.
    private func stateHash(data: StateDigest, idempotency: StateDigest) -> String {
        StateHashEncoder.stateHash(
            data: data, idempotency: idempotency, now: now, services: services, toolCalls: toolCalls)
    }

    /// SHA-256 (hex) of the canonical JSON of the whole latent state (`json`): the state hash of
    /// trace format 1, kept as the baseline the benchmarks measure the digests against.
    package var wholeStateHash: String { SHA256.hexDigest(json.canonicalBytes) }

    /// The latent state as JSON (for hashes, traces and `--state-at`).
    package var json: JSON {
        var idempotency = JSONObject()
        for key in idempotentResponses.keys.sorted() {
            idempotency[key] = idempotentResponses[key]!.json
        }
        return [
            "data": data.json,
            "now_ms": .int(now),
            "services": .array(services.map(\.json)),
            "tool_calls": .array(toolCalls.map { .int($0) }),
            "idempotency": .object(idempotency),
        ]
    }
}

/// The latent state of one service.
package struct ServiceState: Sendable, Hashable {
    /// The index of the current regime in the service's `RegimeChain`.
    package var regime: Int
    /// The rate-limit bucket, if the service has one.
    package var bucket: TokenBucket?
    /// How many calls the service has answered.
    package var calls: Int

    /// Creates a service state.
    package init(regime: Int, bucket: TokenBucket?, calls: Int = 0) {
        self.regime = regime
        self.bucket = bucket
        self.calls = calls
    }

    /// Spelled out field by field, for the whole-state JSON (`WorldState.json`: `--state-at`,
    /// the state hash of trace format 1; docs/trace-format.md, "The state hash").
    var json: JSON {
        var object: JSONObject = ["regime": .int(regime), "calls": .int(calls)]
        if let bucket { object["bucket"] = .string(bucket.stateText) }
        return .object(object)
    }
}
