/// Applies declarative effects to a draft entity store, evaluating their expressions against
/// the draft as it changes (so `last_created` sees a row created by an earlier effect).
///
/// The caller keeps the draft only if every effect succeeds: effects are all or nothing.
struct EffectEvaluator {
    /// The step's expression context (its `data` is swapped for the draft while evaluating);
    /// nil for a tool whose operation evaluates only immediate expressions (`ToolEntry.needsContext`).
    let context: StepContext?
    let arguments: JSON
    /// Variables bound by `for_each`, innermost last.
    var locals: [(name: String, value: JSON)] = []
    /// Whether any effect changed the draft so far.
    private(set) var wrote = false
    /// The world's shortcuts: immediate values without a context, flat updates in place
    /// (`WorldShortcuts`).
    let shortcuts: WorldShortcuts

    init(context: StepContext?, arguments: JSON, shortcuts: WorldShortcuts = .enabled) {
        self.context = context
        self.arguments = arguments
        self.shortcuts = shortcuts
    }

    /// `what` names the value in an error message; it is only built when evaluation fails.
    func value(
        _ expression: CompiledExpression, row: JSONObject? = nil, data: EntityStore, what: @autoclosure () -> String
    ) throws(OperationFailure) -> JSON {
        // Constants and `args.field` read no store: skip lending the draft to the context.
        if shortcuts.isEnabled, Self.isImmediate(expression) {
            let value = try Self.immediateValue(expression, arguments: arguments, what: what())
            return shortcuts.breaks(.immediateValues) && expression.constantValue != nil ? .null : value
        }
        let context = requireContext()
        do throws(ExpressionRuntimeError) {
            return try context.evaluate(expression, on: data, args: arguments, row: row, locals: locals)
        } catch {
            throw .runtime(error, in: what())
        }
    }

    /// Whether `expression` is evaluated without a context: a constant or `args.field`.
    static func isImmediate(_ expression: CompiledExpression) -> Bool {
        if expression.constantValue != nil { return true }
        if let (slot, _) = expression.variableMember { return slot == 0 }
        return false
    }

    /// The value of an immediate expression (`isImmediate`): its constant, or the field of
    /// `arguments` it names.
    static func immediateValue(_ expression: CompiledExpression, arguments: JSON, what: @autoclosure () -> String)
        throws(OperationFailure) -> JSON
    {
        if let constant = expression.constantValue { return constant }
        do throws(ExpressionRuntimeError) {
            return try CompiledExpression.member(of: arguments, expression.variableMember?.key ?? "")
        } catch {
            throw .runtime(error, in: what())
        }
    }

    /// The step's context. A tool gets none only when `ToolEntry.needsContext` proved that every
    /// expression it evaluates is immediate, so reaching here without one is an engine bug: it
    /// traps rather than answer something that would pass for a simulated fault.
    func requireContext() -> StepContext {
        guard let context else {
            preconditionFailure(
                "a tool judged context-free (ToolEntry.needsContext) evaluated a non-immediate expression")
        }
        return context
    }

    func holds(_ predicate: CompiledExpression, row: JSONObject, data: EntityStore) throws(OperationFailure) -> Bool {
        try value(predicate, row: row, data: data, what: "filter") == .bool(true)
    }

    func id(from key: CompiledExpression, data: EntityStore) throws(OperationFailure) -> String {
        let value = try value(key, data: data, what: "key")
        guard let id = value.rowID else {
            throw OperationFailure(
                response: .error(400, code: "bad_request", message: "expected an id string, got \(value.typeName)"))
        }
        return id
    }

    func selectedIDs(_ collection: String, selector: RowSelector, data: EntityStore) throws(OperationFailure)
        -> [String]
    {
        guard data.index(of: collection) != nil else {
            throw OperationFailure.scenario("unknown collection '\(collection)'")
        }
        switch selector {
        case .key(let key):
            let id = try id(from: key, data: data)
            guard data.contains(collection, id: id) == true else {
                throw OperationFailure(
                    response: .error(404, code: "not_found", message: "no row with id '\(id)' in \(collection)"))
            }
            return [id]
        case .matchingID(let predicate, let key) where shortcuts.isEnabled:
            return try selectedID(collection, predicate: predicate, key: key, data: data)
        case .matching(let predicate), .matchingID(let predicate, _):
            var ids: [String] = []
            for row in data.rows(of: collection) ?? [] where try holds(predicate, row: row, data: data) {
                if let id = row["id"]?.stringValue { ids.append(id) }
            }
            return ids
        }
    }

