/// The latent state as the expression language sees it during a step.
///
/// Engine expressions are compiled with a scope declaring, in this order, `args` (slot 0),
/// `row` (slot 1), then the variables of enclosing `for_each` effects; `ExpressionScope.engine`
/// builds such scopes and `evaluate` binds values the same way.
///
/// A class so that handing it to `CompiledExpression.evaluate` as `any ExpressionContext` stores one
/// reference instead of boxing the world and the state; a step makes one and reuses it, moving
/// `data` to the draft store while effects run.
final class StepContext: ExpressionContext {
    /// What `regime(of:)` and `callCount(of:)` read of the world (not the whole `World`, whose
    /// copy would retain every table).
    let serviceEntries: [ServiceEntry]
    let toolIndex: [String: Int]
    /// The entity store expressions read: the state's, or an effect draft.
    var data: EntityStore
    let now: Int64
    let services: [ServiceState]
    let toolCalls: [Int]
    /// Whether to take the shortcuts: id lookups for `row.id == E` and immediate values read
    /// without a frame (`WorldShortcuts`).
    let takesShortcuts: Bool
    /// The rows of every collection when the step began: an evaluation's budget scales with
    /// them (`CompiledExpression.budget(forRows:)`).
    let rowCount: Int

    /// Borrows `world` and `state` (an initializer's parameters are otherwise owned: the call
    /// would retain and release every field of both).
    init(world: borrowing World, state: borrowing WorldState) {
        serviceEntries = world.serviceEntries
        toolIndex = world.toolIndex
        data = state.data
        now = state.now
        services = state.services
        toolCalls = state.toolCalls
        takesShortcuts = world.shortcuts.isEnabled
        var rowCount = 0
        for index in state.data.collections.indices { rowCount += state.data.collections[index].count }
        self.rowCount = rowCount
    }

    /// The rows copied into an array, O(n): the engine reads `entityRows(in:)` instead.
    func rows(in collection: String) -> [JSONObject]? { data.rows(of: collection).map(Array.init) }

    func entityRows(in collection: String) -> EntityRows? { data.rows(of: collection) }

    func row(in collection: String, id: JSON) -> JSONObject? {
        id.rowID.flatMap { data.row(of: collection, id: $0) }
    }

    func lastCreated(in collection: String) -> JSONObject? { data[collection]?.lastCreated }

    /// Entity collections keep every row's string id unique and indexed (`EntityCollection`);
    /// without shortcuts, quantifiers scan instead (`WorldShortcuts.Shortcut.idLookup`).
    var rowsAreIndexedByID: Bool { takesShortcuts }

    var nowMilliseconds: Int64 { now }

    func regime(of service: String) -> String? {
        guard let index = serviceEntries.firstIndex(where: { $0.name == service }) else { return nil }
        let chain = serviceEntries[index].regimes
        return chain.regimes[services[index].regime].name
    }

    func callCount(of tool: String) -> Int {
        toolIndex[tool].map { toolCalls[$0] } ?? 0
    }

    /// The names engine bindings declare when there are no `for_each` variables.
    private static let engineNames = ["args", "row"]
    /// Slots reused by evaluations without `for_each` variables: `args`, `row`, then the
    /// expression's lambda and row slots (lent to each evaluation, so they do not allocate once
    /// they have grown to the largest expression's size).
    private var plainSlots: [JSON] = []

