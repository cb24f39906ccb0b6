import WorldModel

/// Checks what `create`, `update` and `delete` would mean for one tool against every one of its
/// recorded calls, in order, simulating each sequence's rows as the answers show them: a row's
/// latest version is the one last answered in its sequence (each sequence starts knowing none).
///
/// - create: each successful answer is one row not seen before in its sequence, whose fields
///   are arguments of the call (or the same constant every time); its id is an argument's or
///   the collection's counter's.
/// - update: each successful answer is the row whose id an argument names, with every other
///   argument that names a field of the row equal to it, and every field that changed since the
///   row was last seen named by an argument (or set to the same constant every time).
/// - delete: an argument names a known row; no later answer of its sequence shows that row
///   again, and at least one later read shows it gone (a get answering a client error, or a
///   list of its collection without it).
struct WriteOpCheck {
    /// A candidate op.
    enum Candidate: String, CaseIterable {
        case create, update, delete
    }

    /// The verdict on a candidate, with the collection it works on (nil: a new one) and notes.
    struct Outcome {
        var verdict: Result<InferredOp, StateInference.Rejection>
        var collection: Int?
        var notes: [String]
    }

    let tool: RecordedTool
    let sequences: [[RecordedCall]]
    /// The read tools' ops (get and list), by tool name.
    let readOps: [String: InferredOp]
    /// The collection of each row id the reads answered.
    let collectionOfID: [String: Int]
    /// The collection of each read tool.
    let collectionOfTool: [String: Int]

