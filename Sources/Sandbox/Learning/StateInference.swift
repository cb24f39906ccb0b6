import WorldModel

/// Infers what each tool does with the data, and the rows the data starts with, from recorded
/// calls. Rows are objects with a string `id`; tools whose rows share an id share a collection.
///
/// Each candidate op's meaning is checked against every recorded call of the tool: `get` and
/// `list` against each successful answer; `create`, `update` and `delete` against the calls in
/// order, simulating each sequence's rows as the answers show them (`WriteOpCheck`). The first
/// candidate (get, list, create, update, delete) that explains every successful call — or all but
/// `toleratedFailures` of them — is chosen; a tool none explains becomes `op: recorded`. The
/// rows the data starts with are those answered before any write of their sequence touched them.
struct StateInference: Sendable, Hashable {
    /// A collection being built: its name and rows (first seen first; a row seen again gains the
    /// fields it lacked).
    struct Collection: Sendable, Hashable {
        var name: String
        var rows: [JSON]
        var index: [String: Int]
    }

    /// What was inferred for one tool: the op, the candidates rejected and why, notes, and the
    /// fields the op leaves to the server.
    struct ToolInference: Sendable, Hashable {
        var op: InferredOp
        var rejected: [String]
        var notes: [String]
        var serverSet: [ServerSetField] = []
    }

    private(set) var collections: [Collection] = []
    private(set) var inferences: [String: ToolInference] = [:]
    private var collectionOfTool: [String: Int] = [:]
    private var takenNames: Set<String> = []

    /// The op inferred for each tool.
    var ops: [String: InferredOp] { inferences.mapValues(\.op) }

    /// The collection a tool works on, if any.
    func collection(of tool: String) -> String? { collectionOfTool[tool].map { collections[$0].name } }

    /// How many of a tool's successful calls an op may leave unexplained and still be chosen: 2 %
    /// of them, rounded down (none below 50 calls). Faulty answers of a real system (a field
    /// missing once) should not throw away an op every other call agrees with.
    static func toleratedFailures(successfulCalls: Int) -> Int { successfulCalls * 2 / 100 }

    /// Infers every tool's op from `sequences` (each a session's calls in time order).
    mutating func infer(tools: [RecordedTool], sequences: [[RecordedCall]]) {
        let callsOf = Dictionary(grouping: sequences.joined(), by: \.tool)
        // Reads first: they name the collections and the rows writes are checked against.
        var writeCandidates: [RecordedTool] = []
        for tool in tools {
            let calls = callsOf[tool.name] ?? []
            let answers = calls.filter { $0.outcome == .ok }
            guard !answers.isEmpty else {
                inferences[tool.name] = ToolInference(
                    op: Self.recordedOp(calls, reason: "no successful call to learn from"), rejected: [], notes: [])
                continue
            }
            switch Self.checkGet(calls).flatMap({ found in
                Self.checkUnchanged(tool: tool.name, sequences: sequences).map { .failure($0) } ?? .success(found)
            }) {
            case .success(let (key, rows)):
                inferences[tool.name] = ToolInference(op: .get(key: key), rejected: [], notes: [])
                add(rows, tool: tool.name, name: Self.collectionName(key: key, tool: tool.name))
                continue
            case .failure(let getRejection):
                switch Self.checkList(calls) {
                case .success(let rows):
                    inferences[tool.name] = ToolInference(
                        op: .list, rejected: ["get rejected: \(getRejection.text)"], notes: [])
                    add(rows, tool: tool.name, name: Self.stem(tool.name))
                case .failure(let listRejection):
                    writeCandidates.append(tool)
                    inferences[tool.name] = ToolInference(
                        op: .list,
                        rejected: ["get rejected: \(getRejection.text)", "list rejected: \(listRejection.text)"],
                        notes: [])
                }
            }
        }
        // Writes, checked against the sequences with the reads' rows known.
        let writeNames = Set(writeCandidates.map(\.name))
        let readOps = inferences.filter { !writeNames.contains($0.key) }.mapValues(\.op)
        var collectionOfID: [String: Int] = [:]
        for (index, collection) in collections.enumerated() {
            for id in collection.index.keys.sorted() where collectionOfID[id] == nil { collectionOfID[id] = index }
        }
        for tool in writeCandidates {
            var inference = inferences[tool.name]!
            let check = WriteOpCheck(
                tool: tool, sequences: sequences, readOps: readOps, collectionOfID: collectionOfID,
                collectionOfTool: collectionOfTool)
            var chosen: (InferredOp, Int?)?
            var scheme: WriteOpCheck.IDScheme?
            for candidate in WriteOpCheck.Candidate.allCases {
                let result = check.check(candidate)
                switch result.verdict {
                case .success(let op):
                    if chosen == nil {
                        chosen = (op, result.collection)
                        scheme = result.idScheme
                        inference.notes += result.notes
                        inference.serverSet = result.serverSet
                    } else {
                        inference.rejected.append(
                            "\(candidate.rawValue) also explains the calls; \(chosen!.0.name) comes first")
                    }
                case .failure(let rejection):
                    inference.rejected.append("\(candidate.rawValue) rejected: \(rejection.text)")
                }
            }
            if let (op, collection) = chosen {
                inference.op = op
                let index = collection ?? newCollection(named: Self.stem(tool.name))
                collectionOfTool[tool.name] = index
                if let scheme { inference.notes += nameForIDs(scheme, collection: index, tool: tool.name) }
            } else {
                inference.op = Self.recordedOp(
                    callsOf[tool.name] ?? [],
                    reason: "no op explains its successful calls (get, list, create, update and delete rejected)")
            }
            inferences[tool.name] = inference
        }
        rebuildInitialRows(sequences: sequences)
    }

