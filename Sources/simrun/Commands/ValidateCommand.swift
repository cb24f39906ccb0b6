import Sandbox
import Scenarios
import WorldModel

/// `simrun validate`: checks scenario files and proves their solutions.
enum ValidateCommand: Command {
    static let name = "validate"
    static let abstract = "check scenario files: format, expressions, references, and that the solution passes"
    static let options = OptionTable(positionals: "FILE…", options: [])

    static let about = """
        Loads each scenario file, reports every problem with the file, the JSON path, what was
        expected and what was found, then plays the scenario's reference solution in a
        fault-free world and fails if any check does not pass.
        """

    static let epilogue = """
        exit status: 0 every file is valid, 2 some file is not
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        let files = arguments.positionals
        guard !files.isEmpty else { throw UsageError(command: name, message: "give at least one scenario FILE") }
        var allValid = true
        for file in files {
            let result = ScenarioValidator.validate(file: ScenarioLoader.resolve(file))
            if result.isValid, result.isSchema {
                Terminal.out("ok   \(file.printable): a JSON Schema (compiles)\n")
            } else if result.isValid, let scenario = result.scenario, let verdict = result.solutionVerdict {
                Terminal.out(
                    "ok   \(file.printable): \(scenario.name) — \(scenario.world.tools.count) tools, \(scenario.world.spec.faults.count) fault rules, \(scenario.checks.count) checks; solution passes in \(verdict.steps) steps\n"
                )
            } else {
                allValid = false
                Terminal.out("FAIL \(file.printable)\n")
                for issue in result.issues { Terminal.error("\(issue)\n") }
            }
        }
        return allValid ? .success : .badInput
    }
}
