import WorldModel

/// A fault overlay (`--faults FILE`): changes a scenario's fault rules without editing it.
///
/// Format: `{"simrun_faults": 1, "faults": [rules…], "disable": ["rule-id", …]}`. A rule whose
/// id the scenario already has replaces that rule in place; a new id is added at the end;
/// `disable` removes rules by id (an unknown id is an error, so typos are caught).
package struct FaultOverlay: Sendable {
    /// Rules to add or replace, in file order.
    package var rules: [FaultRule]
    /// Ids of rules to remove.
    package var disabled: [String]
    /// SHA-256 (hex) of the overlay's canonical form, recorded in traces.
    package var sha256: String

    /// Loads and checks an overlay against `scenario` (tool and service names, rule ids).
    package static func load(contentsOf path: String, for scenario: Scenario) throws(ScenarioLoadError) -> FaultOverlay
    {
        let document = try ScenarioLoader.parse(try ScenarioLoader.readFile(path), file: path)
        return try load(document, file: path, for: scenario)
    }

    /// Checks a parsed overlay against `scenario`.
    package static func load(_ document: JSON, file: String, for scenario: Scenario) throws(ScenarioLoadError)
        -> FaultOverlay
    {
        var reader = ScenarioReader(file: file)
        var rules: [FaultRule] = []
        var disabled: [String] = []
        if let root = reader.object(
            document, "", allowed: ["simrun_faults", "faults", "disable", "description"], required: ["simrun_faults"])
        {
            if let version = root["simrun_faults"], reader.integer(version, "simrun_faults") != 1,
                case .number = version
            {
                reader.report("simrun_faults", "this build reads fault overlay version 1, found \(version)")
            }
            var catalog = Catalog(
                data: scenario.world.spec.initialData.collections.map { ($0.name, $0.rows) },
                services: scenario.world.spec.services.map(\.name))
            catalog.tools = scenario.world.tools.map(\.name)
            catalog.toolSpecs = scenario.world.tools
            rules = reader.readFaults(root["faults"], path: "faults", catalog: catalog)
            let known = scenario.world.spec.faults.map(\.id)
            for (index, value) in (reader.array(root["disable"], "disable") ?? []).enumerated() {
                guard let id = reader.string(value, ScenarioReader.join("disable", index)) else { continue }
                if known.contains(id) {
                    disabled.append(id)
                } else {
                    reader.report(
                        ScenarioReader.join("disable", index),
                        "the scenario has no fault rule '\(id)'\(ScenarioReader.suggestion(id, among: known))")
                }
            }
        }
        guard reader.issues.isEmpty else {
            throw ScenarioLoadError(issues: IssueOrder.sorted(reader.issues, in: document))
        }
        return FaultOverlay(rules: rules, disabled: disabled, sha256: document.canonicalSHA256)
    }

    /// The scenario's rules with this overlay applied.
    package func apply(to original: [FaultRule]) -> [FaultRule] {
        var result = original.filter { !disabled.contains($0.id) }
        for rule in rules {
            if let index = result.firstIndex(where: { $0.id == rule.id }) {
                result[index] = rule
            } else {
                result.append(rule)
            }
        }
        return result
    }
}
