/// What running a tool's operation produced.
struct Execution {
    var response: Response
    /// Whether the entity store changed (or, for an idempotent replay, would have).
    var committed: Bool
    /// For lists: which rows the page showed, for the page faults.
    var page: Page?
}

/// The rows behind one page of a list answer.
struct Page {
    var collection: String
    /// Ids of all matching rows, in list order.
    /// All matching rows, in list order (shared with the listing, not copied).
    var matching: [JSONObject]
    /// The offset of the first row of this page in `matching`.
    var offset: Int
    /// How many rows the page shows.
    var count: Int
}

/// Why an operation could not be applied; becomes an error response, never a crash.
struct OperationFailure: Error {
    var response: Response

    /// The scenario's own definition failed while the operation ran (`Response.scenarioError`).
    static func scenario(_ message: String) -> OperationFailure {
        OperationFailure(response: .scenarioError(message))
    }

    /// An expression of the scenario (`what` names it: `filter`, `set.status`, …) failed at run time.
    static func runtime(_ error: ExpressionRuntimeError, in what: String) -> OperationFailure {
        .scenario("\(what): \(error)")
    }
}

extension Response {
    /// 500 `scenario_error`: the scenario's own definition failed at run time (an expression that
    /// errs, a collection its data lacks). Distinct from every simulated fault (`server_error`,
    /// `bad_gateway`, …), so no agent, check or reader mistakes an authoring problem for one.
    static func scenarioError(_ message: String) -> Response {
        .error(500, code: "scenario_error", message: message)
    }
}

extension World {
    /// Runs `tool`'s preconditions and operation against `state`, atomically.
    func execute(_ tool: ToolEntry, toolNumber: Int, arguments: JSON, state: inout WorldState) -> Execution {
        // The row a keyed operation addresses, looked up once for the preconditions and the
        // operation (nil for other operations: the preconditions look rows up themselves).
        var target = tool.target?.resolve(arguments, in: state.data)
        // Unresolved (a state laid out unlike the world's), the target plan's preconditions
        // would read a bound row nobody looked up: the tool's own ones, which look rows up
        // themselves and may need a context, are checked instead.
        let unresolved = tool.target != nil && target == nil
        let context = tool.needsContext || unresolved ? StepContext(world: self, state: state) : nil
        var idempotencyKey: IdempotencyKey?
        if let expression = tool.idempotencyKey {
            guard let context else {
                preconditionFailure("a tool with an idempotency key always gets a context (ToolEntry.needsContext)")
            }
            // A key that evaluates to null (an optional argument left out) means no key; one whose
            // evaluation fails is the scenario's error, answered as such (nothing is applied).
            let key: JSON
            do throws(ExpressionRuntimeError) {
                key = try context.evaluate(expression, args: arguments)
            } catch {
                return Execution(response: .scenarioError("idempotency key: \(error)"), committed: false, page: nil)
            }
            switch key {
            case .string(let key): idempotencyKey = IdempotencyKey(tool: tool.name, key: key)
            case .number(let number): idempotencyKey = IdempotencyKey(tool: tool.name, key: number.description)
            default: idempotencyKey = nil
            }
            if let idempotencyKey, let remembered = state.idempotentResponses[idempotencyKey.text] {
                return Execution(response: remembered, committed: false, page: nil)
            }
        }
        // The tool's `let` names, evaluated in order once the arguments are valid (a tool with
        // any always gets a context and no target plan: `ToolEntry`).
        var locals: [(name: String, value: JSON)] = []
        if !tool.bindings.isEmpty {
            guard let context else { preconditionFailure("a tool with 'let' always gets a context (ToolEntry)") }
            var evaluator = EffectEvaluator(context: context, arguments: arguments, shortcuts: shortcuts)
            do throws(OperationFailure) {
                try evaluator.bind(tool.bindings, data: state.data)
            } catch {
                return Execution(response: error.response, committed: false, page: nil)
            }
            locals = evaluator.locals
            context.data = state.data  // Evaluating lent the context a store and took it back.
        }
        do {
            let preconditions = unresolved ? tool.requires : tool.preconditions
            let boundRow = target?.value ?? .null
            for index in preconditions.indices {
                let expression = preconditions[index].expression
                // The shortcuts (`WorldShortcuts`: the lookup's existence, a direct shape) first,
                // then evaluation, the general path. Without shortcuts there is no target and
                // always a context.
                var holds: Bool
                if let existence = target?.existence(expression) {
                    holds = shortcuts.breaks(.targetRow) ? !existence : existence
                } else if shortcuts.isEnabled,
                    let direct = StepContext.holdsDirectly(expression, args: arguments, boundRow: boundRow)
                {
                    holds = shortcuts.breaks(.directCondition) ? !direct : direct
                } else {
                    guard let context else {
                        preconditionFailure("a precondition without a direct shape reached a step without a context")
                    }
                    holds =
                        locals.isEmpty
                        ? context.evaluatesToTrue(expression, args: arguments, boundRow: boundRow)
                        : (try? context.evaluate(expression, args: arguments, locals: locals)) == .bool(true)
                }
                if !holds {
                    let precondition = preconditions[index]
                    var message = precondition.message
                    if let template = precondition.messageTemplate {
                        guard let context else {
                            preconditionFailure("a message with placeholders always gets a context (ToolEntry)")
                        }
                        do throws(ExpressionRuntimeError) {
                            message = try template.render { (expression) throws(ExpressionRuntimeError) in
                                try context.evaluate(expression, args: arguments, locals: locals)
                            }
                        } catch {
                            let response = Response.scenarioError("requires[\(index)].message: \(error)")
                            return Execution(response: response, committed: false, page: nil)
                        }
                    }
                    let response = Response.error(
                        precondition.status, code: Response.errorCode(for: precondition.status), message: message)
                    return Execution(response: response, committed: false, page: nil)
                }
            }
        }
        target?.value = .null  // The operation reads the row from the store (see `TargetRow.value`).
        context?.data = EntityStore()  // Let go of the state's store: the store below stays unique.
        // Operations that can only fail before their first write run on the state's own store,
        // taken out of the state so it is uniquely referenced and written in place. The others
        // run on a draft (copy-on-write: only touched collections are copied) that the state
        // takes only if the whole operation succeeded and changed something.
        let inPlace = tool.failsOnlyBeforeWriting
        var data = EntityStore()
        swap(&data, &state.data)
        if !inPlace { state.data = data }
        do throws(OperationFailure) {
            var evaluator = EffectEvaluator(context: context, arguments: arguments, shortcuts: shortcuts)
            evaluator.locals = locals
            let (response, page) = try perform(
                tool.operation, tool: tool, target: target, evaluator: &evaluator, data: &data)
            let committed = !tool.isReadOnly && response.isSuccess && evaluator.wrote
            if inPlace || committed { state.data = data }
            if let idempotencyKey, response.isSuccess {
                state.remember(response, forKey: idempotencyKey.text)
            }
            return Execution(response: response, committed: committed, page: page)
        } catch {
            if inPlace { state.data = data }  // Unchanged: every failure comes before a write.
            return Execution(response: error.response, committed: false, page: nil)
        }
    }

