/// The encoder: turns an agent's tool call into a valid action, or says precisely why not.
package enum ActionEncoder {
    /// Every way `arguments` violates `tool`'s input schema, as `arguments.path: message` lines;
    /// empty when the call is valid. A list tool also accepts a string `cursor`.
    package static func validate(_ arguments: JSON, for tool: ToolSpec) -> [String] {
        validate(arguments, schema: tool.inputSchema, acceptsCursor: tool.acceptsCursor)
    }

    /// `validate(_:for:)` with the parts of the tool it reads. With `shortcuts` off, the general
    /// validator collects the violations of every call, valid or not (`WorldShortcuts`).
    static func validate(
        _ arguments: JSON, schema: JSONSchema, acceptsCursor: Bool, shortcuts: WorldShortcuts = .enabled
    ) -> [String] {
        guard case .object(let object) = arguments else {
            return ["arguments: expected object, got \(arguments.typeName)"]
        }
        var ignoresCursor = false
        if acceptsCursor, let position = object.position(of: "cursor") {
            let cursor = object.values[position]
            guard cursor.stringValue != nil || cursor.isNull else {
                return ["arguments.cursor: expected string, got \(cursor.typeName)"]
            }
            ignoresCursor = true
        }
        // The common case: valid, decided without copying the object to drop the cursor.
        if shortcuts.isEnabled, schema.isValid(arguments, ignoringCursor: ignoresCursor) { return [] }
        var checked = object
        if ignoresCursor { checked.removeValue(forKey: "cursor") }
        guard shortcuts.isEnabled else {
            return schema.violationsByGeneralValidator(.object(checked), at: "arguments").map(\.description)
        }
        // Broken on purpose (tests of the tests): a flat schema lets every call through.
        if shortcuts.breaks(.flatSchema), schema.flat != nil { return [] }
        return schema.validate(.object(checked), at: "arguments").map(\.description)
    }
}

extension ToolSpec {
    /// Whether the tool takes a `cursor` argument beyond its schema: every `list` tool does.
    package var acceptsCursor: Bool {
        if case .list = operation { true } else { false }
    }

    /// The input schema as agents are shown it: the schema as written, and for a list tool whose
    /// schema does not mention `cursor`, an optional `cursor` property
    /// (`{"type": ["string", "null"]}`) so that strict tool converters, which drop undeclared
    /// arguments, keep it.
    package var servedInputSchemaJSON: JSON {
        guard acceptsCursor, case .object(var schema) = inputSchemaJSON else { return inputSchemaJSON }
        var properties = schema["properties"]?.objectValue ?? JSONObject()
        guard properties["cursor"] == nil else { return inputSchemaJSON }
        properties["cursor"] = [
            "type": ["string", "null"],
            "description":
                "The next_cursor of the previous page, to get the next page; omit or null for the first page.",
        ]
        schema["properties"] = .object(properties)
        return .object(schema)
    }
}
