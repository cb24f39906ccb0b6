import Sandbox
import Scenarios
import WorldModel

/// `simrun tools`: a scenario's tools in a vendor's function-calling format.
enum ToolsCommand: Command {
    static let name = "tools"
    static let abstract = "print a scenario's tools in MCP, OpenAI or Anthropic function-calling format"
    static let options = OptionTable(
        positionals: "FILE",
        options: [
            .choice(
                "--format", "FORMAT", ToolExportFormat.allCases,
                help: "mcp (default): a tools/list result; openai: function tools "
                    + "([{\"type\": \"function\", \"function\": {…}}]); anthropic: [{name, description, input_schema}]")
        ])

    static let about = """
        Prints the tools of the scenario FILE (a path, or the name of a shipped scenario) as JSON,
        exactly as `simrun serve` lists them: the scenario's tools in order, list tools with their
        optional `cursor` argument declared, then submit_answer, which ends the episode.
        """

    static let epilogue = """
        example:
          simrun tools crm-refund --format openai > tools.json
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        let format = arguments.choice("--format", as: ToolExportFormat.self) ?? .mcp
        let files = arguments.positionals
        guard files.count == 1, let file = files.first else {
            throw UsageError(
                command: name, message: files.isEmpty ? "missing the scenario FILE" : "give exactly one scenario FILE")
        }
        let scenario = try ScenarioLoader.load(contentsOf: ScenarioLoader.resolve(file))
        Terminal.out(ToolExport.json(for: scenario, format: format).prettyText + "\n")
        return .success
    }
}
