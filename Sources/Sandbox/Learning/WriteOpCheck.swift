import WorldModel

/// Checks what `create`, `update` and `delete` would mean for one tool against every one of its
/// recorded calls, in order, simulating each sequence's rows as the answers show them: a row's
/// latest version is the one last answered in its sequence (each sequence starts knowing none).
///
/// - create: each successful answer is one row not seen before in its sequence, whose fields
///   are arguments of the call (the same argument every time, of any name), the same constant
///   every time, or the call's time (`ServerSetFields`); its id is an argument's or the
///   collection's counter's (`IDScheme` says whether the recorded ids are a counter).
/// - update: each successful answer is the row whose id an argument names, with every other
///   argument that names a field of the row equal to it, and every field, on every call,
///   unchanged since the row was last seen, or the value of one argument of any name (unchanged
///   when it is left out), or the same constant, or the call's time.
/// - delete: an argument names a known row; no later answer of its sequence shows that row
///   again, and at least one later read shows it gone (a get answering a client error, or a
///   list of its collection without it).
struct WriteOpCheck {
    /// A candidate op.
    enum Candidate: String, CaseIterable {
        case create, update, delete
    }

    /// The ids a create answered, when they are a prefix and a number counting up within each
    /// sequence (`CR-1`, `CR-2`, …): the learned collection should generate the same prefix.
    struct IDScheme {
        /// The prefix (`CR`).
        var prefix: String
        /// The id as a field the server sets, for the report.
        var field: ServerSetField
    }

    /// The verdict on a candidate, with the collection it works on (nil: a new one), notes, the
    /// fields left to the server and, for a create without a key argument, the ids' scheme.
    struct Outcome {
        var verdict: Result<InferredOp, StateInference.Rejection>
        var collection: Int?
        var notes: [String]
        var serverSet: [ServerSetField] = []
        var idScheme: IDScheme? = nil
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

    /// What a walk knows at one of the tool's successful calls besides its row: the sequence
    /// (its index), the intervals in which the server may have stamped the row it answered (the
    /// call's, and those of the tool's failed calls since its previous successful call in the
    /// sequence: `ServerSetFields`), and the rows last answered in the sequence. A failed call
    /// here is a timeout or a server error: an answer that may have been lost after the write.
    struct Moment {
        var sequence: Int
        var intervals: [ClosedRange<Double>]
        var seen: [String: JSONObject]
        /// The tool's failed calls since its previous successful call in the sequence.
        var lostCalls: Int { intervals.count - 1 }
    }

    /// Walks the calls in order: `visit` sees each call with its 1-based number among the tool's
    /// calls (nil for other tools' calls), and, for the tool's successful calls, the moment;
    /// the rows last answered are updated after the visit from the answer.
    private func walk(_ visit: (RecordedCall, Int?, Moment) -> Void) {
        var number = 0
        for (index, sequence) in sequences.enumerated() {
            var seen: [String: JSONObject] = [:]
            var lost: [(call: RecordedCall, open: Bool)] = []
            var lostIntervals: [ClosedRange<Double>] = []
            for call in sequence {
                // A failed call without a latency lasts until the next call.
                for entry in lost where entry.open {
                    lostIntervals.append(ServerSetFields.interval(of: entry.call, until: call.atMs))
                }
                lost.removeAll { $0.open }
                var own: Int? = nil
                if call.tool == tool.name {
                    number += 1
                    own = number
                    if call.outcome == .timeout || call.outcome == .serverError {
                        if call.latencyMs == nil {
                            lost.append((call, true))
                        } else {
                            lostIntervals.append(ServerSetFields.interval(of: call, until: nil))
                        }
                    }
                }
                let intervals =
                    own != nil && call.outcome == .ok
                    ? [ServerSetFields.interval(of: call, until: nil)] + lostIntervals : []
                visit(call, own, Moment(sequence: index, intervals: intervals, seen: seen))
                guard call.outcome == .ok else { continue }
                if own != nil { lostIntervals = [] }
                for row in StateInference.rows(in: call.structured) { seen[row["id"]!.stringValue!] = row }
            }
        }
    }

