import Foundation
import WorldModel

/// What an episode allows: the capability scopes it grants and how approval-gated calls are
/// decided.
public struct EpisodePolicy: Sendable {
    /// The scopes granted; `nil` grants every scope. A call of a tool whose scope is not granted
    /// answers 403 and fails the built-in scope check.
    public var scopes: Set<String>?
    /// How calls whose `approval` expression is true are decided.
    public var approvals: ApprovalPolicy

    /// Creates a policy; by default every scope is granted and approvals are automatic.
    public init(scopes: Set<String>? = nil, approvals: ApprovalPolicy = .auto) {
        self.scopes = scopes
        self.approvals = approvals
    }

    /// Grants every scope and approves automatically (recorded in the trace).
    public static let permissive = EpisodePolicy()
}

/// How approval-gated calls are decided.
public enum ApprovalPolicy: Sendable {
    /// Every gated call is approved (and the approval recorded).
    case auto
    /// Every gated call is refused with 403 `approval_denied`.
    case deny
    /// The embedding code decides each request.
    case callback(@Sendable (ApprovalRequest) async -> Bool)

    /// The policy's mode, as recorded in traces.
    public var mode: ApprovalMode {
        switch self {
        case .auto: .auto
        case .deny: .deny
        case .callback: .callback
        }
    }

    /// The policy of a mode that needs no code: `.auto` or `.deny`; `nil` for `.callback`.
    public init?(_ mode: ApprovalMode) {
        switch mode {
        case .auto: self = .auto
        case .deny: self = .deny
        case .callback: return nil
        }
    }
}

/// A call waiting for approval.
public struct ApprovalRequest: Sendable, Hashable {
    /// The tool being called.
    public var tool: String
    /// Its arguments.
    public var arguments: JSON
    /// The 1-based step number the call would be.
    public var step: Int

    /// Creates a request (episodes make them; tests of approval callbacks may too).
    public init(tool: String, arguments: JSON, step: Int) {
        self.tool = tool
        self.arguments = arguments
        self.step = step
    }
}

extension EpisodePolicy {
    /// Reads a comma-separated scope list (`--scopes crm.read,billing.write`): names trimmed of
    /// spaces, at least one, none empty. The error says what is wrong in words.
    package static func scopes(parsing text: String) throws(ScopeListError) -> Set<String> {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        if names.allSatisfy(\.isEmpty) { throw ScopeListError(text: text, problem: "the scope list is empty") }
        if let position = names.firstIndex(where: \.isEmpty) {
            throw ScopeListError(text: text, problem: "scope \(position + 1) of \(names.count) is empty")
        }
        return Set(names)
    }
}