    /// The `recorded` op of a tool's calls: per canonical arguments, the answer given most often
    /// (ties: the latest); as the default, the one answer every successful call gave, if all agree.
    static func recordedOp(_ calls: [RecordedCall], reason: String) -> InferredOp {
        var order: [String] = []
        var byKey: [String: (arguments: JSON, counts: [String: (count: Int, last: Int, result: JSON)])] = [:]
        var distinct: Set<String> = []
        for (position, call) in calls.enumerated() where call.outcome == .ok {
            let result = call.structured ?? .string(call.body)
            let key = RecordedAnswers.key(call.arguments)
            let text = result.canonicalText
            distinct.insert(text)
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = (call.arguments, [:])
            }
            let previous = byKey[key]!.counts[text]?.count ?? 0
            byKey[key]!.counts[text] = (previous + 1, position, result)
        }
        let answers = order.map { key -> InferredOp.RecordedAnswer in
            let entry = byKey[key]!
            let best = entry.counts.values.max { ($0.count, $0.last) < ($1.count, $1.last) }!
            return InferredOp.RecordedAnswer(arguments: entry.arguments, result: best.result)
        }
        let okCount = calls.filter { $0.outcome == .ok }.count
        let fallback = distinct.count == 1 && okCount >= 2 ? answers.first?.result : nil
        return .recorded(answers: answers, fallback: fallback, reason: reason)
    }

    /// Why a candidate op does not explain a call: the call (1-based among the tool's calls) and
    /// what it answered against what the op means.
    struct Rejection: Error, Sendable, Hashable {
        var call: Int?
        var message: String

        var text: String { call.map { "call \($0) \(message)" } ?? message }
    }

    /// For `get`: the argument every successful answer's `id` equals, and the answers.
    static func checkGet(_ calls: [RecordedCall]) -> Result<(String, [JSON]), Rejection> {
        var rows: [JSON] = []
        var candidates: [String]? = nil
        for (position, call) in calls.enumerated() where call.outcome == .ok {
            guard case .object(let body)? = call.structured, case .string(let id)? = body["id"] else {
                return .failure(
                    Rejection(call: position + 1, message: "answered something other than one row with a string id"))
            }
            guard case .object(let arguments) = call.arguments else {
                return .failure(Rejection(call: position + 1, message: "has arguments that are not an object"))
            }
            let matching = arguments.keys.filter { arguments[$0] == .string(id) }
            let narrowed = candidates.map { previous in previous.filter(matching.contains) } ?? matching
            if narrowed.isEmpty {
                return .failure(
                    Rejection(
                        call: position + 1,
                        message:
                            "answered the row '\(id)', which no argument names\(candidates == nil ? "" : " that named the rows of earlier calls")"
                    ))
            }
            candidates = narrowed
            rows.append(.object(body))
        }
        return .success((candidates!.first!, rows))
    }

    /// For `get`, which changes nothing: each successful answer is the row as last answered in its
    /// sequence (by any tool), when it was answered before — the same fields, or at least one
    /// field besides `id` in common and every common field equal. Nil when that holds for all but
    /// the tolerated share of the calls; else the first call where it does not.
    static func checkUnchanged(tool: String, sequences: [[RecordedCall]]) -> Rejection? {
        var failures: [Rejection] = []
        var successful = 0
        var number = 0
        for sequence in sequences {
            var seen: [String: JSONObject] = [:]
            for call in sequence {
                if call.tool == tool { number += 1 }
                guard call.outcome == .ok else { continue }
                if call.tool == tool { successful += 1 }
                if call.tool == tool, case .object(let row)? = call.structured, let id = row["id"]?.stringValue,
                    let prior = seen[id]
                {
                    let common = row.keys.filter { prior[$0] != nil }
                    let sameKeys = Set(row.keys) == Set(prior.keys)
                    if let field = common.first(where: { !WriteOpCheck.same(row[$0], prior[$0]) }) {
                        failures.append(
                            Rejection(
                                call: number,
                                message:
                                    "answered \(field) = \(WriteOpCheck.show(row[field])) for '\(id)', last answered as \(WriteOpCheck.show(prior[field])): a get changes nothing"
                            ))
                    } else if !sameKeys && !common.contains(where: { $0 != "id" }) {
                        failures.append(
                            Rejection(
                                call: number,
                                message:
                                    "answered '\(id)' with none of the fields it was last answered with: not the row"))
                    }
                }
                for row in rows(in: call.structured) { seen[row["id"]!.stringValue!] = row }
            }
        }
        guard failures.count > toleratedFailures(successfulCalls: successful), let first = failures.first else {
            return nil
        }
        let more = failures.count > 1 ? " (and \(failures.count - 1) more of its \(successful) successful calls)" : ""
        return Rejection(call: first.call, message: first.message + more)
    }

    /// For `list`: the rows of every successful answer (an array of objects with string ids, or
    /// an object whose first array member is one), when at least one answer has a row.
    static func checkList(_ calls: [RecordedCall]) -> Result<[JSON], Rejection> {
        var rows: [JSON] = []
        for (position, call) in calls.enumerated() where call.outcome == .ok {
            guard let items = listItems(call.structured) else {
                return .failure(Rejection(call: position + 1, message: "answered something other than a list of rows"))
            }
            for item in items {
                guard case .object(let row) = item, case .string = row["id"] else {
                    return .failure(
                        Rejection(call: position + 1, message: "listed an item that is not a row with a string id"))
                }
                rows.append(item)
            }
        }
        if rows.isEmpty { return .failure(Rejection(call: nil, message: "no answer lists a row")) }
        return .success(rows)
    }

    /// The items of a list answer: an array, or an object's first array member.
    static func listItems(_ body: JSON?) -> [JSON]? {
        switch body {
        case .array(let elements)?: return elements
        case .object(let object)?:
            return object.keys.lazy.compactMap { key -> [JSON]? in
                if case .array(let elements)? = object[key] { return elements }
                return nil
            }.first
        default: return nil
        }
    }

    /// The rows in an answer: the answer itself when it is a row, else a list answer's rows.
    static func rows(in body: JSON?) -> [JSONObject] {
        if case .object(let object)? = body, case .string? = object["id"] { return [object] }
        return (listItems(body) ?? []).compactMap { item in
            if case .object(let row) = item, case .string? = row["id"] { return row }
            return nil
        }
    }

    /// A collection's name: after the key argument (`customer_id` → `customers`), else the tool.
    static func collectionName(key: String, tool: String) -> String {
        key.hasSuffix("_id") && key.count > 3 ? String(key.dropLast(3)) + "s" : stem(tool)
    }

    /// A collection name from a tool name: the tool's identifier without a leading or trailing
    /// verb (`tickets_get` → `tickets`, `get_orders_id` → `orders_id`, `create_record` → `record`).
    static func stem(_ tool: String) -> String {
        var name = ScenarioLearner.identifier(tool, fallback: "rows")
        for verb in [
            "get", "list", "fetch", "read", "find", "search", "create", "add", "new", "update", "edit", "set",
            "delete", "remove",
        ] {
            if name.hasPrefix(verb + "_") { name = String(name.dropFirst(verb.count + 1)) }
            if name.hasSuffix("_" + verb) { name = String(name.dropLast(verb.count + 1)) }
        }
        return name
    }

    /// Names collection `c` so that the ids it generates have the prefix of the ids its create
    /// answered (`billing_issue_credit`'s `CR-1` → `credits`); notes when no name can.
    private mutating func nameForIDs(_ scheme: WriteOpCheck.IDScheme, collection c: Int, tool: String) -> [String] {
        let current = collections[c].name
        guard EntityCollection.idPrefix(of: current) != scheme.prefix else { return [] }
        guard let name = ServerSetFields.collectionName(prefix: scheme.prefix, current: current, tool: tool) else {
            return [
                "no collection name makes ids with the prefix \(scheme.prefix) (the scenario language's prefixes are a name's first letter and the first consonant after it): rows it creates get ids \(EntityCollection.idPrefix(of: current))-n"
            ]
        }
        takenNames.remove(current)
        collections[c].name = ScenarioLearner.unique(name, in: &takenNames)
        return [
            "collection named \(collections[c].name) (was \(current)) so that its ids are \(scheme.prefix)-n as recorded"
        ]
    }

    /// A new, empty collection named `name` (or `name_2`, … when taken); its index.
    private mutating func newCollection(named name: String) -> Int {
        collections.append(Collection(name: ScenarioLearner.unique(name, in: &takenNames), rows: [], index: [:]))
        return collections.count - 1
    }

    /// Adds rows to the collection that already holds one of their ids, or to a new one.
    private mutating func add(_ rows: [JSON], tool: String, name: String) {
        let ids = rows.compactMap { $0["id"]?.stringValue }
        let c =
            collections.firstIndex { collection in ids.contains { collection.index[$0] != nil } }
            ?? newCollection(named: name)
        collectionOfTool[tool] = c
        for row in rows { merge(row, into: c) }
    }

    /// Adds `row` to collection `c`, or gives the row with its id the fields it lacked.
    private mutating func merge(_ row: JSON, into c: Int) {
        guard case .object(let fields) = row, let id = fields["id"]?.stringValue else { return }
        if let position = collections[c].index[id] {
            guard case .object(var existing) = collections[c].rows[position] else { return }
            for key in fields.keys where existing[key] == nil {
                _ = existing.updateValue(fields[key]!, forKey: key)
            }
            collections[c].rows[position] = .object(existing)
        } else {
            collections[c].index[id] = collections[c].rows.count
            collections[c].rows.append(row)
        }
    }

    /// The rows the data starts with: each read answer's rows not yet touched by a write earlier
    /// in their sequence (rows in list answers first, in their order; then the others), and rows
    /// seen only after an update in their first version seen (nothing better is known). Rows the
    /// data's create tools made are left out: replaying the create makes them.
    private mutating func rebuildInitialRows(sequences: [[RecordedCall]]) {
        let ops = self.ops
        var listed: [(Int, JSON)] = []
        var other: [(Int, JSON)] = []
        var touchedOnly: [(Int, JSON)] = []
        var created: Set<String> = []
        for sequence in sequences {
            var touched: Set<String> = []
            for call in sequence where call.outcome == .ok {
                guard let op = ops[call.tool], let c = collectionOfTool[call.tool] else { continue }
                switch op {
                case .get, .list:
                    for row in Self.rows(in: call.structured) {
                        let id = row["id"]!.stringValue!
                        if touched.contains(id) {
                            if !created.contains(id) { touchedOnly.append((c, .object(row))) }
                        } else if case .list = op {
                            listed.append((c, .object(row)))
                        } else {
                            other.append((c, .object(row)))
                        }
                    }
                case .create:
                    if let id = call.structured?["id"]?.stringValue {
                        touched.insert(id)
                        created.insert(id)
                    }
                case .update(let key, _), .delete(let key, _):
                    if let id = call.arguments[key]?.stringValue { touched.insert(id) }
                    if case .update = op, let row = call.structured?.objectValue, row["id"]?.stringValue != nil,
                        !created.contains(row["id"]!.stringValue!)
                    {
                        touchedOnly.append((c, .object(row)))
                    }
                case .recorded: break
                }
            }
        }
        for index in collections.indices {
            collections[index].rows = []
            collections[index].index = [:]
        }
        for (c, row) in listed + other { merge(row, into: c) }
        for (c, row) in touchedOnly {
            guard let id = row["id"]?.stringValue, collections[c].index[id] == nil else { continue }
            merge(row, into: c)
        }
    }
}