    /// Walks the tool's successful calls, each with the row it answered (a call answering none
    /// is a failure), the row's id and the moment; `visit` says why the call contradicts the
    /// candidate, or nil.
    private func walkAnswers(
        _ state: inout Walk, _ visit: (RecordedCall, JSONObject, String, Moment) -> String?
    ) {
        walk { call, number, moment in
            guard let number, call.outcome == .ok else { return }
            state.successful += 1
            guard case .object(let row)? = call.structured, case .string(let id)? = row["id"] else {
                state.failures.append(
                    .init(call: number, message: "answered something other than one row with a string id"))
                return
            }
            if let message = visit(call, row, id, moment) {
                state.failures.append(.init(call: number, message: message))
            }
        }
    }

    private func create(_ state: inout Walk) -> Outcome {
        var sources: [String: Set<String>] = [:]
        var constants: [String: JSON?] = [:]  // nil: no constant fits
        var times: [String: Bool] = [:]  // whether every answer gave the field the call's time
        var counts: [String: Int] = [:]  // the answers giving the field
        var fieldOrder: [String] = []
        var keyArguments: Set<String>? = nil
        var collection: Int? = nil
        var created: [(sequence: Int, id: String, lostCalls: Int)] = []
        walkAnswers(&state) { call, row, id, moment in
            if moment.seen[id] != nil {
                return "answered '\(id)', a row already answered earlier in its sequence (not a new row)"
            }
            let arguments = call.arguments.objectValue ?? [:]
            var newSources = sources
            var newConstants = constants
            var newTimes = times
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
                let time = (times[field] ?? true) && ServerSetFields.isTime(value, within: moment.intervals)
                if narrowed.isEmpty, constant == nil, !time {
                    let earlier =
                        constants[field].flatMap { $0 }.map { " (earlier creates answered \(Self.show($0)))" } ?? ""
                    let notTime = times[field] == true ? "; nor is it the call's time" : ""
                    return
                        "answered \(field) = \(Self.show(value)), which no argument of the call gives\(earlier)\(notTime)"
                }
                newSources[field] = narrowed
                _ = newConstants.updateValue(constant, forKey: field)
                newTimes[field] = time
            }
            for field in row.keys where field != "id" {
                if !fieldOrder.contains(field) { fieldOrder.append(field) }
                counts[field, default: 0] += 1
            }
            sources = newSources
            constants = newConstants
            times = newTimes
            let idArguments = Set(arguments.keys.filter { arguments[$0] == .string(id) })
            keyArguments = keyArguments.map { $0.intersection(idArguments) } ?? idArguments
            if collection == nil { collection = collectionOfID[id] }
            created.append((moment.sequence, id, moment.lostCalls))
            return nil
        }
        let required = self.required
        let key = keyArguments.flatMap { $0.isEmpty ? nil : ($0.contains("id") ? "id" : $0.sorted()[0]) }
        var notes: [String] = []
        var serverSet: [ServerSetField] = []
        var fields: [InferredOp.FieldSource] = []
        for field in fieldOrder {
            if let arguments = sources[field], !arguments.isEmpty {
                let argument = arguments.contains(field) ? field : arguments.sorted()[0]
                fields.append(
                    .init(field: field, argument: argument, optional: !required.contains(argument), constant: nil))
            } else if let constant = constants[field] ?? nil {
                fields.append(.init(field: field, argument: nil, optional: false, constant: constant))
            } else if times[field] == true {
                fields.append(.init(field: field, argument: nil, optional: false, constant: nil, serverTime: true))
                serverSet.append(.init(field: field, source: .time, calls: counts[field]!, of: created.count))
            }
        }
        var scheme: IDScheme? = nil
        if key == nil {
            let found = Self.idScheme(created, collection: collection, collectionOfID: collectionOfID)
            scheme = found.scheme
            if let field = found.scheme?.field { serverSet.append(field) } else { notes.append(found.note) }
        }
        var outcome = verdict(
            state,
            op: {
                guard fields.contains(where: { $0.argument != nil }) else {
                    return .failure(
                        .init(call: nil, message: "no field of the rows it answered comes from an argument"))
                }
                return .success(.create(key: key, fields: fields))
            }, collection: collection)
        if case .success = outcome.verdict {
            outcome.notes += serverSet.map { $0.note(unit: "new rows") } + notes
            outcome.serverSet = serverSet
            outcome.idScheme = scheme
        }
        return outcome
    }

