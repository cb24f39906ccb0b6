import WorldModel

/// The names a scenario declares, gathered before its expressions are compiled, so that every
/// reference can be checked (and misspellings get suggestions).
struct Catalog {
    /// Collections with the fields their rows can have, in declaration order.
    var collections: [(name: String, fields: [String])]
    var services: [String]
    /// Whether `services` was given at all; without it, the missing key is the one mistake.
    var servicesDeclared = true
    var tools: [String] = []
    var toolSpecs: [ToolSpec] = []

    init<Rows: Sequence<JSONObject>>(data: [(name: String, rows: Rows)], services: [String]) {
        collections = data.map { collection in
            var fields: [String] = ["id"]
            var previousKeys: [String] = []
            for row in collection.rows {
                // Rows of a collection mostly share their keys: look at each new set of keys once.
                // (`==` may call keys equal that differ in bytes, but `contains` below would too;
                // parsed rows with the same keys share one array, which `==` sees at once.)
                if row.keys == previousKeys { continue }
                for key in row.keys where !fields.contains(key) { fields.append(key) }
                previousKeys = row.keys
            }
            return (collection.name, fields)
        }
        self.services = services
    }

    var collectionNames: [String] { collections.map(\.name) }

    func fields(of collection: String) -> [String]? {
        collections.first { $0.name == collection }?.fields
    }

    /// Adds fields that tools create or set, so `row.refunded_at` type-checks when only an
    /// effect ever writes it.
    mutating func collectFields(fromTools tools: [JSON]) {
        func add(_ collection: String?, _ fieldsObject: JSON?) {
            guard let collection, let index = collections.firstIndex(where: { $0.name == collection }),
                case .object(let object)? = fieldsObject
            else { return }
            for key in object.keys {
                // The leading field of a path: `address` in `address.zip`, `items` in `items[0].price`.
                let field = String(key.split(whereSeparator: { $0 == "." || $0 == "[" }).first ?? Substring(key))
                if !collections[index].fields.contains(field) { collections[index].fields.append(field) }
            }
        }
        func visit(_ effect: JSON) {
            add(effect["update"]?.stringValue, effect["set"])
            add(effect["update"]?.stringValue, effect["append"])
            add(effect["create"]?.stringValue, effect["value"])
            for inner in effect["do"]?.arrayValue ?? [] { visit(inner) }
            for branch in ["then", "else"] {
                for inner in effect[branch]?.arrayValue ?? [] { visit(inner) }
            }
        }
        for tool in tools {
            let collection = tool["collection"]?.stringValue
            add(collection, tool["value"])
            add(collection, tool["set"])
            add(collection, tool["append"])
            for effect in tool["effects"]?.arrayValue ?? [] { visit(effect) }
        }
    }

    /// Row types of every collection, for expression scopes.
    var collectionTypes: [String: ExpressionType] {
        var types: [String: ExpressionType] = [:]
        for collection in collections { types[collection.name] = .record(collection.fields) }
        return types
    }

    /// The scope of a tool's expressions: `args` from its input schema, `row` from `collection`.
    /// A tool whose collection is unknown (already reported) gets `unknownRow: true`, so that its
    /// row expressions are not reported again.
    func scope(
        args: ExpressionType, rowOf collection: String?, locals: [(String, ExpressionType)] = [],
        unknownRow: Bool = false
    ) -> ExpressionScope {
        // Without a collection there is no row: a closed record with no fields makes `row.x`
        // an error instead of a silent null (predicates of count/exists/… bind their own row).
        let row: ExpressionType = collection.flatMap { collectionTypes[$0] } ?? (unknownRow ? .any : .record([]))
        return .engine(
            args: args, row: row, locals: locals, collections: collectionTypes,
            tools: Set(tools), services: Set(services))
    }
}