    /// Runs `operation`; `target` is the row it addresses when the tool has a `TargetRowPlan`.
    private func perform(
        _ operation: ToolOperation, tool: ToolEntry, target: TargetRow?, evaluator: inout EffectEvaluator,
        data: inout EntityStore
    ) throws(OperationFailure) -> (Response, Page?) {
        switch operation {
        case .get(let collection, let key):
            if let target, let position = target.position {
                let row = data.collections[target.collectionIndex].rows[position]
                return (Response(status: 200, body: projected(row, tool.fields)), nil)
            }
            let id = try evaluator.id(from: key, data: data)
            guard let row = data.row(of: collection, id: id) else {
                throw OperationFailure(
                    response: .error(404, code: "not_found", message: "no \(singular(collection)) with id '\(id)'"))
            }
            return (Response(status: 200, body: projected(row, tool.fields)), nil)

        case .list(let collection, let filter, let orderBy, let pageSize):
            return try list(
                collection, filter: filter, orderBy: orderBy, pageSize: pageSize, tool: tool, evaluator: evaluator,
                data: data)

        case .create(let collection, let value, let key):
            let row = try evaluator.create(collection, value: value, key: key, data: &data)
            return (Response(status: 201, body: projected(row, tool.fields)), nil)

        case .update(let collection, let selector, let set, let append):
            if case .key(let key) = selector {
                let row: JSONObject
                if let target, let id = target.id, let position = target.position {
                    row = try evaluator.update(
                        collectionIndex: target.collectionIndex, id: id, position: position, set: set, append: append,
                        shape: tool.updateShape, data: &data)
                } else {
                    row = try evaluator.update(collection, key: key, set: set, append: append, data: &data)
                }
                return (Response(status: 200, body: projected(row, tool.fields)), nil)
            }
            let rows = try evaluator.update(collection, selector: selector, set: set, append: append, data: &data)
            return (Response(status: 200, body: ["updated": .int(rows.count)]), nil)

        case .delete(let collection, let selector):
            let count = try evaluator.delete(collection, selector: selector, data: &data)
            return (Response(status: 200, body: ["deleted": .int(count)]), nil)

        case .custom(let effects, let returns):
            try evaluator.apply(effects, data: &data)
            guard let returns else { return (Response(status: 200, body: ["ok": true]), nil) }
            let context = evaluator.requireContext()
            do throws(ExpressionRuntimeError) {
                let value = try context.evaluate(returns, on: data, args: evaluator.arguments, locals: evaluator.locals)
                if case .object(let row) = value {
                    return (Response(status: 200, body: projected(row, tool.fields)), nil)
                }
                return (Response(status: 200, body: value), nil)
            } catch {
                throw .runtime(error, in: "returns")
            }

        case .recorded(let answers):
            return (answers.response(to: evaluator.arguments), nil)
        }
    }

