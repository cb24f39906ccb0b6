/// One rule of the fault catalogue: which calls it may hit, how likely, and what it does.
///
/// Whether a rule fires on a call is drawn from its own keyed stream
/// (`seed, "fault", rule id, tool, call number`), so adding, removing or changing one rule never
/// changes which calls another rule hits.
package struct FaultRule: Sendable {
    /// The rule's id, unique in a world; overlays replace or disable rules by id.
    package var id: String
    /// Which calls the rule applies to.
    package var target: FaultTarget
    /// What the rule does when it fires.
    package var kind: FaultKind
    /// An optional condition over `args`; the rule is considered only when it is true.
    package var when: CompiledExpression?
    /// If set, the rule is considered only on these 1-based call numbers of the tool.
    package var calls: [Int]?
    /// The probability that the rule fires on a call it applies to.
    package var probability: Double

    /// Creates a rule.
    package init(
        id: String, target: FaultTarget, kind: FaultKind, when: CompiledExpression? = nil, calls: [Int]? = nil,
        probability: Double = 1
    ) {
        self.id = id
        self.target = target
        self.kind = kind
        self.when = when
        self.calls = calls
        self.probability = probability
    }
}

/// The calls a fault rule selects.
package enum FaultTarget: Sendable, Hashable {
    /// Every call of every tool (`"tool": "*"`).
    case all
    /// Calls of one tool.
    case tool(String)
    /// Calls of every tool of one service.
    case service(String)

    /// Whether a call of `tool` (answered by `service`) is selected.
    package func selects(tool: String, service: String) -> Bool {
        switch self {
        case .all: true
        case .tool(let name): name == tool
        case .service(let name): name == service
        }
    }
}
