import WorldModel

/// Infers the JSON Schema of a tool's answers from the bodies it gave, so that other answers can
/// be checked against what was recorded (`simrun fidelity`'s response-schema agreement) and
/// departures from it counted (response faults).
///
/// The schema describes every body seen, and nothing more, at every depth:
/// - `type`: the JSON types seen at that place (integers and decimals both count as `number`,
///   since a recorded amount of `12` says nothing against a simulated `12.5`); one type is a
///   string, several a sorted list;
/// - objects: `properties` for every member name seen (sorted), each inferred from its values;
///   `required` for the members present in every object seen; `additionalProperties: false`;
/// - arrays: `items` inferred from the elements of every array seen (omitted when every array
///   was empty).
///
/// The result is a plain JSON Schema document, so `JSONSchema` (the validator tool arguments
/// use) checks bodies against it. The same bodies always give the same schema.
package enum ResponseSchemaInference {
    /// The schema of `bodies`; callers give at least one (with none, the `type` list is empty
    /// and the schema describes nothing).
    package static func schema(of bodies: some Sequence<JSON>) -> JSON {
        let node = Node()
        for body in bodies { node.add(body) }
        return node.schema
    }

    /// What has been seen at one place of the bodies.
    private final class Node {
        var types: Set<String> = []
        var objects = 0
        var presence: [String: Int] = [:]
        var members: [String: Node] = [:]
        var items: Node?

        func add(_ value: JSON) {
            types.insert(value.typeName == "integer" ? "number" : value.typeName)
            switch value {
            case .object(let object):
                objects += 1
                for (key, member) in object.members {
                    presence[key, default: 0] += 1
                    let child = members[key] ?? Node()
                    members[key] = child
                    child.add(member)
                }
            case .array(let elements):
                for element in elements {
                    let child = items ?? Node()
                    items = child
                    child.add(element)
                }
            default:
                break
            }
        }

        var schema: JSON {
            let sorted = types.sorted()
            var schema: JSONObject = ["type": sorted.count == 1 ? .string(sorted[0]) : .array(sorted.map(JSON.string))]
            if types.contains("object") {
                var properties = JSONObject()
                for key in members.keys.sorted() { properties[key] = members[key]!.schema }
                schema["properties"] = .object(properties)
                let required = presence.keys.filter { presence[$0] == objects }.sorted()
                if !required.isEmpty { schema["required"] = .array(required.map(JSON.string)) }
                schema["additionalProperties"] = false
            }
            if let items { schema["items"] = items.schema }
            return .object(schema)
        }
    }
}
