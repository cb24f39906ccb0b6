/// The encoder: turns an agent's tool call into a valid action, or says precisely why not.
public enum Encoder {
    /// Every way `arguments` violates `tool`'s input schema, as `arguments.path: message` lines;
    /// empty when the call is valid. A list tool also accepts a string `cursor`.
    public static func validate(_ arguments: JSON, for tool: ToolSpec) -> [String] {
        let acceptsCursor = if case .list = tool.operation { true } else { false }
        return validate(arguments, schema: tool.inputSchema, acceptsCursor: acceptsCursor)
    }

    /// `validate(_:for:)` with the parts of the tool it reads.
    static func validate(_ arguments: JSON, schema: JSONSchema, acceptsCursor: Bool) -> [String] {
        var arguments = arguments
        if acceptsCursor, case .object(var object) = arguments, let cursor = object["cursor"] {
            guard cursor.stringValue != nil || cursor.isNull else {
                return ["arguments.cursor: expected string, got \(cursor.typeName)"]
            }
            object.removeValue(forKey: "cursor")
            arguments = .object(object)
        }
        guard case .object = arguments else {
            return ["arguments: expected object, got \(arguments.typeName)"]
        }
        return schema.validate(arguments, at: "arguments").map(\.description)
    }
}
