/// A fault that changes only what the agent sees of a successful response.
///
/// Each kind is a small value type; `apply` returns whether it changed anything (a field fault on
/// a body without that field does nothing and is not reported as fired).
protocol ResponseFault {
    func apply(to response: inout Response, context: ResponseFaultContext, using rng: inout RandomStream) -> Bool
}

/// What a response fault may consult: the tool, the state after the call, the list page.
struct ResponseFaultContext {
    var tool: ToolEntry
    var state: WorldState
    var page: Page?
    var fieldProjection: [String]?
}

extension FaultKind {
    /// Whether the kind acts in the decoder on successful responses (as opposed to deciding
    /// whether effects happen, or cutting the rendered text short).
    var actsInDecoder: Bool { responseFault != nil }

    /// Whether the kind acts in the decoder stage at all: a response fault, or `malformed_json`.
    var actsInDecoderStage: Bool { self == .malformedJSON || actsInDecoder }

    var responseFault: (any ResponseFault)? {
        switch self {
        case .missingField(let field): MissingField(field: field)
        case .nullField(let field): NullField(field: field)
        case .wrongType(let field): WrongType(field: field)
        case .renamedField(let field, let to): RenamedField(field: field, to: to)
        case .injection(let field, let text): Injection(field: field, text: text)
        case .staleRead: StaleRead()
        case .pageGap: PageGap()
        case .pageDuplicate: PageDuplicate()
        case .emptyResult: EmptyResult()
        case .errorInOK: ErrorInOK()
        case .latencySpike, .timeout, .timeoutAfterCommit, .serverError, .rateLimited, .malformedJSON,
            .duplicateDelivery:
            nil
        }
    }

    /// Applies the kind's response fault, if it has one.
    func apply(to response: inout Response, context: ResponseFaultContext, using rng: inout RandomStream) -> Bool {
        responseFault?.apply(to: &response, context: context, using: &rng) ?? false
    }
}
