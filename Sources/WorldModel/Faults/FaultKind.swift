/// The fault catalogue: every way a simulated service can misbehave.
///
/// Faults that decide whether the call's effects happen (`timeout`, `timeoutAfterCommit`,
/// `serverError`, `rateLimited`, `duplicateDelivery`) act in the transition; the others change
/// only what the agent sees and act in the decoder.
package enum FaultKind: Sendable, Hashable {
    /// Adds `ms` of latency; past the service's timeout the call becomes a timeout.
    case latencySpike(ms: Int64)
    /// The call times out before reaching the service: nothing is applied.
    case timeout
    /// The call is applied but the response is lost: the agent sees a timeout. The ambiguous case.
    case timeoutAfterCommit
    /// The service fails with `status` (500, 502 or 503), as a JSON error or an HTML page; nothing is applied.
    case serverError(status: Int, html: Bool)
    /// 429 with `Retry-After`; nothing is applied.
    case rateLimited(retryAfterMs: Int64)
    /// The body is cut short so it no longer parses.
    case malformedJSON
    /// Status 200 with an error body.
    case errorInOK
    /// A field is removed from the returned row (or from one item of a list).
    case missingField(field: String)
    /// A field is set to null.
    case nullField(field: String)
    /// A field's value gets another JSON type (a number becomes a string, and so on).
    case wrongType(field: String)
    /// A field appears under another name (schema drift).
    case renamedField(field: String, to: String)
    /// A read returns an older version of the row(s).
    case staleRead
    /// A list page loses one item that no other page shows.
    case pageGap
    /// A list page repeats an item from elsewhere in the listing.
    case pageDuplicate
    /// A read answers as if nothing matched.
    case emptyResult
    /// The effect is applied twice (a duplicated delivery of the request).
    case duplicateDelivery
    /// Adversarial `text` is placed in a free-text `field`.
    case injection(field: String, text: String)

    /// A kind's name as written in scenario files, e.g. `timeout_after_commit`: the one
    /// vocabulary of fault kinds, in catalogue order. The scenario reader, its did-you-mean
    /// suggestions and the tests that hold `scenarios/schema.json` to the loader all read it.
    package enum Name: String, Sendable, Hashable, CaseIterable {
        case latencySpike = "latency_spike"
        case timeout = "timeout"
        case timeoutAfterCommit = "timeout_after_commit"
        case serverError = "server_error"
        case rateLimited = "rate_limited"
        case malformedJSON = "malformed_json"
        case errorInOK = "error_in_ok"
        case missingField = "missing_field"
        case nullField = "null_field"
        case wrongType = "wrong_type"
        case renamedField = "renamed_field"
        case staleRead = "stale_read"
        case pageGap = "page_gap"
        case pageDuplicate = "page_duplicate"
        case emptyResult = "empty_result"
        case duplicateDelivery = "duplicate_delivery"
        case injection = "injection"
    }

    /// The kind's entry in the vocabulary of names.
    package var kindName: Name {
        switch self {
        case .latencySpike: .latencySpike
        case .timeout: .timeout
        case .timeoutAfterCommit: .timeoutAfterCommit
        case .serverError: .serverError
        case .rateLimited: .rateLimited
        case .malformedJSON: .malformedJSON
        case .errorInOK: .errorInOK
        case .missingField: .missingField
        case .nullField: .nullField
        case .wrongType: .wrongType
        case .renamedField: .renamedField
        case .staleRead: .staleRead
        case .pageGap: .pageGap
        case .pageDuplicate: .pageDuplicate
        case .emptyResult: .emptyResult
        case .duplicateDelivery: .duplicateDelivery
        case .injection: .injection
        }
    }

    /// The kind's name as written in scenario files, e.g. `timeout_after_commit`.
    package var name: String { kindName.rawValue }

    /// All kind names, in catalogue order (for error messages and suggestions).
    package static let allNames = Name.allCases.map(\.rawValue)
}
