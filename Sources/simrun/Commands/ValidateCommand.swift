import Sandbox
import Scenarios
import WorldModel

/// `simrun validate`: checks scenario files and proves their solutions.
enum ValidateCommand: Command {
    static let name = "validate"
    static let abstract = "check scenario files: format, expressions, references, and that the solution passes"
    static let options = OptionTable(positionals: "FILE|DIR…", options: [])

    static let about = """
        Loads each scenario file, reports every problem with the file, the JSON path, what was
        expected and what was found, then plays the scenario's reference solution in a
        fault-free world and fails if any check does not pass. A DIR stands for every scenario in
        it (*.json but schema.json); world files, which have no task, are checked through the
        scenarios that name them in 'world'. With a DIR, a total line follows.
        """

    static let epilogue = """
        exit status: 0 every file is valid, 2 some file is not
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        let files = arguments.positionals
        guard !files.isEmpty else { throw UsageError(command: name, message: "give at least one scenario FILE") }
        var allValid = true
        var expanded: [String] = []
        var directories = 0
        for argument in files {
            if FileProblem.isDirectory(argument) {
                directories += 1
                let files = try ScenarioValidator.scenarioFiles(in: argument)
                if files.isEmpty {
                    allValid = false
                    Terminal.error("\(argument.printable): a directory with no scenario files (*.json)\n")
                }
                expanded += files
            } else {
                expanded.append(argument)
            }
        }
        var valid = 0
        var tasks = 0
        for file in expanded {
            let result = ScenarioValidator.validate(file: ScenarioLoader.resolve(file))
            if !result.isSchema, !result.isWorld { tasks += 1 }
            if result.isValid, !result.isSchema, !result.isWorld { valid += 1 }
            if result.isValid, result.isWorld {
                Terminal.out("ok   \(file.printable): a world file (checked through the scenarios that name it)\n")
            } else if result.isValid, result.isSchema {
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
        if directories > 0 {
            Terminal.out("total: \(valid) of \(tasks) scenario\(tasks == 1 ? "" : "s") valid\n")
        }
        return allValid ? .success : .badInput
    }
}
