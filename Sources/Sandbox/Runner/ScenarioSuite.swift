import Scenarios
import WorldModel

/// The scenarios of a directory, as `simrun run DIR`, `simrun validate DIR` and `simrun list DIR`
/// take them: every `*.json` file but `schema.json`, sorted by name, with world files (which have
/// no task; see `WorldFile`) set apart, since they are checked through the scenarios that use them.
public struct ScenarioSuite: Sendable, Hashable {
    /// The directory as named.
    public var directory: String
    /// The scenario files, sorted by name (files that do not parse count as scenarios, so their
    /// errors are reported).
    public var scenarioFiles: [String]
    /// The world files, sorted by name.
    public var worldFiles: [String]

    /// Reads and classifies the files of `directory`.
    public init(directory: String) throws(ScenarioLoadError) {
        self.directory = directory
        scenarioFiles = []
        worldFiles = []
        for file in try ScenarioValidator.scenarioFiles(in: directory) {
            if Self.isWorldFile(file) { worldFiles.append(file) } else { scenarioFiles.append(file) }
        }
    }

    /// Whether `file` parses as a world file (`simrun`, no `task`, `checks` or `solution`).
    public static func isWorldFile(_ file: String) -> Bool {
        do throws(ScenarioLoadError) {
            return WorldFile.isWorld(try ScenarioLoader.parse(try ScenarioLoader.readFile(file), file: file))
        } catch {
            return false
        }
    }
}

/// The scorecard of a suite run: one per task (scenario), in the suite's order, and the total
/// over every episode.
///
/// A failed check attributed to the scenario (see `CheckResult.Attribution`) fails its episode
/// like any other, but each task's and the total's `scenario_faults` count says how many failing
/// episodes were the scenario's fault, so they are not read as the agent's.
public struct SuiteScorecard: Sendable, Hashable {
    /// One scorecard per task, in the order the tasks ran.
    public var tasks: [Scorecard]
    /// The scorecard over every episode of every task.
    public var total: Scorecard

    /// Builds the per-task scorecards and the total from episodes of several scenarios.
    public init(episodes: [EpisodeSummary]) {
        var order: [String] = []
        var byScenario: [String: [EpisodeSummary]] = [:]
        for episode in episodes {
            if byScenario[episode.scenario] == nil { order.append(episode.scenario) }
            byScenario[episode.scenario, default: []].append(episode)
        }
        tasks = order.map { Scorecard(episodes: byScenario[$0] ?? []) }
        total = Scorecard(episodes: episodes)
    }

    /// Each task's scorecard under a `== name ==` heading, then the total.
    public var text: String {
        var out = ""
        for task in tasks {
            out += "== \(task.scenarios.first ?? "(no episodes)") ==\n" + task.text + "\n"
        }
        out += "== total: \(tasks.count) task\(tasks.count == 1 ? "" : "s") ==\n"
        out += total.text
        return out
    }

    /// `{"tasks": [{"scenario", "scorecard"}, …], "total": scorecard}`.
    public var json: JSON {
        [
            "tasks": .array(
                tasks.map { task in
                    ["scenario": .string(task.scenarios.first ?? ""), "scorecard": task.json]
                }),
            "total": total.json,
        ]
    }
}
