/// Per-call probabilities of each `ServiceError` in one regime; the remainder is the
/// probability of no service error.
///
/// `sample(using:)` picks at most one error per call from one uniform draw, by cumulative
/// probability in the fixed order server_error, timeout, rate_limited, bad_gateway.
package struct ServiceErrorRates: Sendable, Hashable {
    /// Probability of `server_error`.
    package var serverError: Double
    /// Probability of `timeout`.
    package var timeout: Double
    /// Probability of `rate_limited`.
    package var rateLimited: Double
    /// Probability of `bad_gateway`.
    package var badGateway: Double

    /// No service errors at all.
    package static let none = ServiceErrorRates()

    /// Rates for each error; omitted ones are 0.
    package init(serverError: Double = 0, timeout: Double = 0, rateLimited: Double = 0, badGateway: Double = 0) {
        self.serverError = serverError
        self.timeout = timeout
        self.rateLimited = rateLimited
        self.badGateway = badGateway
    }

    /// The rate of one error.
    package subscript(error: ServiceError) -> Double {
        get {
            switch error {
            case .serverError: serverError
            case .timeout: timeout
            case .rateLimited: rateLimited
            case .badGateway: badGateway
            }
        }
        set {
            switch error {
            case .serverError: serverError = newValue
            case .timeout: timeout = newValue
            case .rateLimited: rateLimited = newValue
            case .badGateway: badGateway = newValue
            }
        }
    }

    /// The probability that a call gets some service error (negative rates count as 0).
    package var total: Double {
        ServiceError.allCases.reduce(0) { $0 + Swift.max(self[$1], 0) }
    }

    /// The probability of `outcome` on one call: `nil` means no error (`1 − total`, at least 0).
    package func probability(of outcome: ServiceError?) -> Double {
        guard let outcome else { return Swift.max(1 - total, 0) }
        return Swift.max(self[outcome], 0)
    }

    /// Decides the service error of one call, or `nil` for none. Always draws exactly one word.
    package func sample(using rng: inout RandomStream) -> ServiceError? {
        let u = rng.nextDouble()
        var cumulative = 0.0
        for error in ServiceError.allCases {
            cumulative += Swift.max(self[error], 0)
            if u < cumulative { return error }
        }
        return nil
    }

    /// Checks each rate is in `[0, 1]` and that they sum to at most 1.
    package func validate() throws(ServiceModelError) {
        for error in ServiceError.allCases {
            let rate = self[error]
            guard rate >= 0 && rate <= 1 else {
                throw .invalidValue(
                    at: ServiceModelLocation(.errorRate(error)), expected: "a probability in [0, 1]",
                    found: rate.errorText)
            }
        }
        guard total <= 1 + 1e-9 else {
            throw .invalidValue(
                at: ServiceModelLocation(.errorRates), expected: "probabilities summing to at most 1",
                found: "a sum of \(total.errorText)")
        }
    }
}