    /// The rows the scan of `predicate` (`row.id == key [&& …]`, see `RowIDKey`) selects, found
    /// by id: none in an empty collection (the scan evaluates nothing there), else `key` is
    /// evaluated (failing as the scan's first row would) and only the row with that id, if any,
    /// is tested (every other row fails the first conjunct; ids are strings, so a key of another
    /// type matches none).
    private func selectedID(
        _ collection: String, predicate: CompiledExpression, key: CompiledExpression, data: EntityStore
    )
        throws(OperationFailure) -> [String]
    {
        guard let rows = data[collection]?.count, rows > 0 else { return [] }
        guard case .string(let id) = try value(key, data: data, what: "filter"),
            let row = data.row(of: collection, id: id), try holds(predicate, row: row, data: data)
        else { return [] }
        return shortcuts.breaks(.idLookup) ? [] : [id]
    }

    mutating func create(
        _ collection: String, value fields: [FieldAssignment], key: CompiledExpression?, data: inout EntityStore
    ) throws(OperationFailure) -> JSONObject {
        // Everything that can fail is evaluated before the first write (the id counter), so a
        // create applied in place leaves the store untouched when it fails.
        let keyID = try key.map { (key) throws(OperationFailure) in try self.id(from: key, data: data) }
        if keyID == nil, data.index(of: collection) == nil {
            let error = EntityStoreError.unknownCollection(collection)
            throw OperationFailure.scenario("\(error)")
        }
        var values: [JSON] = []
        values.reserveCapacity(fields.count)
        for field in fields {
            values.append(try value(field.value, data: data, what: "value.\(field.path.text)"))
        }
        if let keyID, data.contains(collection, id: keyID) == true {
            throw OperationFailure(
                response: .error(409, code: "conflict", message: "\(collection) already has a row with id '\(keyID)'"))
        }
        let id: String
        if let keyID {
            id = keyID
        } else {
            do throws(EntityStoreError) {
                id = try data.modify(collection) { $0.generateID() }
            } catch {
                throw OperationFailure.scenario("\(error)")
            }
        }
        var row = JSONObject(minimumCapacity: fields.count + 1)
        row["id"] = .string(id)
        for (field, newValue) in zip(fields, values) {
            // A new row's fields are named (the loader allows no `[expr]` segment in `value`).
            row = JSON.object(row).setting(newValue, at: field.keys ?? [field.path.first]).objectValue ?? row
        }
        row["id"] = .string(id)
        do throws(EntityStoreError) {
            try data.modify(collection) { (rows) throws(EntityStoreError) in try rows.insert(row) }
            wrote = true
        } catch {
            if case .duplicateID = error {
                throw OperationFailure(
                    response: .error(409, code: "conflict", message: "\(collection) already has a row with id '\(id)'"))
            }
            throw OperationFailure.scenario("\(error)")
        }
        return row
    }

    /// Updates the selected rows; returns them as changed, in selection order.
    mutating func update(
        _ collection: String, selector: RowSelector, set: [FieldAssignment], append: [FieldAssignment],
        data: inout EntityStore
    ) throws(OperationFailure) -> [JSONObject] {
        if case .key(let key) = selector {
            return [try update(collection, key: key, set: set, append: append, data: &data)]
        }
        var updated: [JSONObject] = []
        for id in try selectedIDs(collection, selector: selector, data: data) {
            guard let row = try update(collection, id: id, set: set, append: append, data: &data) else { continue }
            updated.append(row)
        }
        return updated
    }

