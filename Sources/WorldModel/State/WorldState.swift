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
    /// Responses remembered by idempotency key: `tool`, NUL, key → response.
    package var idempotentResponses: [String: Response]

    /// Creates a state.
    package init(data: EntityStore, now: Int64 = 0, services: [ServiceState], toolCalls: [Int]) {
        self.data = data
        self.now = now
        self.services = services
        self.toolCalls = toolCalls
        idempotentResponses = [:]
    }

    /// SHA-256 (hex) of the canonical JSON of the data; equal data, equal hash, on every platform.
    package var dataHash: String { SHA256.hexDigest(data.json.canonicalBytes) }

    /// SHA-256 (hex) of everything observable about the latent state: data, clock, regimes,
    /// buckets, counters and remembered idempotent responses, in canonical form (`json`; the
    /// encoding is spelled out in docs/trace-format.md, "The state hash").
    package var stateHash: String { SHA256.hexDigest(json.canonicalBytes) }

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