    /// Evaluates an engine expression with `args`, an optional `row` and `for_each` variables;
    /// an expression compiled with a row binding reads `boundRow` (see `ExpressionRowBinding`).
    func evaluate(
        _ expression: CompiledExpression, args: JSON, row: JSONObject? = nil,
        locals: [(name: String, value: JSON)] = [],
        boundRow: JSON = .null
    ) throws(ExpressionRuntimeError) -> JSON {
        if takesShortcuts {
            if let constant = expression.constantValue { return constant }
            if locals.isEmpty, let (slot, key) = expression.variableMember, slot < 2 {
                // `args.x` or `row.x` (keys, values): read the field, no evaluation frame.
                return try CompiledExpression.member(of: slot == 0 ? args : row.map(JSON.object) ?? .null, key)
            }
        }
        if locals.isEmpty {
            // Borrowed into a local for the evaluation: one access to the class's storage each
            // way instead of one per slot write (a nested evaluation finds them taken and uses
            // fresh ones).
            var slots: [JSON] = []
            swap(&slots, &plainSlots)
            let variables = max(2, expression.variableCount)
            if slots.count < variables {
                slots.append(contentsOf: repeatElement(.null, count: variables - slots.count))
            }
            slots[0] = args
            slots[1] = row.map(JSON.object) ?? .null
            if let slot = expression.boundRowSlot { slots[slot] = boundRow }
            defer {
                // Hold no values (rows, arguments) past the evaluation.
                for index in slots.indices { slots[index] = .null }
                swap(&slots, &plainSlots)
            }
            return try expression.evaluate(self, lending: &slots, budget: expression.budget(forRows: rowCount))
        }
        var bindings = ExpressionBindings(names: Self.engineNames + locals.map(\.name))
        bindings.values[0] = args
        if let row { bindings.values[1] = .object(row) }
        for (offset, local) in locals.enumerated() { bindings.values[2 + offset] = local.value }
        return try expression.evaluate(self, bindings, budget: expression.budget(forRows: rowCount))
    }

    /// Whether a condition over `args`, no `row`, and `boundRow` holds: `true` exactly, not
    /// another value or an error. Shapes the checker recognised are tested without a frame.
    func holds(_ condition: CompiledExpression, args: JSON, boundRow: JSON = .null) -> Bool {
        Self.holdsDirectly(condition, args: args, boundRow: boundRow)
            ?? evaluatesToTrue(condition, args: args, boundRow: boundRow)
    }

    /// `holds(_:args:boundRow:)` by evaluating, for a condition known to have no direct shape.
    func evaluatesToTrue(_ condition: CompiledExpression, args: JSON, boundRow: JSON) -> Bool {
        do throws(ExpressionRuntimeError) {
            return try evaluate(condition, args: args, boundRow: boundRow) == .bool(true)
        } catch {
            return false
        }
    }

    /// `holds(_:args:boundRow:)` for a condition with a direct shape (`_DirectCondition`), which
    /// needs no context; nil for any other condition.
    static func holdsDirectly(_ condition: CompiledExpression, args: JSON, boundRow: JSON) -> Bool? {
        // Direct shapes read scope variables only: here `args`, `row` and the bound row.
        guard let direct = condition.directCondition,
            direct.readsEngineVariablesOnly(boundSlot: condition.boundRowSlot)
        else { return nil }
        do throws(ExpressionRuntimeError) {
            return try direct.holds(args: args, row: .null, boundRow: boundRow, boundSlot: condition.boundRowSlot)
        } catch {
            return false
        }
    }

    /// Evaluates with `draft` as the entity store, then lets go of it so the caller's draft stays
    /// uniquely referenced (writes to it do not copy).
    func evaluate(
        _ expression: CompiledExpression, on draft: EntityStore, args: JSON, row: JSONObject? = nil,
        locals: [(name: String, value: JSON)] = []
    ) throws(ExpressionRuntimeError) -> JSON {
        data = draft
        defer { data = EntityStore() }
        return try evaluate(expression, args: args, row: row, locals: locals)
    }
}

extension ExpressionScope {
    /// A scope for engine expressions: `args` typed by a tool's input schema, `row` typed by a
    /// collection's fields (or null when there is no row), then `locals` in order.
    package static func engine(
        args: ExpressionType, row: ExpressionType, locals: [(String, ExpressionType)] = [],
        collections: [String: ExpressionType], tools: Set<String>, services: Set<String>
    ) -> ExpressionScope {
        var scope = ExpressionScope(collections: collections, tools: tools, services: services)
        scope.declare("args", as: args)
        scope.declare("row", as: row)
        for (name, type) in locals { scope.declare(name, as: type) }
        return scope
    }
}
