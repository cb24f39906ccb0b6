import Foundation
import Scenarios
import WorldModel

/// The result of validating one scenario file.
public struct ScenarioValidation: Sendable {
    /// The file as named.
    public var file: String
    /// The scenario, if it loaded.
    public var scenario: Scenario?
    /// Every problem found: load errors, or a solution that fails its checks.
    public var issues: [ScenarioIssue]
    /// The verdict of the reference solution in a fault-free world, if it ran.
    public var solutionVerdict: Verdict?

    /// Whether the file is a JSON Schema (such as `scenarios/schema.json`) rather than a scenario.
    public var isSchema = false

    /// Whether the file is a world file (no task), which is checked through the scenarios that
    /// name it in `world`.
    public var isWorld = false

    /// Whether the file is a valid, solvable scenario (or a valid JSON Schema).
    public var isValid: Bool { issues.isEmpty }
}

/// Validates scenario files: format, expressions, cross-references, and that the reference
/// solution passes every check in a fault-free world (a scenario no one can solve is broken).
public enum ScenarioValidator {
    /// The seed the solution is proven on.
    public static let solutionSeed: UInt64 = 1

    /// Validates the scenario at `file`, which is read and parsed once.
    public static func validate(file: String) -> ScenarioValidation {
        let scenario: Scenario
        do throws(ScenarioLoadError) {
            let document = try ScenarioLoader.parse(try ScenarioLoader.readFile(file), file: file)
            if let schemaIssues = schemaFileIssues(document, file: file) {
                return ScenarioValidation(
                    file: file, scenario: nil, issues: schemaIssues, solutionVerdict: nil, isSchema: true)
            }
            if WorldFile.isWorld(document) {
                return ScenarioValidation(
                    file: file, scenario: nil, issues: WorldFile.problems(document, file: file), solutionVerdict: nil,
                    isWorld: true)
            }
            var loaded = try ScenarioLoader.load(document, file: file)
            loaded.path = file
            scenario = loaded
        } catch {
            return ScenarioValidation(file: file, scenario: nil, issues: error.issues, solutionVerdict: nil)
        }
        var idealized = scenario
        idealized.world = scenario.world.idealized()
        let (verdict, play) = solveRecording(idealized)
        var issues: [ScenarioIssue] = []
        for mismatch in play.mismatches {
            let expectation =
                mismatch.expected.map { "expected status \($0)" } ?? "expected a 2xx answer (or say expect_status)"
            issues.append(
                ScenarioIssue(
                    file: file, path: mismatch.path,
                    message:
                        "in a fault-free world the step's call \(mismatch.call) to \(mismatch.tool) answered \(mismatch.status), \(expectation); the scripted solution stopped there: \(mismatch.bodyExcerpt)"
                ))
        }
        if !verdict.passed {
            let failures = verdict.failedChecks.map { "'\($0.name)' (\($0.evidence))" }.joined(separator: "; ")
            let stopped = play.stop.map { " after it stopped at \($0)" } ?? ""
            issues.append(
                ScenarioIssue(
                    file: file, path: "solution",
                    message:
                        "the solution does not pass its checks in a fault-free world (no fault rules, no service errors, rate limits or timeouts)\(stopped): \(failures)"
                ))
        }
        return ScenarioValidation(file: file, scenario: scenario, issues: issues, solutionVerdict: verdict)
    }

    /// For a document that declares `$schema` (the scenario format's JSON Schema lives beside the
    /// scenarios, so `simrun validate scenarios/*.json` meets it): the problems compiling it as a
    /// schema, or `nil` when the document is not a schema.
    static func schemaFileIssues(_ document: JSON, file: String) -> [ScenarioIssue]? {
        // A scenario may name its schema for editors.
        guard document["$schema"] != nil, document["simrun"] == nil else { return nil }
        do throws(JSONSchemaError) {
            _ = try JSONSchema(document)
            return []
        } catch {
            var issue = error
            issue.file = file
            return [issue]
        }
    }

    /// The verdict of the scripted solution on `scenario` as given (validation passes an
    /// idealized world, see `World.idealized()`).
    public static func solve(_ scenario: Scenario, seed: UInt64 = solutionSeed) -> Verdict {
        solveRecording(scenario, seed: seed).verdict
    }

    /// The verdict of the scripted solution and how the playthrough went (where it stopped,
    /// which steps answered other than expected).
    package static func solveRecording(_ scenario: Scenario, seed: UInt64 = solutionSeed) -> (
        verdict: Verdict, play: SolutionPlay
    ) {
        var engine = EpisodeEngine(scenario: scenario, seed: seed, recordsStateHashes: false)
        let play = SolutionFollower(style: .scripted).playRecording(&engine)
        return (engine.verdict(answer: play.answer), play)
    }

    /// The scenario files in `directory` (`*.json` except `schema.json`), sorted by name.
    public static func scenarioFiles(in directory: String) throws(ScenarioLoadError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ScenarioLoadError(issues: [
                ScenarioIssue(file: directory, path: "", message: "cannot list the directory")
            ])
        }
        return names.filter { $0.hasSuffix(".json") && $0 != "schema.json" }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { directory.hasSuffix("/") ? directory + $0 : "\(directory)/\($0)" }
    }
}
