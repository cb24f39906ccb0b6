import Foundation
import Sandbox
import Scenarios
import WorldModel

/// The options `run` and `serve` share: fault selection, approvals and scopes.
struct EpisodeOptions {
    var faults: FaultSelection
    var approvals: ApprovalMode
    /// The scopes `--scopes` grants (`EpisodePolicy.scopes(parsing:)`), or `nil` for all.
    var scopes: Set<String>?

    /// The options' table entries, in help order.
    static let specs: [OptionSpec] = [
        .value("--faults", "FILE", help: "a fault overlay: add, replace or disable fault rules by id"),
        .flag("--no-faults", help: "no fault rules at all (service regimes still apply)"),
        .choice(
            "--approvals", "MODE", [ApprovalMode.auto, .deny],
            help: "auto (default): approval-gated calls are granted and recorded; deny: they are refused with 403"),
        .value(
            "--scopes", "LIST", help: "grant only these capability scopes (comma-separated); default all"),
    ]

    /// The options that exclude each other.
    static let exclusive = [["--faults", "--no-faults"]]

    /// Reads `--faults`, `--no-faults`, `--approvals` and `--scopes`.
    init(_ arguments: ParsedArguments) throws(UsageError) {
        faults =
            arguments.flag("--no-faults") ? .none : arguments.value("--faults").map { .overlay(path: $0) } ?? .scenario
        approvals = arguments.choice("--approvals", as: ApprovalMode.self) ?? .auto
        if let list = arguments.value("--scopes") {
            do throws(ScopeListError) {
                scopes = try EpisodePolicy.scopes(parsing: list)
            } catch {
                throw UsageError(command: arguments.command, message: "--scopes: \(error)")
            }
        }
    }

    var policy: EpisodePolicy {
        guard let approvalPolicy = ApprovalPolicy(approvals) else {
            preconditionFailure("--approvals offers only modes that need no code")
        }
        return EpisodePolicy(scopes: scopes, approvals: approvalPolicy)
    }

    /// Loads the scenario FILE (a path or a shipped scenario's name) with the fault selection
    /// applied; the scenario records the fault provenance itself.
    func load(_ file: String) throws(ScenarioLoadError) -> Scenario {
        try ScenarioLoader.load(contentsOf: ScenarioLoader.resolve(file), faults: faults)
    }
}
