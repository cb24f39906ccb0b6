import Foundation
import WorldModel

/// A world file shared by a suite of scenarios: `simrun`, `name`, `description` and any of
/// `data`, `services`, `tools` and `faults`, nothing else (no task, checks or solution).
///
/// A scenario that says `"world": "retail-world.json"` (a path relative to the scenario file)
/// takes those four from it and adds or overrides its own: a collection, service, tool (by
/// `name`) or fault rule (by `id`) the scenario names again replaces the world's in place; new
/// ones follow the world's. Mistakes are reported in the file and at the JSON path they were
/// written in.
package struct WorldFile: Sendable {
    /// The path as resolved against the scenario's directory.
    package var path: String
    /// SHA-256 (hex) of the world file's canonical form: its identity in trace headers.
    package var sha256: String
    /// The parsed document.
    package var document: JSON

    /// The keys a world file may have.
    static let keys = ["$schema", "simrun", "name", "description", "data", "services", "tools", "faults"]
    /// The members a world file contributes to a scenario.
    static let sharedKeys = ["data", "services", "tools", "faults"]

    /// Whether a parsed document is a world file rather than a scenario: it has `simrun` and no
    /// `task`. Directory commands check world files through the scenarios that use them.
    package static func isWorld(_ document: JSON) -> Bool {
        guard case .object(let object) = document else { return false }
        return object["simrun"] != nil && object["task"] == nil && object["checks"] == nil
            && object["solution"] == nil
    }

    /// The path of `reference` (as written in a scenario's `world`) relative to the scenario file.
    static func resolve(_ reference: String, from scenarioFile: String) -> String {
        if reference.hasPrefix("/") { return reference }
        let directory = (scenarioFile as NSString).deletingLastPathComponent
        return directory.isEmpty ? reference : (directory as NSString).appendingPathComponent(reference)
    }

    /// Reads and checks the world file a scenario names at its `world` member.
    static func load(_ reference: JSON, scenarioFile: String) throws(ScenarioLoadError) -> WorldFile {
        guard case .string(let text) = reference, !text.isEmpty else {
            throw ScenarioLoadError(issues: [
                ScenarioIssue(
                    file: scenarioFile, path: "world",
                    message:
                        "expected the path of a world file (a string, relative to this file), found \(ScenarioReader.describe(reference))"
                )
            ])
        }
        let path = resolve(text, from: scenarioFile)
        let bytes: [UInt8]
        do throws(ScenarioLoadError) {
            bytes = try ScenarioLoader.readFile(path)
        } catch {
            throw ScenarioLoadError(
                issues: error.issues.map {
                    ScenarioIssue(
                        file: scenarioFile, path: "world", message: "the world file \(path.printable) \($0.message)")
                })
        }
        let document = try ScenarioLoader.parse(bytes, file: path)
        let issues = problems(document, file: path)
        guard issues.isEmpty else { throw ScenarioLoadError(issues: issues) }
        return WorldFile(path: path, sha256: document.canonicalSHA256, document: document)
    }

    /// The structural mistakes of a world file's top level (unknown keys, a missing `simrun` or
    /// `name`, members of the wrong type); its members are checked through the scenarios that use
    /// it.
    package static func problems(_ document: JSON, file: String) -> [ScenarioIssue] {
        var reader = ScenarioReader(file: file)
        if let root = reader.object(document, "", allowed: keys, required: ["simrun", "name"]) {
            if let version = root["simrun"], reader.integer(version, "simrun") != ScenarioLoader.formatVersion,
                case .number = version
            {
                reader.report(
                    "simrun",
                    "this build reads scenario format version \(ScenarioLoader.formatVersion), found \(version)")
            }
            if let name = reader.string(root["name"], "name", nonEmpty: true), !ScenarioReader.isScenarioName(name) {
                reader.report("name", "a world name is lower-case kebab-case (like 'retail-world'), found '\(name)'")
            }
            _ = reader.string(root["description"], "description")
            _ = reader.string(root["$schema"], "$schema")
            for key in ["data", "services"] where root[key] != nil && root[key]?.objectValue == nil {
                reader.report(key, "expected an object, found \(ScenarioReader.describe(root[key]!))")
            }
            for key in ["tools", "faults"] where root[key] != nil && root[key]?.arrayValue == nil {
                reader.report(key, "expected an array, found \(ScenarioReader.describe(root[key]!))")
            }
        }
        return reader.issues
    }

    /// Where a member of the merged document came from: its path there, and its file and path.
    struct Origin {
        var mergedPath: String
        var file: String
        var path: String
    }

    /// The scenario document with this world's shared members merged in (and `world` removed),
    /// and where each collection, service, tool and fault of the result was written.
    func merged(into scenario: JSONObject, scenarioFile: String) -> (document: JSON, origins: [Origin]) {
        var result = scenario
        result["world"] = nil
        var origins: [Origin] = []
        let world = document.objectValue ?? JSONObject()
        for key in ["data", "services"] {
            var members = world[key]?.objectValue ?? JSONObject()
            var from: [String: String] = [:]
            for name in members.keys { from[name] = path }
            if let own = scenario[key]?.objectValue {
                for (name, value) in own.members {
                    members[name] = value
                    from[name] = scenarioFile
                }
            } else if let own = scenario[key] {
                result[key] = own  // not an object: the reader reports it in the scenario
                continue
            }
            guard world[key] != nil || scenario[key] != nil else { continue }
            for name in members.keys {
                let memberPath = ScenarioReader.join(key, name)
                origins.append(Origin(mergedPath: memberPath, file: from[name] ?? path, path: memberPath))
            }
            result[key] = .object(members)
        }
        for (key, identity) in [("tools", "name"), ("faults", "id")] {
            var elements: [JSON] = []
            var sources: [(file: String, index: Int)] = []
            for (index, element) in (world[key]?.arrayValue ?? []).enumerated() {
                elements.append(element)
                sources.append((path, index))
            }
            if let own = scenario[key]?.arrayValue {
                for (index, element) in own.enumerated() {
                    if let id = element[identity]?.stringValue,
                        let existing = elements.firstIndex(where: { $0[identity]?.stringValue == id })
                    {
                        elements[existing] = element
                        sources[existing] = (scenarioFile, index)
                    } else {
                        elements.append(element)
                        sources.append((scenarioFile, index))
                    }
                }
            } else if let own = scenario[key] {
                result[key] = own
                continue
            }
            guard world[key] != nil || scenario[key] != nil else { continue }
            for (index, source) in sources.enumerated() {
                origins.append(
                    Origin(
                        mergedPath: ScenarioReader.join(key, index), file: source.file,
                        path: ScenarioReader.join(key, source.index)))
            }
            result[key] = .array(elements)
        }
        return (.object(result), origins)
    }

    /// `issue` (found in the merged document) moved to the file and path it was written at.
    static func relocate(_ issue: ScenarioIssue, origins: [Origin]) -> ScenarioIssue {
        let matching = origins.filter { origin in
            issue.path == origin.mergedPath
                || (issue.path.hasPrefix(origin.mergedPath)
                    && [".", "["].contains(issue.path.dropFirst(origin.mergedPath.count).first.map(String.init)))
        }
        guard let origin = matching.max(by: { $0.mergedPath.count < $1.mergedPath.count }) else { return issue }
        return ScenarioIssue(
            file: origin.file, path: origin.path + issue.path.dropFirst(origin.mergedPath.count),
            message: issue.message)
    }
}
