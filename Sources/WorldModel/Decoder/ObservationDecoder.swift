/// The decoder `D(z', outcome, rng) → observation`: applies the faults that change only what the
/// agent sees, then renders the response as text with headers.
package enum ObservationDecoder {
    /// Decodes `outcome` of a call on `world` (with `state` the state after the call): applies
    /// its decoder fault rules in declaration order (each from its keyed stream of `seed`), then
    /// renders, then cuts the body short for `malformed_json`.
    package static func decode(_ outcome: Outcome, world: World, state: WorldState, seed: UInt64) -> Observation {
        guard !outcome.decoderFaults.isEmpty, let toolNumber = outcome.toolNumber else {
            return render(outcome.response, latencyMs: outcome.latencyMs, faults: outcome.faults)
        }
        let tool = world.toolEntries[toolNumber]
        var response = outcome.response
        var faults = outcome.faults
        var malformed: Int?
        var rng = RandomStream.site(seed, "decode", tool.name, outcome.callNumber)
        let context = ResponseFaultContext(tool: tool, state: state, page: outcome.page, fieldProjection: tool.fields)
        for rule in outcome.decoderFaults {
            let kind = world.spec.faults[rule].kind
            if kind == .malformedJSON {
                if malformed == nil { malformed = rule }
                continue
            }
            if kind.apply(to: &response, context: context, using: &rng) {
                faults.append(world.spec.faults[rule].id)
            }
        }
        var observation = render(response, latencyMs: outcome.latencyMs, faults: faults)
        if let malformed, response.isSuccess {
            var rng = RandomStream.site(seed, "malformed", tool.name, outcome.callNumber)
            observation.body = MalformedJSON.truncate(observation.body, using: &rng)
            observation.faults.append(world.spec.faults[malformed].id)
        }
        return observation
    }

    /// Renders `response`: JSON bodies as canonical JSON with `Content-Type: application/json`;
    /// a string body with a `Content-Type` header of its own (an HTML page) as that text.
    package static func render(_ response: Response, latencyMs: Int64, faults: [String]) -> Observation {
        if response.headers.isEmpty {
            return Observation(
                status: response.status, latencyMs: latencyMs, body: response.body.canonicalText, headers: jsonHeaders,
                faults: faults)
        }
        var headers = response.headers
        let body: String
        if let index = headers.firstIndex(where: { $0.name == "Content-Type" }), case .string(let text) = response.body
        {
            body = text
            headers.insert(headers.remove(at: index), at: 0)
        } else {
            body = response.body.canonicalText
            headers.insert(ResponseHeader("Content-Type", "application/json"), at: 0)
        }
        return Observation(status: response.status, latencyMs: latencyMs, body: body, headers: headers, faults: faults)
    }

    /// The headers of a plain JSON response, shared (not rebuilt per call).
    private static let jsonHeaders = [ResponseHeader("Content-Type", "application/json")]
}