    /// The scheme of the ids a create answered (each with its sequence and the failed calls
    /// before it since the tool's previous successful call); or nil and a note saying why they
    /// follow none.
    static func idScheme(
        _ created: [(sequence: Int, id: String, lostCalls: Int)], collection: Int?, collectionOfID: [String: Int]
    ) -> (scheme: IDScheme?, note: String) {
        let otherIDs =
            "rows it creates get ids from the collection's counter, not the ones the real system gave"
        var parsed: [(sequence: Int, prefix: String, number: Int, lostCalls: Int)] = []
        for entry in created {
            guard let (prefix, number) = ServerSetFields.counterID(entry.id) else {
                return (nil, "the recorded ids ('\(entry.id)') are not a prefix and a counter (like CR-1): \(otherIDs)")
            }
            if let first = parsed.first, first.prefix != prefix {
                return (
                    nil,
                    "the recorded ids have more than one prefix ('\(first.prefix)-\(first.number)', '\(entry.id)'): \(otherIDs)"
                )
            }
            parsed.append((entry.sequence, prefix, number, entry.lostCalls))
        }
        guard let prefix = parsed.first?.prefix else { return (nil, "no new row to learn ids from") }
        // The counter's first number: after the highest of the prefix among the rows the data
        // starts with (the reads' rows of the collection that no create made).
        let createdIDs = Set(created.map(\.id))
        var highest = 0
        if let collection {
            for (id, c) in collectionOfID where c == collection && !createdIDs.contains(id) {
                if let (p, number) = ServerSetFields.counterID(id), p == prefix { highest = max(highest, number) }
            }
        }
        var restarts = true
        var mismatch = ""
        var last: (sequence: Int, number: Int)? = nil
        for entry in parsed {
            let previous = last?.sequence == entry.sequence ? last!.number : nil
            if let previous, entry.number <= previous {
                return (
                    nil,
                    "the recorded ids do not count up ('\(prefix)-\(entry.number)' after '\(prefix)-\(previous)' in one sequence): \(otherIDs)"
                )
            }
            let expected = (previous ?? highest) + 1
            if restarts && (entry.number < expected || entry.number - expected > entry.lostCalls) {
                restarts = false
                mismatch =
                    previous == nil
                    ? "a sequence's first new row was '\(prefix)-\(entry.number)', the counter's first is '\(prefix)-\(expected)'"
                    : "'\(prefix)-\(entry.number)' followed '\(prefix)-\(previous!)' with \(entry.lostCalls) failed calls between"
            }
            last = (entry.sequence, entry.number)
        }
        let field = ServerSetField(
            field: "id", source: .counter(prefix: prefix, first: highest + 1, restartsWithSequences: restarts),
            calls: created.count, of: created.count, mismatch: restarts ? nil : mismatch)
        return (IDScheme(prefix: prefix, field: field), "")
    }

    /// What may still set one field in an update, after the calls so far.
    private struct FieldHypotheses {
        /// Once the field was seen changed: the arguments it took the value of every time it
        /// changed (nil before that).
        var allowed: Set<String>? = nil
        /// Arguments given (not null) with another value than the field's: they do not set it.
        var excluded: Set<String> = []
        /// Arguments given (not null) with the field's value at least once.
        var evidence: Set<String> = []
        /// Whether the field was never seen changed.
        var unchanged = true
        /// The constant it had in every answer: nil before the first, `.some(nil)` when none fits.
        var constant: JSON?? = nil
        /// Whether it was the call's time in every answer.
        var time = true
        /// The answers that had it.
        var count = 0

        /// The arguments that may still set it.
        var arguments: Set<String> { (allowed ?? evidence).subtracting(excluded).intersection(evidence) }
        /// Whether anything still explains it.
        var explained: Bool {
            unchanged || !arguments.isEmpty || (constant ?? nil) != nil || time
        }
    }