    /// Updates the row whose id `key` gives (404 when there is none); returns it as changed.
    mutating func update(
        _ collection: String, key: CompiledExpression, set: [FieldAssignment], append: [FieldAssignment],
        data: inout EntityStore
    ) throws(OperationFailure) -> JSONObject {
        guard data.index(of: collection) != nil else {
            throw OperationFailure.scenario("unknown collection '\(collection)'")
        }
        let id = try id(from: key, data: data)
        guard let row = try update(collection, id: id, set: set, append: append, data: &data) else {
            throw OperationFailure(
                response: .error(404, code: "not_found", message: "no row with id '\(id)' in \(collection)"))
        }
        return row
    }

    /// Updates row `id` (nil when there is none): every value is computed against the row as it
    /// was, then the row is replaced in one write.
    private mutating func update(
        _ collection: String, id: String, set: [FieldAssignment], append: [FieldAssignment],
        data: inout EntityStore
    ) throws(OperationFailure) -> JSONObject? {
        guard let index = data.index(of: collection), let position = data.collections[index].position(of: id) else {
            return nil
        }
        return try update(collectionIndex: index, id: id, position: position, set: set, append: append, data: &data)
    }

    /// Updates the row `id` found at `position` of the collection at `collectionIndex`: every
    /// value is computed against the row as it was, then the row is changed in one write (and
    /// only if it changed). Returns the row as changed.
    mutating func update(
        collectionIndex: Int, id: String, position: Int, set: [FieldAssignment], append: [FieldAssignment],
        shape: UpdateShape? = nil, data: inout EntityStore
    ) throws(OperationFailure) -> JSONObject {
        if let row = try updateInPlace(
            collectionIndex: collectionIndex, position: position, set: set, append: append,
            shape: shape ?? UpdateShape(set: set, append: append), data: &data)
        {
            return row
        }
        let original = data.collections[collectionIndex].rows[position]
        var object = original
        // Whether a key got a value not identical to the row's: proof that the row changed (so
        // the row need not be compared whole) when every assignment sets a distinct top-level
        // key other than `id` and nothing is appended, since then each replaced value is the row's.
        var flat = append.isEmpty
        var differs = false
        for assignment in set {
            let what = "set.\(assignment.path.text)"
            let newValue = try value(assignment.value, row: original, data: data, what: what)
            if assignment.isTopLevel {
                // What `FieldPathWriter.write` does for one named key, in place.
                let key = assignment.path.first
                let old = object.updateValue(newValue, forKey: key)
                if flat && !differs && key != "id" && old?.isIdentical(to: newValue) != true { differs = true }
            } else {
                flat = false
                let steps = try pathSteps(assignment.path, row: original, data: data, what: what)
                try FieldPathWriter.write(newValue, at: steps, in: &object, path: assignment.path, what: what)
            }
        }
        let changed = shortcuts.isEnabled && flat && differs && Self.keysAreDistinct(set)
        for assignment in append {
            let what = "append.\(assignment.path.text)"
            let element = try value(assignment.value, row: original, data: data, what: what)
            let steps = try pathSteps(assignment.path, row: original, data: data, what: what)
            let list = FieldPathWriter.read(at: steps, in: object) ?? .null
            guard case .array(var elements) = list.isNull ? .array([]) : list else {
                throw OperationFailure(
                    response: .error(
                        422, code: "unprocessable",
                        message: "cannot append to '\(assignment.path.text)': it is \(list.typeName), not an array"))
            }
            elements.append(element)
            try FieldPathWriter.write(.array(elements), at: steps, in: &object, path: assignment.path, what: what)
        }
        if set.contains(where: { $0.path.first == "id" }) || append.contains(where: { $0.path.first == "id" }) {
            object["id"] = .string(id)  // The id cannot change.
        }
        // A value numerically equal to the stored one but written differently (`41.0` over `41`)
        // is a change: the row stores exactly what was computed.
        if changed || !object.isIdentical(to: original) {
            data[index: collectionIndex].replace(at: position, with: object)
            wrote = true
        }
        return object
    }

