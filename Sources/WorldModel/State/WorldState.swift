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

    /// Creates a state.
    package init(data: EntityStore, now: Int64 = 0, services: [ServiceState], toolCalls: [Int]) {
        self.data = data
        self.now = now
        self.services = services
        self.toolCalls = toolCalls
        idempotentResponses = [:]
        idempotencyDigest = .zero
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
    /// regimes, buckets, call counters and remembered idempotent responses (trace format 2,
    /// docs/trace-format.md, "The state hash"). It hashes a small document of the digests each
    /// collection and the idempotency memory keep up to date on write, so it costs what the
    /// world's shape costs (collections, services, tools), not what its data weighs.
    package var stateHash: String {
        // The document of `hashDocument`, written byte by byte: no JSON values to build.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(128 + 128 * data.collections.count + 128 * services.count + 8 * toolCalls.count)
        JSON.append("{\"data\":{", to: &bytes)
        let collections = data.collections
        let order = collections.indices.sorted {
            collections[$0].name.utf8.lexicographicallyPrecedes(collections[$1].name.utf8)
        }
        for (offset, index) in order.enumerated() {
            let collection = collections[index]
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            JSON.writeEscaped(collection.name, into: &bytes)
            JSON.append(":{\"digest\":", to: &bytes)
            collection.digest.writeHex(into: &bytes)
            JSON.append(",\"last_created\":", to: &bytes)
            if let id = collection.lastCreatedID {
                JSON.writeEscaped(id, into: &bytes)
            } else {
                JSON.append("null", to: &bytes)
            }
            JSON.append(",\"next_id\":", to: &bytes)
            JSONNumber.writeInteger(Int64(collection.nextIDNumber), into: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        JSON.append("},\"idempotency\":", to: &bytes)
        idempotencyDigest.writeHex(into: &bytes)
        JSON.append(",\"now_ms\":", to: &bytes)
        JSONNumber.writeInteger(now, into: &bytes)
        JSON.append(",\"services\":", to: &bytes)
        JSON.array(services.map(\.json)).writeCanonical(into: &bytes)
        JSON.append(",\"tool_calls\":[", to: &bytes)
        for (offset, calls) in toolCalls.enumerated() {
            if offset > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONNumber.writeInteger(Int64(calls), into: &bytes)
        }
        JSON.append("]}", to: &bytes)
        return SHA256.hexDigest(bytes)
    }

    /// `stateHash` after settling every collection's digest (`EntityCollection.settleDigest`):
    /// what a traced step calls, so the next hash pays only for the rows written after it.
    package mutating func settledStateHash() -> String {
        for index in data.collections.indices { data[index: index].settleDigest() }
        return stateHash
    }

    /// `stateHash` by its definition, computed from the rows and responses alone, ignoring every
    /// digest kept up to date on write (tests compare the two after every step).
    package var stateHashFromScratch: String {
        var idempotency = StateDigest.zero
        for (key, response) in idempotentResponses {  // A sum: the order does not matter.
            idempotency.add(Self.idempotencyTerm(key: key, response: response))
        }
        return SHA256.hexDigest(
            hashDocument(collectionDigest: \.digestFromScratch, idempotency: idempotency).canonicalBytes)
    }

    /// SHA-256 (hex) of the canonical JSON of the whole latent state (`json`): the state hash of
    /// trace format 1, kept as the baseline the benchmarks measure the digests against.
    package var wholeStateHash: String { SHA256.hexDigest(json.canonicalBytes) }

    /// The state hash document with each collection's digest read by `collectionDigest`:
    /// `{"data": {NAME: {"digest", "last_created", "next_id"}}, "idempotency", "now_ms",
    /// "services", "tool_calls"}`, whose canonical bytes the state hash is the SHA-256 of.
    private func hashDocument(collectionDigest: (EntityCollection) -> StateDigest, idempotency: StateDigest)
        -> JSON
    {
        var collections = JSONObject(minimumCapacity: data.collections.count)
        for collection in data.collections {
            collections[collection.name] = [
                "digest": .string(collectionDigest(collection).hex),
                "last_created": collection.lastCreatedID.map(JSON.string) ?? .null,
                "next_id": .int(Int64(collection.nextIDNumber)),
            ]
        }
        let document: JSON = [
            "data": .object(collections),
            "idempotency": .string(idempotency.hex),
            "now_ms": .int(now),
            "services": .array(services.map(\.json)),
            "tool_calls": .array(toolCalls.map { .int(Int64($0)) }),
        ]
        return document
    }

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

    /// Spelled out field by field (docs/trace-format.md, "The state hash").
    var json: JSON {
        var object: JSONObject = ["regime": .int(regime), "calls": .int(calls)]
        if let bucket { object["bucket"] = .string(bucket.stateText) }
        return .object(object)
    }
}