    private func update(_ state: inout Walk) -> Outcome {
        var keyArguments: Set<String>? = nil
        var hypotheses: [String: FieldHypotheses] = [:]
        var fieldOrder: [String] = []
        var argumentOrder: [String] = []  // arguments in the order first seen with a field's value
        var collection: Int? = nil
        walkAnswers(&state) { call, row, id, moment in
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
            let prior = moment.seen[id]
            // The answer is the row: its fields, or at least one besides the id in common.
            if let prior, Set(row.keys) != Set(prior.keys),
                !row.keys.contains(where: { $0 != "id" && prior[$0] != nil })
            {
                return "answered '\(id)' with none of the fields it was last answered with: not the row"
            }
            var next = hypotheses
            for field in row.keys where field != "id" {
                let value = row[field]!
                var h = hypotheses[field] ?? FieldHypotheses()
                let was = h
                let changed = prior.map { !Self.same($0[field], value) } ?? false
                let given = arguments.keys.filter { !narrowed.contains($0) && !(arguments[$0]?.isNull ?? true) }
                let equal = Set(given.filter { Self.same(arguments[$0], value) })
                h.excluded.formUnion(Set(given).subtracting(equal))
                h.evidence.formUnion(equal)
                if changed {
                    h.unchanged = false
                    h.allowed = h.allowed.map { $0.intersection(equal) } ?? equal
                }
                if let previous = h.constant {
                    h.constant = previous.flatMap { Self.same($0, value) ? $0 : Optional.none }
                } else {
                    h.constant = .some(InferredOp.literal(value) == nil ? Optional.none : value)
                }
                h.time = h.time && ServerSetFields.isTime(value, within: moment.intervals)
                h.count += 1
                guard h.explained else {
                    let earlier = (was.constant ?? nil).map { " (an earlier call set \(Self.show($0)))" } ?? ""
                    let notTime = was.time && was.count > 0 ? "; nor is it the call's time" : ""
                    return changed
                        ? "changed field \(field) to \(Self.show(value)), which no argument gives\(earlier)\(notTime)"
                        : "answered field \(field) = \(Self.show(value)), which no argument, constant or the call's time gives"
                }
                next[field] = h
            }
            for field in row.keys where field != "id" && !fieldOrder.contains(field) { fieldOrder.append(field) }
            for name in arguments.keys where !argumentOrder.contains(name) && !narrowed.contains(name) {
                if next.values.contains(where: { $0.evidence.contains(name) }) { argumentOrder.append(name) }
            }
            hypotheses = next
            keyArguments = narrowed
            if collection == nil { collection = collectionOfID[id] }
            return nil
        }
        let required = self.required
        var serverSet: [ServerSetField] = []
        let op: () -> Result<InferredOp, StateInference.Rejection> = {
            guard let keyArguments, !keyArguments.isEmpty else {
                return .failure(.init(call: nil, message: "no successful call to check it against"))
            }
            let key = keyArguments.contains("id") ? "id" : keyArguments.sorted()[0]
            var byArgument: [(field: String, argument: String)] = []
            var constants: [InferredOp.FieldSource] = []
            var times: [InferredOp.FieldSource] = []
            for field in fieldOrder {
                let h = hypotheses[field]!
                let arguments = h.arguments.subtracting([key])
                if arguments.contains(field) {
                    byArgument.append((field, field))
                } else if !h.unchanged, !arguments.isEmpty {
                    guard arguments.count == 1 else {
                        let names = arguments.sorted().map { "args.\($0)" }.joined(separator: ", ")
                        return .failure(
                            .init(
                                call: nil,
                                message:
                                    "field \(field) took the value of more than one argument (\(names)) every time it changed: which one sets it is ambiguous"
                            ))
                    }
                    byArgument.append((field, arguments.first!))
                } else if h.unchanged {
                    continue
                } else if let constant = h.constant ?? nil {
                    constants.append(.init(field: field, argument: nil, optional: false, constant: constant))
                } else if h.time {
                    times.append(.init(field: field, argument: nil, optional: false, constant: nil, serverTime: true))
                    serverSet.append(.init(field: field, source: .time, calls: h.count, of: state.successful))
                }
            }
            let rank = { (argument: String) in argumentOrder.firstIndex(of: argument) ?? argumentOrder.count }
            var set = byArgument.enumerated().sorted {
                (rank($0.element.argument), $0.offset) < (rank($1.element.argument), $1.offset)
            }
            .map {
                InferredOp.FieldSource(
                    field: $0.element.field, argument: $0.element.argument,
                    optional: !required.contains($0.element.argument), constant: nil)
            }
            set += constants + times
            guard !set.isEmpty else {
                return .failure(
                    .init(
                        call: nil,
                        message: "no argument names a field of the rows it answered, and no field changed"))
            }
            return .success(.update(key: key, set: set))
        }
        var outcome = verdict(state, op: op, collection: collection)
        if case .success = outcome.verdict {
            outcome.notes += serverSet.map { $0.note(unit: "successful calls") }
            outcome.serverSet = serverSet
        }
        return outcome
    }

