import WorldModel

/// Infers a tool's input schema from the arguments it was called with, for sources that do not
/// list their tools (HAR files, traces whose scenario is not at hand).
///
/// The schema is an object schema: one property per argument name seen, typed by the JSON types
/// its values had (`"integer"` folds into `"number"` when both occur; several types become a
/// list), and `required` naming the arguments present in every call. Property and type order are
/// sorted, so the same calls always give the same schema.
package enum ArgumentSchemaInference {
    /// The schema of `calls`' arguments (objects; anything else counts as no arguments).
    package static func schema(of calls: some Sequence<JSON>) -> JSON {
        var types: [String: Set<String>] = [:]
        var presence: [String: Int] = [:]
        var total = 0
        for arguments in calls {
            total += 1
            guard let object = arguments.objectValue else { continue }
            for (key, value) in object.members {
                types[key, default: []].insert(value.typeName == "boolean" ? "boolean" : value.typeName)
                presence[key, default: 0] += 1
            }
        }
        var properties = JSONObject()
        for name in types.keys.sorted() {
            var names = types[name] ?? []
            if names.contains("number") { names.remove("integer") }
            let sorted = names.sorted()
            properties[name] = ["type": sorted.count == 1 ? .string(sorted[0]) : .array(sorted.map(JSON.string))]
        }
        let required = presence.keys.filter { presence[$0] == total }.sorted()
        var schema: JSONObject = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required.map(JSON.string)) }
        return .object(schema)
    }
}
