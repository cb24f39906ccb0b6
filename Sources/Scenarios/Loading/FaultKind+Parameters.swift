import WorldModel

extension FaultKind.Name {
    /// The members every fault rule may have, whatever its kind.
    package static let commonKeys = ["id", "kind", "tool", "service", "when", "calls", "p", "description"]

    /// The members a rule of this kind takes beyond the common ones, and which of those it
    /// requires: with `FaultKind.Name` the one table of fault kinds (the reader checks rules
    /// against it, and a test holds `scenarios/schema.json` to it).
    package var parameters: (allowed: [String], required: [String]) {
        switch self {
        case .latencySpike: (["ms"], ["ms"])
        case .serverError: (["status", "html"], [])
        case .rateLimited: (["retry_after_ms"], [])
        case .missingField, .nullField, .wrongType: (["field"], ["field"])
        case .renamedField: (["field", "to"], ["field", "to"])
        case .injection: (["field", "text"], ["field", "text"])
        case .timeout, .timeoutAfterCommit, .malformedJSON, .errorInOK, .staleRead, .pageGap, .pageDuplicate,
            .emptyResult, .duplicateDelivery:
            ([], [])
        }
    }
}