    /// The steps of `path` for the row `row`: its `[expr]` segments evaluated (against the row
    /// as it was, like the values), each a key (a string) or an index (an integer).
    func pathSteps(_ path: FieldPath, row: JSONObject, data: EntityStore, what: @autoclosure () -> String)
        throws(OperationFailure) -> [FieldPathWriter.Step]
    {
        var steps: [FieldPathWriter.Step] = []
        steps.reserveCapacity(path.segments.count)
        for segment in path.segments {
            switch segment {
            case .field(let name):
                steps.append(.key(name, named: true))
            case .index(let expression):
                let index = try value(expression, row: row, data: data, what: what())
                switch index {
                case .string(let key):
                    steps.append(.key(key, named: false))
                case .number(let number):
                    guard let position = number.int64Value else {
                        throw .scenario(
                            "\(what()): the index [\(expression.source)] is \(number), not a whole number")
                    }
                    steps.append(.element(position))
                default:
                    throw .scenario(
                        "\(what()): the index [\(expression.source)] is \(index.typeName); expected a string (a key) or an integer (an element)"
                    )
                }
            }
        }
        return steps
    }

    /// The flat update in place, for a collection without history and assignments of shape
    /// `UpdateShape.isFlatImmediate`: the row changes exactly when one of them gets a value other
    /// than the row's, and then takes them all, as the general path would. Nil (nothing done)
    /// for any other update.
    private mutating func updateInPlace(
        collectionIndex: Int, position: Int, set: [FieldAssignment], append: [FieldAssignment], shape: UpdateShape,
        data: inout EntityStore
    ) throws(OperationFailure) -> JSONObject? {
        guard shortcuts.isEnabled, shape.isFlatImmediate, !data.collections[collectionIndex].keepsHistory else {
            return nil
        }
        let arguments = arguments
        if shape.valuesAreTextual {
            // Equal values of these types have the same text, so writing them all at once and
            // noting whether one differed leaves an unchanged row exactly as it was.
            let before = shortcuts.breaks(.inPlaceUpdate) ? data.collections[collectionIndex].rows[position] : nil
            wrote =
                try data[index: collectionIndex].modifyRow(at: position) {
                    (row) throws(OperationFailure) -> Bool in
                    var differs = false
                    for assignment in set {
                        let key = assignment.path.first
                        let newValue = try Self.immediateValue(
                            assignment.value, arguments: arguments, what: "set.\(key)")
                        if row.updateValue(newValue, forKey: key)?.isIdentical(to: newValue) != true { differs = true }
                    }
                    return differs
                } || wrote
            return before ?? data.collections[collectionIndex].rows[position]
        }
        // Immediate values read only the arguments, so computing them twice gives the same values.
        var differs = false
        for assignment in set where !differs {
            let key = assignment.path.first
            let newValue = try Self.immediateValue(assignment.value, arguments: arguments, what: "set.\(key)")
            differs = data.collections[collectionIndex].rows[position][key]?.isIdentical(to: newValue) != true
        }
        func assign(to row: inout JSONObject) throws(OperationFailure) {
            for assignment in set {
                let key = assignment.path.first
                row.updateValue(
                    try Self.immediateValue(assignment.value, arguments: arguments, what: "set.\(key)"), forKey: key)
            }
        }
        guard differs else {
            // Every value is identical to the row's: the row stays as it is, and is the answer.
            return data.collections[collectionIndex].rows[position]
        }
        _ = try data[index: collectionIndex].modifyRow(at: position) { (row) throws(OperationFailure) -> Bool in
            try assign(to: &row)
            return true
        }
        wrote = true
        return data.collections[collectionIndex].rows[position]
    }

    /// Whether no two assignments have the same first path component.
    static func keysAreDistinct(_ assignments: [FieldAssignment]) -> Bool {
        for later in assignments.indices {
            for earlier in 0..<later where assignments[earlier].path.first == assignments[later].path.first {
                return false
            }
        }
        return true
    }

    mutating func delete(_ collection: String, selector: RowSelector, data: inout EntityStore) throws(OperationFailure)
        -> Int
    {
        let ids = try selectedIDs(collection, selector: selector, data: data)
        if !ids.isEmpty { wrote = true }
        do throws(EntityStoreError) {
            try data.modify(collection) { rows in
                for id in ids { rows.remove(id: id) }
            }
        } catch {
            throw OperationFailure.scenario("\(error)")
        }
        return ids.count
    }

