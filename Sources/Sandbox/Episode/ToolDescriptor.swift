import WorldModel

/// A tool as an agent sees it: name, description, input schema and behaviour hints.
public struct ToolDescriptor: Sendable, Hashable {
    /// The tool's name.
    public var name: String
    /// What it does, for the agent.
    public var description: String
    /// The JSON Schema of its arguments as agents are shown it; a list tool's schema declares its
    /// optional `cursor` (`{"type": ["string", "null"]}`) even when the scenario's does not.
    public var inputSchema: JSON
    /// The call never changes the world.
    public var readOnly: Bool
    /// The call may remove or overwrite data.
    public var destructive: Bool
    /// Repeating the call with the same arguments has no further effect.
    public var idempotent: Bool

    /// The descriptor of `tool`.
    package init(_ tool: ToolSpec) {
        name = tool.name
        description = tool.description
        inputSchema = tool.servedInputSchemaJSON
        readOnly = tool.isReadOnly
        destructive = tool.isDestructive
        idempotent = tool.isIdempotent
    }
}
