/// What the latent transition produced for one call, before the decoder renders it:
/// the `outcome` of `T(z, a, rng) → (z', outcome)`.
///
/// The response is the service's answer after the faults that decide whether effects happen
/// (timeouts, server errors, rate limits, duplicate delivery); the faults that only change what
/// the agent sees are listed in `decoderFaults` for `ObservationDecoder.decode` to apply.
package struct Outcome: Sendable {
    /// The service's answer as JSON, before response faults and rendering.
    package var response: Response
    /// The simulated latency of the call, in virtual milliseconds (the clock has advanced by it).
    package var latencyMs: Int64
    /// Whether the call's effects were applied to the world (true for a timeout after commit).
    package var committed: Bool
    /// The name of the service's regime during the call (empty for an unknown tool).
    package var regime: String
    /// Ids of the fault rules (or `regime:…`/`rate_limit:…` markers) that acted in the transition.
    package var faults: [String]
    /// Indices (into `WorldSpec.faults`) of rules that fired and act in the decoder, in
    /// declaration order; empty when the call did not reach the operation.
    package var decoderFaults: [Int]
    /// The tool's index in `WorldSpec.tools`, or `nil` for an unknown tool.
    package var toolNumber: Int?
    /// The 1-based number of this call of the tool.
    package var callNumber: Int
    /// For lists: which rows the page showed, for the page faults.
    var page: Page?

    /// An outcome that never reached a service (unknown tool, invalid arguments).
    static func immediate(_ response: Response, regime: String, toolNumber: Int?, callNumber: Int) -> Outcome {
        Outcome(
            response: response, latencyMs: 0, committed: false, regime: regime, faults: [], decoderFaults: [],
            toolNumber: toolNumber, callNumber: callNumber, page: nil)
    }
}