    private func delete(_ state: inout Walk) -> Outcome {
        var keyArguments: Set<String>? = nil
        var evidence = 0
        var collection: Int? = nil
        var deleted: [String: Int] = [:]  // id → the deleting call, in the current sequence
        var answers: [(arguments: JSONObject, body: JSON?)] = []
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
                    answers.append((arguments, call.structured))
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
        var answerNote: String? = nil
        var outcome = verdict(
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
                let key = keyArguments.contains("id") ? "id" : keyArguments.sorted()[0]
                switch Self.deleteAnswer(answers, key: key) {
                case .success(let answer): return .success(.delete(key: key, answer: answer))
                case .failure(let note):
                    answerNote = note.message
                    return .success(.delete(key: key, answer: nil))
                }
            }, collection: collection)
        if let answerNote { outcome.notes.append(answerNote) }
        return outcome
    }

    /// The answer a delete's successful calls gave, as the members of one object, each the same
    /// constant every time or the value of one argument (the key argument preferred): nil when
    /// every answer was the delete op's own, `{"deleted": 1}`; a note saying what does not fit
    /// when the answers have no such form (the op then answers its own, and fidelity's figures
    /// show the difference).
    static func deleteAnswer(_ answers: [(arguments: JSONObject, body: JSON?)], key: String)
        -> Result<[InferredOp.FieldSource]?, StateInference.Rejection>
    {
        func note(_ text: String) -> Result<[InferredOp.FieldSource]?, StateInference.Rejection> {
            .failure(
                .init(
                    call: nil,
                    message:
                        "its answers are not the delete op's {\"deleted\": 1}, and \(text); it answers {\"deleted\": 1}"
                ))
        }
        let own: JSON = ["deleted": 1]
        if answers.allSatisfy({ Self.same($0.body, own) }) { return .success(nil) }
        guard let first = answers.first?.body?.objectValue else { return note("an answer is not an object") }
        let members = Set(first.keys)
        guard answers.allSatisfy({ $0.body?.objectValue.map { Set($0.keys) == members } ?? false }) else {
            return note("they do not all have the same members")
        }
        var sources: [InferredOp.FieldSource] = []
        for field in first.keys {
            guard InferredOp.literal(.string(field)) != nil else {
                return note("the member name \(Self.show(.string(field))) cannot be written")
            }
            let values = answers.map { $0.body!.objectValue![field]! }
            let varies = values.contains { !Self.same($0, values[0]) }
            let arguments = Set(answers[0].arguments.keys).filter { name in
                answers.allSatisfy { Self.same($0.arguments[name], $0.body!.objectValue![field]) }
            }
            let argument = arguments.contains(key) ? key : arguments.sorted().first
            if let argument, varies || argument == key {
                sources.append(.init(field: field, argument: argument, optional: false, constant: nil))
            } else if !varies, InferredOp.literal(values[0]) != nil {
                sources.append(.init(field: field, argument: nil, optional: false, constant: values[0]))
            } else if varies {
                return note("\(field) = \(Self.show(values[0])) is neither the same every time nor an argument")
            } else {
                return note("\(field) = \(Self.show(values[0])) is a constant the scenario language has no literal for")
            }
        }
        return .success(sources)
    }
}