    /// The arguments the input schema requires.
    private var required: Set<String> {
        Set((tool.inputSchema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    /// Whether two values are the same JSON (numbers by value, objects regardless of key order).
    static func same(_ a: JSON?, _ b: JSON?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a == b || a.canonicalText == b.canonicalText
    }

    /// A value for people: its canonical JSON, cut at 60 characters.
    static func show(_ value: JSON?) -> String {
        guard let value else { return "(absent)" }
        let text = value.canonicalText
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    /// Checks `candidate` against every call.
    func check(_ candidate: Candidate) -> Outcome {
        var state = Walk()
        switch candidate {
        case .create: return create(&state)
        case .update: return update(&state)
        case .delete: return delete(&state)
        }
    }

    /// The state of a walk over the calls: failures, successful calls of the tool.
    private struct Walk {
        var failures: [StateInference.Rejection] = []
        var successful = 0
    }

    /// The verdict once every call was seen: the op when at most the tolerated share failed.
    private func verdict(_ walk: Walk, op: () -> Result<InferredOp, StateInference.Rejection>, collection: Int?)
        -> Outcome
    {
        let tolerated = StateInference.toleratedFailures(successfulCalls: walk.successful)
        if walk.failures.count > tolerated, let first = walk.failures.first {
            let more =
                walk.failures.count > 1
                ? " (and \(walk.failures.count - 1) more of its \(walk.successful) successful calls)" : ""
            return Outcome(
                verdict: .failure(StateInference.Rejection(call: first.call, message: first.message + more)),
                collection: nil, notes: [])
        }
        var notes: [String] = []
        if !walk.failures.isEmpty {
            notes.append(
                "\(walk.failures.count) of \(walk.successful) successful calls not explained, within the tolerance of \(tolerated) (2 %): "
                    + walk.failures.map(\.text).joined(separator: "; "))
        }
        return Outcome(verdict: op(), collection: collection, notes: notes)
    }

    /// Walks the calls in order: `visit` sees each call with its 1-based number among the tool's
    /// calls (nil for other tools' calls) and the rows last answered in its sequence, which are
    /// updated after the visit from the answer.
    private func walk(_ visit: (RecordedCall, Int?, inout [String: JSONObject]) -> Void) {
        var number = 0
        for sequence in sequences {
            var seen: [String: JSONObject] = [:]
            for call in sequence {
                var own: Int? = nil
                if call.tool == tool.name {
                    number += 1
                    own = number
                }
                visit(call, own, &seen)
                guard call.outcome == .ok else { continue }
                for row in StateInference.rows(in: call.structured) { seen[row["id"]!.stringValue!] = row }
            }
        }
    }

    /// Walks the tool's successful calls, each with the row it answered (a call answering none
    /// is a failure), the row's id and the rows last answered in its sequence; `visit` says why
    /// the call contradicts the candidate, or nil.
    private func walkAnswers(
        _ state: inout Walk, _ visit: (RecordedCall, JSONObject, String, [String: JSONObject]) -> String?
    ) {
        walk { call, number, seen in
            guard let number, call.outcome == .ok else { return }
            state.successful += 1
            guard case .object(let row)? = call.structured, case .string(let id)? = row["id"] else {
                state.failures.append(
                    .init(call: number, message: "answered something other than one row with a string id"))
                return
            }
            if let message = visit(call, row, id, seen) { state.failures.append(.init(call: number, message: message)) }
        }
    }

    private func create(_ state: inout Walk) -> Outcome {
        var sources: [String: Set<String>] = [:]
        var constants: [String: JSON?] = [:]  // nil: no constant fits
        var fieldOrder: [String] = []
        var keyArguments: Set<String>? = nil
        var collection: Int? = nil
        walkAnswers(&state) { call, row, id, seen in
            if seen[id] != nil {
                return "answered '\(id)', a row already answered earlier in its sequence (not a new row)"
            }
            let arguments = call.arguments.objectValue ?? [:]
            var newSources = sources
            var newConstants = constants
            for field in row.keys where field != "id" {
                let value = row[field]!
                let matching = Set(arguments.keys.filter { Self.same(arguments[$0], value) })
                let narrowed = sources[field].map { $0.intersection(matching) } ?? matching
                // Spelled out with `Optional.none`: JSON is ExpressibleByNilLiteral, so a bare
                // `nil` here would become JSON null and let any value pass as "the same constant".
                let constant: JSON?
                if let previous = constants[field] {
                    constant = previous.flatMap { Self.same($0, value) ? $0 : Optional.none }
                } else {
                    constant = InferredOp.literal(value) == nil ? Optional.none : value
                }
                if narrowed.isEmpty, constant == nil {
                    let earlier =
                        constants[field].flatMap { $0 }.map { " (earlier creates answered \(Self.show($0)))" } ?? ""
                    return "answered \(field) = \(Self.show(value)), which no argument of the call gives\(earlier)"
                }
                newSources[field] = narrowed
                _ = newConstants.updateValue(constant, forKey: field)
            }
            for field in row.keys where field != "id" && !fieldOrder.contains(field) { fieldOrder.append(field) }
            sources = newSources
            constants = newConstants
            let idArguments = Set(arguments.keys.filter { arguments[$0] == .string(id) })
            keyArguments = keyArguments.map { $0.intersection(idArguments) } ?? idArguments
            if collection == nil { collection = collectionOfID[id] }
            return nil
        }
        let required = self.required
        return verdict(
            state,
            op: {
                var fields: [InferredOp.FieldSource] = []
                for field in fieldOrder {
                    if let arguments = sources[field], !arguments.isEmpty {
                        let argument = arguments.contains(field) ? field : arguments.sorted()[0]
                        fields.append(
                            .init(
                                field: field, argument: argument, optional: !required.contains(argument), constant: nil)
                        )
                    } else if let constant = constants[field] ?? nil {
                        fields.append(.init(field: field, argument: nil, optional: false, constant: constant))
                    }
                }
                guard fields.contains(where: { $0.argument != nil }) else {
                    return .failure(
                        .init(call: nil, message: "no field of the rows it answered comes from an argument"))
                }
                let key = keyArguments.flatMap { $0.isEmpty ? nil : ($0.contains("id") ? "id" : $0.sorted()[0]) }
                return .success(.create(key: key, fields: fields))
            }, collection: collection)
    }

    private func update(_ state: inout Walk) -> Outcome {
        var keyArguments: Set<String>? = nil
        var setArguments: [String] = []
        var constants: [String: JSON] = [:]
        var constantOrder: [String] = []
        var collection: Int? = nil
        walkAnswers(&state) { call, row, id, seen in
            let arguments = call.arguments.objectValue ?? [:]
            let idArguments = Set(arguments.keys.filter { arguments[$0] == .string(id) })
            let narrowed = keyArguments.map { $0.intersection(idArguments) } ?? idArguments
            guard !narrowed.isEmpty else {
                return
                    "answered the row '\(id)', which no argument names\(keyArguments == nil ? "" : " that named the rows of earlier calls")"
            }
            for name in arguments.keys where !narrowed.contains(name) {
                let value = arguments[name]!
                guard !value.isNull, let field = row[name] else { continue }
                if !Self.same(field, value) {
                    return "answered field \(name) = \(Self.show(field)), the arguments said \(Self.show(value))"
                }
            }
            var newConstants = constants
            if let prior = seen[id] {
                // The answer is the row: its fields, or at least one besides the id in common.
                if Set(row.keys) != Set(prior.keys) && !row.keys.contains(where: { $0 != "id" && prior[$0] != nil }) {
                    return "answered '\(id)' with none of the fields it was last answered with: not the row"
                }
                for field in row.keys where field != "id" && (arguments[field]?.isNull ?? true) {
                    guard !Self.same(prior[field], row[field]) else { continue }
                    let value = row[field]!
                    if let previous = constants[field], !Self.same(previous, value) {
                        return
                            "changed field \(field) to \(Self.show(value)), which no argument gives (an earlier call set \(Self.show(previous)))"
                    }
                    if InferredOp.literal(value) == nil {
                        return "changed field \(field) to \(Self.show(value)), which no argument gives"
                    }
                    newConstants[field] = value
                }
            }
            for field in newConstants.keys.sorted() where constants[field] == nil { constantOrder.append(field) }
            constants = newConstants
            keyArguments = narrowed
            for name in arguments.keys
            where !narrowed.contains(name) && row[name] != nil && !setArguments.contains(name) {
                setArguments.append(name)
            }
            if collection == nil { collection = collectionOfID[id] }
            return nil
        }
        let required = self.required
        return verdict(
            state,
            op: {
                guard let keyArguments, !keyArguments.isEmpty else {
                    return .failure(.init(call: nil, message: "no successful call to check it against"))
                }
                let key = keyArguments.contains("id") ? "id" : keyArguments.sorted()[0]
                var set = setArguments.filter { $0 != key }.map {
                    InferredOp.FieldSource(field: $0, argument: $0, optional: !required.contains($0), constant: nil)
                }
                set += constantOrder.filter { !setArguments.contains($0) }.map {
                    InferredOp.FieldSource(field: $0, argument: nil, optional: false, constant: constants[$0])
                }
                guard !set.isEmpty else {
                    return .failure(
                        .init(
                            call: nil,
                            message: "no argument names a field of the rows it answered, and no field changed"))
                }
                return .success(.update(key: key, set: set))
            }, collection: collection)
    }

    private func delete(_ state: inout Walk) -> Outcome {
        var keyArguments: Set<String>? = nil
        var evidence = 0
        var collection: Int? = nil
        var deleted: [String: Int] = [:]  // id → the deleting call, in the current sequence
        var number = 0
        for sequence in sequences {
            var seen: [String: JSONObject] = [:]
            deleted = [:]
            for call in sequence {
                if call.tool == tool.name {
                    number += 1
                    guard call.outcome == .ok else { continue }
                    state.successful += 1
                    let arguments = call.arguments.objectValue ?? [:]
                    let named = Set(
                        arguments.keys.filter { name in
                            guard let id = arguments[name]?.stringValue else { return false }
                            return seen[id] != nil || collectionOfID[id] != nil
                        })
                    let narrowed = keyArguments.map { $0.intersection(named) } ?? named
                    guard !narrowed.isEmpty else {
                        state.failures.append(.init(call: number, message: "names no row a get or list answered"))
                        continue
                    }
                    keyArguments = narrowed
                    for name in narrowed {
                        let id = arguments[name]!.stringValue!
                        deleted[id] = number
                        seen[id] = nil
                        if collection == nil { collection = collectionOfID[id] }
                    }
                    continue
                }
                if call.outcome == .ok {
                    let rows = StateInference.rows(in: call.structured)
                    for row in rows {
                        let id = row["id"]!.stringValue!
                        if let deleting = deleted[id] {
                            state.failures.append(
                                .init(
                                    call: deleting,
                                    message: "deleted '\(id)', but a later \(call.tool) call answered it"))
                            deleted[id] = nil
                        }
                        seen[id] = row
                    }
                    if case .list? = readOps[call.tool], let listed = collectionOfTool[call.tool] {
                        let ids = Set(rows.map { $0["id"]!.stringValue! })
                        evidence += deleted.keys.filter { !ids.contains($0) && collectionOfID[$0] == listed }.count
                    }
                } else if call.outcome == .clientError, case .get(let key)? = readOps[call.tool],
                    let id = call.arguments[key]?.stringValue, deleted[id] != nil
                {
                    evidence += 1
                }
            }
        }
        return verdict(
            state,
            op: {
                guard let keyArguments, !keyArguments.isEmpty else {
                    return .failure(.init(call: nil, message: "no successful call to check it against"))
                }
                guard evidence > 0 else {
                    return .failure(
                        .init(
                            call: nil,
                            message:
                                "no later read shows a deleted row gone (a get answering not found, or a list without it)"
                        ))
                }
                return .success(.delete(key: keyArguments.contains("id") ? "id" : keyArguments.sorted()[0]))
            }, collection: collection)
    }
}
