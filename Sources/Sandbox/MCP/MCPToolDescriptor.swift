import WorldModel

/// One tool as listed by `tools/list`: name, human text, input schema and behaviour hints.
public struct MCPToolDescriptor: Sendable, Hashable {
    /// The tool's unique name, used in `tools/call`.
    public var name: String
    /// A human-readable display name (`title`), if any.
    public var title: String?
    /// What the tool does, for the model.
    public var description: String
    /// The JSON Schema of the `arguments` object (`{"type": "object", …}`).
    public var inputSchema: JSON
    /// Behaviour hints for clients; advisory only.
    public var annotations: MCPToolAnnotations

    /// Creates a descriptor.
    public init(
        name: String, title: String? = nil, description: String, inputSchema: JSON,
        annotations: MCPToolAnnotations = MCPToolAnnotations()
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.annotations = annotations
    }
}

/// The MCP tool annotations (`ToolAnnotations`): hints a client may use to decide how
/// carefully to treat a tool. `nil` means "not stated" and is left out of the listing.
public struct MCPToolAnnotations: Sendable, Hashable {
    /// A display title for the tool.
    public var title: String?
    /// The tool does not change its environment.
    public var readOnlyHint: Bool?
    /// The tool may destroy or overwrite data (meaningful when not read-only).
    public var destructiveHint: Bool?
    /// Repeating a call with the same arguments has no further effect.
    public var idempotentHint: Bool?
    /// The tool reaches an open world of external entities (always `false` in a simulation).
    public var openWorldHint: Bool?

    /// Creates annotations; every hint defaults to "not stated".
    public init(
        title: String? = nil, readOnlyHint: Bool? = nil, destructiveHint: Bool? = nil,
        idempotentHint: Bool? = nil, openWorldHint: Bool? = nil
    ) {
        self.title = title
        self.readOnlyHint = readOnlyHint
        self.destructiveHint = destructiveHint
        self.idempotentHint = idempotentHint
        self.openWorldHint = openWorldHint
    }
}

extension MCPToolDescriptor {
    /// The tool as a `tools/list` entry.
    var listing: JSON {
        var object = JSONObject()
        object["name"] = .string(name)
        if let title { object["title"] = .string(title) }
        object["description"] = .string(description)
        object["inputSchema"] = inputSchema
        let hints = annotations.listing
        if !hints.isEmpty { object["annotations"] = .object(hints) }
        return .object(object)
    }
}

extension MCPToolAnnotations {
    /// The stated hints as a `ToolAnnotations` object.
    var listing: JSONObject {
        var object = JSONObject()
        if let title { object["title"] = .string(title) }
        if let readOnlyHint { object["readOnlyHint"] = .bool(readOnlyHint) }
        if let destructiveHint { object["destructiveHint"] = .bool(destructiveHint) }
        if let idempotentHint { object["idempotentHint"] = .bool(idempotentHint) }
        if let openWorldHint { object["openWorldHint"] = .bool(openWorldHint) }
        return object
    }
}
