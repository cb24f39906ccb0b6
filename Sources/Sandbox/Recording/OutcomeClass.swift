/// What became of a recorded call, in the five classes learning fits error rates to.
///
/// HTTP-like statuses map as real APIs use them: 429 is `rateLimited`, 408 and 504 (and a call
/// that never got an answer) are `timeout`, other 4xx `clientError`, 5xx (and any status below
/// 100 or from 600) `serverError`, everything else `ok`.
package enum OutcomeClass: String, Sendable, Hashable, CaseIterable {
    /// The call succeeded.
    case ok
    /// The call was refused for something the caller did (4xx other than 408 and 429).
    case clientError = "client_error"
    /// The service failed (5xx other than 504, or a tool error whose cause is unknown).
    case serverError = "server_error"
    /// No answer in time (408, 504, or no response at all).
    case timeout
    /// Too many requests (429).
    case rateLimited = "rate_limited"

    /// The class of an HTTP-like status.
    package init(status: Int) {
        switch status {
        case 429: self = .rateLimited
        case 408, 504: self = .timeout
        case 400..<500: self = .clientError
        case 100..<400: self = .ok
        default: self = .serverError
        }
    }
}
