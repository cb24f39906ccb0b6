import Sandbox
import Scenarios
import WorldModel

/// `simrun list`: the scenarios in a directory, as a table.
enum ListCommand: Command {
    static let name = "list"
    static let abstract = "list the scenarios in a directory with title, tools, faults and checks"
    static let options = OptionTable(positionals: "[DIR]", options: [])

    static let about = """
        Lists every scenario file in DIR with its name, tool, fault-rule and check counts and
        title. Files that do not load are listed with their first problem; world files (shared
        data, services, tools and faults, no task) are listed last, marked as such. Without DIR:
        ./scenarios, else the first directory of SIMRUN_SCENARIOS, else the scenarios shipped
        beside the simrun executable.
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        let directories = arguments.positionals
        guard directories.count <= 1 else { throw UsageError(command: name, message: "give at most one DIR") }
        let directory = directories.first ?? ScenarioLoader.shippedDirectories().first ?? "scenarios"
        let suite = try ScenarioSuite(directory: directory)
        let files = suite.scenarioFiles
        var rows: [[String]] = [["NAME", "TOOLS", "FAULTS", "CHECKS", "TITLE"]]
        var broken = false
        for file in files {
            do throws(ScenarioLoadError) {
                let scenario = try ScenarioLoader.load(contentsOf: file)
                rows.append([
                    scenario.name, String(scenario.world.tools.count), String(scenario.world.spec.faults.count),
                    String(scenario.checks.count), scenario.title,
                ])
            } catch {
                broken = true
                rows.append([
                    String(file.split(separator: "/").last ?? ""), "-", "-", "-",
                    "does not load: \(firstLine(of: error))",
                ])
            }
        }
        for world in suite.worldFiles {
            rows.append([
                String(world.split(separator: "/").last ?? ""), "-", "-", "-", "(world file, shared by scenarios)",
            ])
        }
        if files.isEmpty { Terminal.error("simrun list: no scenario files in \(directory)\n") }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = (0..<4).map { column in
                column == 0
                    ? row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - row[column].count) + row[column]
            }
            Terminal.out((cells + [row[4]]).joined(separator: "  ") + "\n")
        }
        return broken ? .badInput : .success
    }

    /// The first issue's first line: an expression error's source and caret lines would break the table.
    static func firstLine(of error: ScenarioLoadError) -> String {
        String(error.issues.first?.description.split(separator: "\n").first ?? "")
    }
}