    /// Applies `effects` in order. Names an effect `let` binds stay bound for the effects after
    /// it in this list, and no further.
    mutating func apply(_ effects: [Effect], data: inout EntityStore) throws(OperationFailure) {
        let depth = locals.count
        defer { locals.removeSubrange(depth...) }
        for effect in effects { try apply(effect, data: &data) }
    }

    mutating func apply(_ effect: Effect, data: inout EntityStore) throws(OperationFailure) {
        switch effect {
        case .update(let collection, let selector, let set, let append):
            _ = try update(collection, selector: selector, set: set, append: append, data: &data)
        case .create(let collection, let value, let key):
            _ = try create(collection, value: value, key: key, data: &data)
        case .delete(let collection, let selector):
            _ = try delete(collection, selector: selector, data: &data)
        case .forEach(let items, let variable, let body):
            guard case .array(let elements) = try value(items, data: data, what: "for_each") else {
                throw OperationFailure(response: .error(422, code: "unprocessable", message: "for_each needs an array"))
            }
            for element in elements {
                locals.append((variable, element))
                defer { locals.removeLast() }
                try apply(body, data: &data)
            }
        case .bind(let bindings):
            try bind(bindings, data: data)
        case .branch(let condition, let then, let otherwise):
            let decision = try value(condition, data: data, what: "if")
            guard case .bool(let holds) = decision else {
                throw .scenario("if: expected true or false, got \(decision.typeName)")
            }
            try apply(holds ? then : otherwise, data: &data)
        }
    }

    /// Evaluates `bindings` in order against `data`, each seeing the ones before, and binds them.
    mutating func bind(_ bindings: [LetBinding], data: EntityStore) throws(OperationFailure) {
        for binding in bindings {
            let value = try value(binding.value, data: data, what: "let.\(binding.name)")
            locals.append((binding.name, value))
        }
    }
}

extension ToolOperation {
    /// Whether running the operation evaluates only immediate expressions (constants and
    /// `args.field`; `EffectEvaluator.isImmediate`): a get by key, or an update by key whose
    /// values are all immediate.
    var evaluatesOnlyImmediately: Bool {
        switch self {
        case .get(_, let key):
            return EffectEvaluator.isImmediate(key)
        case .update(_, .key(let key), let set, let append):
            return EffectEvaluator.isImmediate(key)
                && (set + append).allSatisfy { assignment in
                    EffectEvaluator.isImmediate(assignment.value)
                        && assignment.path.indexExpressions.allSatisfy(EffectEvaluator.isImmediate)
                }
        default:
            return false
        }
    }
}

/// What an update's assignments allow, worked out once per tool (`ToolEntry.updateShape`) or
/// per call.
struct UpdateShape: Sendable {
    /// Distinct top-level keys named in the path, other than `id`, immediate values (`EffectEvaluator.isImmediate`),
    /// nothing appended: the update can change a row without history in place.
    let isFlatImmediate: Bool
    /// Every value is a string, boolean or null constant, or an argument the input schema types
    /// as one of those: values that are equal only when they are identical (unlike numbers,
    /// where `1 == 1.0`; see `JSON.isIdentical(to:)`).
    let valuesAreTextual: Bool

    init(set: [FieldAssignment], append: [FieldAssignment], inputSchema: JSONSchema? = nil) {
        isFlatImmediate =
            append.isEmpty
            && set.allSatisfy { $0.isTopLevel && $0.path.first != "id" && EffectEvaluator.isImmediate($0.value) }
            && EffectEvaluator.keysAreDistinct(set)
        valuesAreTextual =
            isFlatImmediate
            && set.allSatisfy { assignment in
                if let constant = assignment.value.constantValue {
                    switch constant {
                    case .string, .bool, .null: return true
                    default: return false
                    }
                }
                guard let key = assignment.value.variableMember?.key,
                    let types = inputSchema?.property(key)?.types
                else { return false }
                return types.allSatisfy { ["string", "boolean", "null"].contains($0) }
            }
    }
}
