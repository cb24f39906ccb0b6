import Sandbox
import Scenarios
import WorldModel

/// The `simrun` command line: dispatches to subcommands, prints help, maps errors to exit codes.
enum SimrunCLI {
    static let commands: [any Command.Type] = [
        ListCommand.self, ValidateCommand.self, RunCommand.self, ServeCommand.self, ReplayCommand.self,
        BenchCommand.self, RecordCommand.self, LearnCommand.self, FidelityCommand.self, ToolsCommand.self,
    ]

    static var overview: String {
        let width = commands.map { $0.name.count }.max() ?? 0
        let lines = commands.map {
            "  \($0.name.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.abstract)"
        }
        return """
            simrun \(SimrunVersion.current) — a world-model simulation sandbox for testing tool-using agents

            usage: simrun <command> [options]

            commands:
            \(lines.joined(separator: "\n"))

            Run 'simrun <command> --help' for a command's options.
            Exit codes: 0 all passed, 1 a verdict failed, 2 bad input or usage, 3 internal or I/O error.

            """
    }

    static func main(_ arguments: [String]) async -> ExitCode {
        guard let name = arguments.first else {
            Terminal.error(overview)
            return .badInput
        }
        if ["--help", "-h", "help"].contains(name) {
            if arguments.count > 1, let command = commands.first(where: { $0.name == arguments[1] }) {
                Terminal.out(command.help)
            } else {
                Terminal.out(overview)
            }
            return .success
        }
        if name == "--version" {
            Terminal.out("simrun \(SimrunVersion.current)\n")
            return .success
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            let suggestion =
                closestMatch(to: name, among: commands.map { $0.name }).map { " (did you mean '\($0)'?)" } ?? ""
            Terminal.error(
                "simrun: unknown command '\(name)'\(suggestion)\nRun 'simrun --help' for the list of commands.\n")
            return .badInput
        }
        let rest = Array(arguments.dropFirst())
        // Arguments after `--` belong to a command line of the command's own (`simrun record`).
        let own = rest.prefix { $0 != "--" || command.options.trailing == nil }
        if own.contains("--help") || own.contains("-h") {
            Terminal.out(command.help)
            return .success
        }
        do {
            return try await command.run(try command.options.parse(rest, command: name))
        } catch let error as UsageError {
            Terminal.error("\(error)\n")
            return .badInput
        } catch let failure as CommandFailure {
            Terminal.error(failure.message.hasSuffix("\n") ? failure.message : failure.message + "\n")
            return failure.code
        } catch let error as ScenarioLoadError {
            Terminal.error("\(error)\n")
            return .badInput
        } catch {
            Terminal.error("simrun \(name): internal error: \(error)\n")
            return .internalError
        }
    }
}
