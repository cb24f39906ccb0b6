/// A service-level failure the transition can decide for a call, independent of the tool's
/// own logic (the scenario file's `errors` keys).
package enum ServiceError: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// An HTTP 500-class failure.
    case serverError = "server_error"
    /// The call does not answer before the service's timeout.
    case timeout
    /// HTTP 429 from the service's own regime (not from the agent-visible token bucket).
    case rateLimited = "rate_limited"
    /// HTTP 502 from a proxy in front of the service.
    case badGateway = "bad_gateway"

    /// Every error, in declaration order: stored once (the synthesized property builds an
    /// array on every use, and sampling reads it on every call).
    package static let allCases: [ServiceError] = [.serverError, .timeout, .rateLimited, .badGateway]

    /// The scenario file's name for it (`server_error`, …).
    package var description: String { rawValue }
}
