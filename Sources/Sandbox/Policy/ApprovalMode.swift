/// How calls that need approval are decided, by name: the one vocabulary used by
/// `ApprovalPolicy.mode`, `simrun run|serve --approvals` and the trace header's
/// `policy.approvals` member.
public enum ApprovalMode: String, Sendable, Hashable, CaseIterable {
    /// Granted automatically (and recorded as `approved`).
    case auto
    /// Refused with 403 `approval_denied`.
    case deny
    /// Decided by the embedding code's callback; the trace records each decision.
    case callback
}