    /// For a list whose filter is an `EqualityFilter` with a string argument, over an indexed
    /// field: the rows that can pass it (the rest fail its first conjunct), in insertion order.
    /// Nil otherwise: the caller scans every row.
    private func indexedCandidates(
        _ collection: String, tool: ToolEntry, evaluator: EffectEvaluator, data: EntityStore
    ) -> [JSONObject]? {
        guard let equality = tool.equalityFilter, case .string(let value)? = evaluator.arguments[equality.argument],
            let index = data.index(of: collection),
            var rows = data[index: index].rows(whereField: equality.field, equalTo: value)
        else { return nil }
        if shortcuts.breaks(.fieldIndex), !rows.isEmpty { rows.removeLast() }
        return rows
    }

    private func list(
        _ collection: String, filter: CompiledExpression?, orderBy: OrderBy?, pageSize: Int?, tool: ToolEntry,
        evaluator: EffectEvaluator, data: EntityStore
    ) throws(OperationFailure) -> (Response, Page?) {
        guard let rows = data.rows(of: collection) else {
            throw OperationFailure.scenario("unknown collection '\(collection)'")
        }
        var matching: [JSONObject] = []
        if let filter {
            let candidates = indexedCandidates(collection, tool: tool, evaluator: evaluator, data: data)
            matching.reserveCapacity(candidates?.count ?? rows.count)
            let context = evaluator.requireContext()
            context.data = data
            defer { context.data = EntityStore() }
            func keep(_ row: JSONObject) throws(OperationFailure) {
                let holds: JSON
                do throws(ExpressionRuntimeError) {
                    holds = try context.evaluate(filter, args: evaluator.arguments, row: row, locals: evaluator.locals)
                } catch {
                    throw .runtime(error, in: "filter")
                }
                if holds == .bool(true) { matching.append(row) }
            }
            if let candidates {
                for row in candidates { try keep(row) }
            } else {
                for row in rows { try keep(row) }
            }
        } else {
            matching = Array(rows)
        }
        if let orderBy {
            let keyed = matching.enumerated().map {
                ($0.offset, $0.element, JSON.object($0.element).value(at: orderBy.field))
            }
            matching = keyed.sorted { lhs, rhs in
                let order = JSON.order(lhs.2, rhs.2)
                if order == 0 { return lhs.0 < rhs.0 }
                return orderBy.descending ? order > 0 : order < 0
            }.map(\.1)
        }
        var offset = 0
        if let cursor = evaluator.arguments["cursor"], !cursor.isNull {
            guard let text = cursor.stringValue, let parsed = Pagination.offset(fromCursor: text),
                parsed <= matching.count
            else {
                throw OperationFailure(
                    response: .error(400, code: "invalid_cursor", message: "the cursor is not one this listing issued"))
            }
            offset = parsed
        }
        let size = pageSize ?? max(matching.count, 1)
        let end = min(matching.count, offset + size)
        let items = matching[offset..<end].map { projected($0, tool.fields) }
        let nextCursor: JSON = end < matching.count ? .string(Pagination.cursor(forOffset: end)) : .null
        let body: JSON = ["items": .array(items), "next_cursor": nextCursor, "total": .int(matching.count)]
        return (
            Response(status: 200, body: body),
            Page(collection: collection, matching: matching, offset: offset, count: end - offset)
        )
    }

    private func singular(_ collection: String) -> String {
        collection.hasSuffix("s") ? String(collection.dropLast()) : collection
    }
}

extension ToolOperation {
    /// Whether every way the operation can fail comes before its first write to the store, so
    /// applying it in place is still all or nothing: reads, `create` (values, key and conflicts
    /// are checked before the id counter moves), `update` by key (one row, replaced after every
    /// value is computed) and `delete` (rows selected before any is removed). Updates by `where`
    /// (a later row can fail after an earlier one changed) and `custom` effects use a draft.
    var failsOnlyBeforeWriting: Bool {
        switch self {
        case .get, .list, .create, .delete, .recorded: true
        case .update(_, let selector, _, _):
            if case .key = selector { true } else { false }
        case .custom: false
        }
    }
}

/// Opaque list cursors: `cur_<offset>`; stable, deterministic, and rejected when forged badly.
enum Pagination {
    static func cursor(forOffset offset: Int) -> String { "cur_\(offset)" }

    static func offset(fromCursor cursor: String) -> Int? {
        guard cursor.hasPrefix("cur_"), let offset = Int(cursor.dropFirst(4)), offset >= 0 else { return nil }
        return offset
    }
}

/// The key under which an idempotent response is remembered: the tool's name, NUL, the key.
struct IdempotencyKey {
    let text: String

    init(tool: String, key: String) {
        var text = String()
        text.reserveCapacity(tool.utf8.count + 1 + key.utf8.count)
        text += tool
        text += "\u{0}"
        text += key
        self.text = text
    }
}
