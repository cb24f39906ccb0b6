import WorldModel

/// What a tool was found to do with the data, from its successful recorded answers.
package enum InferredOp: Sendable, Hashable {
    /// Every successful answer is one object whose string `id` equals the argument `key`.
    case get(key: String)
    /// Every successful answer is an array of objects with a string `id` (or an object holding one).
    case list
    /// No op explains the answers; the tool answers the string `InferredOp.unlearnedAnswer` (the
    /// `recorded` op, which would answer the recorded responses, does not exist yet).
    case unexplained(reason: String)

    /// The tool's members beside name, service, description and input.
    func toolMembers(collection: String?) -> [(String, JSON)] {
        switch self {
        case .get(let key):
            return [("op", "get"), ("collection", .string(collection!)), ("key", .string("args.\(key)"))]
        case .list:
            return [("op", "list"), ("collection", .string(collection!))]
        case .unexplained:
            return [("op", "custom"), ("returns", .string("'\(Self.unlearnedAnswer)'"))]
        }
    }

    /// What a tool no op explains answers: a plain statement, so nobody mistakes it for data.
    package static let unlearnedAnswer = "not learned: simrun learn infers get and list tools only so far"

    /// The op's name in the scenario format.
    package var name: String {
        switch self {
        case .get: "get"
        case .list: "list"
        case .unexplained: "custom"
        }
    }
}

/// Infers `get` and `list` tools and the rows they answer from, from successful recorded
/// answers. Rows are objects with a string `id`; tools whose rows share an id share a collection.
struct StateInference: Sendable, Hashable {
    /// A collection being built: its name and rows (first seen first; a row seen again gains the
    /// fields it lacked).
    struct Collection: Sendable, Hashable {
        var name: String
        var rows: [JSON]
        var index: [String: Int]
    }

    private(set) var collections: [Collection] = []
    private(set) var ops: [String: InferredOp] = [:]
    private var collectionOfTool: [String: Int] = [:]
    private var takenNames: Set<String> = []

    /// The collection a tool reads, if any.
    func collection(of tool: String) -> String? { collectionOfTool[tool].map { collections[$0].name } }

    /// Infers what `tool` does from its calls.
    mutating func infer(tool: RecordedTool, calls: [RecordedCall]) {
        let answers = calls.filter { $0.outcome == .ok }
        guard !answers.isEmpty else {
            ops[tool.name] = .unexplained(reason: "no successful call to learn from")
            return
        }
        if let (key, rows) = Self.getRows(answers) {
            ops[tool.name] = .get(key: key)
            let stem = key.hasSuffix("_id") && key.count > 3 ? String(key.dropLast(3)) + "s" : Self.stem(tool.name)
            add(rows, tool: tool.name, name: stem)
        } else if let rows = Self.listRows(answers) {
            ops[tool.name] = .list
            add(rows, tool: tool.name, name: Self.stem(tool.name))
        } else {
            ops[tool.name] = .unexplained(
                reason: "its \(answers.count) successful answers are neither one object with a string id named by "
                    + "an argument (get) nor a list of such objects (list)")
        }
    }

    /// For `get`: the argument every answer's `id` equals, and the answers.
    static func getRows(_ answers: [RecordedCall]) -> (String, [JSON])? {
        var rows: [JSON] = []
        var candidates: [String]? = nil
        for call in answers {
            guard case .object(let body)? = call.structured, case .string(let id)? = body["id"],
                case .object(let arguments) = call.arguments
            else { return nil }
            let matching = arguments.keys.filter { arguments[$0] == .string(id) }
            candidates = candidates.map { previous in previous.filter(matching.contains) } ?? matching
            rows.append(.object(body))
        }
        guard let key = candidates?.first else { return nil }
        return (key, rows)
    }

    /// For `list`: the rows of every answer (an array of objects with string ids, or an object
    /// whose first array member is one), when at least one answer has a row.
    static func listRows(_ answers: [RecordedCall]) -> [JSON]? {
        var rows: [JSON] = []
        for call in answers {
            var items: [JSON]? = nil
            switch call.structured {
            case .array(let elements)?: items = elements
            case .object(let body)?:
                items =
                    body.keys.lazy.compactMap { key -> [JSON]? in
                        if case .array(let elements)? = body[key] { return elements }
                        return nil
                    }.first
            default: return nil
            }
            guard let items else { return nil }
            for item in items {
                guard case .object(let row) = item, case .string = row["id"] else { return nil }
                rows.append(item)
            }
        }
        return rows.isEmpty ? nil : rows
    }

    /// A collection name from a tool name: the tool's identifier without a leading or trailing
    /// verb (`tickets_get` → `tickets`, `get_orders_id` → `orders_id`).
    static func stem(_ tool: String) -> String {
        var name = ScenarioLearner.identifier(tool, fallback: "rows")
        for verb in ["get", "list", "fetch", "read", "find", "search"] {
            if name.hasPrefix(verb + "_") { name = String(name.dropFirst(verb.count + 1)) }
            if name.hasSuffix("_" + verb) { name = String(name.dropLast(verb.count + 1)) }
        }
        return name
    }

    /// Adds rows to the collection that already holds one of their ids, or to a new one.
    private mutating func add(_ rows: [JSON], tool: String, name: String) {
        let ids = rows.compactMap { $0["id"]?.stringValue }
        var target = collections.firstIndex { collection in ids.contains { collection.index[$0] != nil } }
        if target == nil {
            var unique = name
            var number = 2
            while takenNames.contains(unique) {
                unique = "\(name)_\(number)"
                number += 1
            }
            takenNames.insert(unique)
            collections.append(Collection(name: unique, rows: [], index: [:]))
            target = collections.count - 1
        }
        let c = target!
        collectionOfTool[tool] = c
        for row in rows {
            guard case .object(let fields) = row, let id = fields["id"]?.stringValue else { continue }
            if let position = collections[c].index[id] {
                guard case .object(var existing) = collections[c].rows[position] else { continue }
                for key in fields.keys where existing[key] == nil {
                    _ = existing.updateValue(fields[key]!, forKey: key)
                }
                collections[c].rows[position] = .object(existing)
            } else {
                collections[c].index[id] = collections[c].rows.count
                collections[c].rows.append(row)
            }
        }
    }
}
