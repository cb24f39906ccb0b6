import Scenarios
import WorldModel

/// The function-calling formats `ToolExport` writes (`simrun tools --format`).
public enum ToolExportFormat: String, CaseIterable, Sendable {
    /// MCP's `tools/list` result: `{"tools": [{name, description, inputSchema, annotations}]}`.
    case mcp
    /// OpenAI function tools: `[{"type": "function", "function": {name, description, parameters}}]`.
    case openai
    /// Anthropic tools: `[{name, description, input_schema}]`.
    case anthropic
}

/// A scenario's tools in each vendor's function-calling format, exactly as `simrun serve` lists
/// them: the scenario's tools in order (list tools with their optional `cursor` declared), then
/// `submit_answer`, which ends the episode.
///
/// For harnesses that call models directly and play the episode through `Episode` or
/// `simrun serve`: the tool definitions come from here, so nobody rewrites schemas by hand.
public enum ToolExport {
    /// The tools of `scenario` in `format`.
    public static func json(for scenario: Scenario, format: ToolExportFormat) -> JSON {
        json(for: scenario.world.tools.map(ToolDescriptor.init), format: format)
    }

    /// `tools` (then `submit_answer`) in `format`.
    public static func json(for tools: [ToolDescriptor], format: ToolExportFormat) -> JSON {
        let descriptors = tools.map { MCPToolDescriptor($0) } + [MCPServer.submitAnswerTool]
        switch format {
        case .mcp:
            return ["tools": .array(descriptors.map(\.listing))]
        case .openai:
            return .array(
                descriptors.map { tool in
                    [
                        "type": "function",
                        "function": [
                            "name": .string(tool.name), "description": .string(tool.description),
                            "parameters": tool.inputSchema,
                        ],
                    ]
                })
        case .anthropic:
            return .array(
                descriptors.map { tool in
                    [
                        "name": .string(tool.name), "description": .string(tool.description),
                        "input_schema": tool.inputSchema,
                    ]
                })
        }
    }
}

extension MCPToolDescriptor {
    /// The MCP form of an episode's tool, with its behaviour hints as annotations
    /// (`openWorldHint` is always false: the world is simulated).
    public init(_ tool: ToolDescriptor) {
        self.init(
            name: tool.name, title: nil, description: tool.description, inputSchema: tool.inputSchema,
            annotations: MCPToolAnnotations(
                title: nil, readOnlyHint: tool.readOnly, destructiveHint: tool.destructive,
                idempotentHint: tool.idempotent, openWorldHint: false))
    }
}
