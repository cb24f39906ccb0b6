import Foundation
import Sandbox
import Scenarios
import WorldModel

/// The options `run` and `serve` share: fault selection, approvals and scopes.
struct EpisodeOptions {
    var overlay: String?
    var noFaults: Bool
    var approvals: String
    var scopes: String?
    /// `scopes` parsed (`EpisodePolicy.scopes(parsing:)`).
    var grantedScopes: Set<String>?

    /// Reads `--faults`, `--no-faults`, `--approvals` and `--scopes`.
    static func read(_ arguments: inout ArgumentList) throws(UsageError) -> EpisodeOptions {
        let overlay = try arguments.option("--faults")
        let noFaults = arguments.flag("--no-faults")
        if overlay != nil && noFaults {
            throw UsageError(command: arguments.command, message: "--faults and --no-faults exclude each other")
        }
        let scopes = try arguments.option("--scopes")
        var granted: Set<String>?
        if let scopes {
            do throws(ScopeListError) {
                granted = try EpisodePolicy.scopes(parsing: scopes)
            } catch {
                throw UsageError(command: arguments.command, message: "--scopes: \(error)")
            }
        }
        return EpisodeOptions(
            overlay: overlay, noFaults: noFaults,
            approvals: try arguments.choice("--approvals", ["auto", "deny"]) ?? "auto",
            scopes: scopes, grantedScopes: granted)
    }

    var selection: FaultSelection { noFaults ? .none : overlay.map { .overlay(path: $0) } ?? .scenario }

    var policy: EpisodePolicy {
        EpisodePolicy(
            scopes: grantedScopes,
            approvals: approvals == "deny" ? .deny : .auto)
    }

    /// Loads the scenario with these options applied, and the fault description for traces.
    func load(_ file: String) throws -> (Scenario, TraceHeader.Faults) {
        let scenario = try ScenarioLoader.load(contentsOf: ScenarioLoader.resolve(file), faults: selection)
        let faults = TraceHeader.Faults(
            mode: noFaults ? .none : overlay == nil ? .scenario : .overlay, overlayPath: overlay,
            overlaySHA256: try overlay.map { try FaultOverlay.load(contentsOf: $0, for: scenario).sha256 })
        return (scenario, faults)
    }

    /// These options as `simrun` arguments (for the server an external agent starts).
    var arguments: [String] {
        var list: [String] = []
        if let overlay { list += ["--faults", overlay] }
        if noFaults { list.append("--no-faults") }
        list += ["--approvals", approvals]
        if let scopes { list += ["--scopes", scopes] }
        return list
    }
}
