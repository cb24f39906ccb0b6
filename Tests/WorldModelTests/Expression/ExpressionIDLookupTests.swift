import Testing
import WorldModel

/// `ExpressionTestWorld` with an id index: declares `rowsAreIndexedByID`, so collection
/// functions over `row.id == E` look the row up instead of scanning.
private struct IndexedTestWorld: ExpressionContext {
    var base: ExpressionTestWorld
    /// Per collection, rows by id (Swift `String` keys, like `EntityCollection`).
    var index: [String: [String: JSONObject]] = [:]

    init(_ base: ExpressionTestWorld) {
        self.base = base
        for (name, rows) in base.collections {
            var byID: [String: JSONObject] = [:]
            for row in rows { if let id = row["id"]?.stringValue { byID[id] = row } }
            index[name] = byID
        }
    }

    func rows(in collection: String) -> [JSONObject]? { base.rows(in: collection) }
    func row(in collection: String, id: JSON) -> JSONObject? {
        guard case .string(let text) = id else { return nil }
        return index[collection]?[text]
    }
    func lastCreated(in collection: String) -> JSONObject? { base.lastCreated(in: collection) }
    var nowMilliseconds: Int64 { base.nowMilliseconds }
    func regime(of service: String) -> String? { base.regime(of: service) }
    func callCount(of tool: String) -> Int { base.callCount(of: tool) }
    var rowsAreIndexedByID: Bool { true }
}

@Suite("CompiledExpression id lookups")
struct ExpressionIDLookupTests {
    /// The example world plus rows whose ids test string equality: a precomposed `é` id and
    /// an id that looks like a number.
    static let world: ExpressionTestWorld = {
        var world = ExpressionTestWorld.example
        world.collections["notes"] = [
            ["id": "caf\u{E9}", "text": "precomposed"], ["id": "7", "text": "numeric-looking"],
        ]
        world.collections["empty"] = []
        return world
    }()

    static func scope() -> ExpressionScope {
        var scope = exampleScope()
        scope.declareCollection("empty", fields: nil)
        return scope
    }

    /// Expressions over `row.id == E` in every shape the fast path takes or must refuse.
    static let sources: [String] = [
        "exists('charges', row.id == 'CH-2')",
        "exists('charges', row.id == 'CH-9')",
        "exists('charges', 'CH-3' == row.id)",
        "exists('charges', row.id == args.charge_id)",
        "exists('charges', row.id == v)",
        "exists('charges', row.id == v.k)",
        "count('charges', row.id == args.charge_id)",
        "count('charges', row.id == 'CH-1' && row.status == 'captured')",
        "count('charges', row.id == 'CH-1' && row.status == 'refunded')",
        "count('charges', row.id == 'CH-1' && row.id == 'CH-1')",
        "count('charges', row.id == 'CH-1' && row.id == 'CH-2')",
        "count('charges', (row.id == 'CH-1' && row.amount > 100) && row.status == 'captured')",
        "count('charges', row.status == 'captured' && row.id == 'CH-1')",
        "count('charges', row.id == row.order_id)",
        "count('charges', row.id == 2)",
        "count('charges', row.id == null)",
        "count('charges', row.id == ['CH-1'])",
        "filter('charges', row.id == 'CH-3')",
        "filter('charges', row.id == 'CH-3' && row.amount > 100)",
        "filter('charges', row.id == 'CH-4')",
        "any('charges', row.id == 'CH-1')",
        "all('charges', row.id == 'CH-1')",
        "all('charges', row.id == 'CH-1' && row.amount > 0)",
        "exists('charges', c -> c.id == 'CH-2' && c.status == 'refunded')",
        "count('charges', c -> row.id == c.id)",
        "exists('charges', row.id == 'CH-1' && row.amount)",
        "exists('charges', row.id == 'CH-9' && row.amount)",
        "exists('charges', row.id == args.amount / (args.amount - 120))",
        "exists('empty', row.id == args.amount / (args.amount - 120))",
        "exists('notes', row.id == 'caf\u{E9}')",
        "exists('notes', row.id == 'cafe\u{301}')",
        "count('notes', row.id == 7)",
        "count('notes', row.id == '7')",
        "exists(args.charge_id, row.id == 'CH-1')",
        "exists(lower('CHARGES'), row.id == 'CH-1')",
        "exists('charges', row.id == get('refunds', 'RF-1').charge_id)",
        "exists('charges', row.id == 'CH-2' && exists('refunds', row.charge_id == 'CH-2'))",
        "count('charges', row.id == 'CH-2' && count('refunds', row.id == 'RF-1') == 1)",
        // Scenario language 1.1 constructs around and inside the key.
        "exists('charges', row.id == (args.amount > 100 ? 'CH-2' : 'CH-3'))",
        "exists('charges', row.id == (row.amount > 100 ? 'CH-2' : 'CH-3'))",
        "count('charges', row.id == {k: args.charge_id}.k && row.status == 'captured')",
        "count('charges', row.id == {k: row.order_id}.k)",
        "exists('charges', row.id == first(['CH-9', args.charge_id], x -> x != null))",
        "count('charges', row.id == 'CH-1' && index_of(['captured'], s -> s == row.status) == 0)",
        "filter('charges', row.id == trim(' CH-3 '))",
        "exists('charges', row.id == 'CH-' + str(len(v)))",
    ]

    /// The bindings each source is evaluated with: the example's, and variants of `args` and `v`.
    static func bindingsVariants() -> [ExpressionBindings] {
        let scope = scope()
        var variants = [exampleBindings(scope)]
        for charge: JSON in ["CH-3", "CH-9", 3, nil, ["CH-2"]] {
            var bindings = exampleBindings(scope)
            bindings["args"] = ["charge_id": charge, "amount": 7]
            bindings["v"] = charge
            variants.append(bindings)
        }
        var stringV = exampleBindings(scope)
        stringV["v"] = "charges"
        variants.append(stringV)
        return variants
    }

    static func outcome(
        _ expression: CompiledExpression, _ context: some ExpressionContext, _ bindings: ExpressionBindings
    )
        -> String
    {
        do throws(ExpressionRuntimeError) {
            return try expression.evaluate(context, bindings).canonicalText
        } catch {
            return "error: \(error)"
        }
    }

    @Test("an id lookup answers exactly what a scan answers", arguments: sources)
    func lookupEqualsScan(_ source: String) throws {
        let expression = try CompiledExpression.compile(source, in: Self.scope())
        let scanned = Self.world
        let indexed = IndexedTestWorld(Self.world)
        for bindings in Self.bindingsVariants() {
            #expect(
                Self.outcome(expression, indexed, bindings) == Self.outcome(expression, scanned, bindings),
                "\(source) with args \(bindings["args"]?.canonicalText ?? "")")
        }
    }

    @Test("the lookup finds rows and misses absent ids")
    func lookupResults() throws {
        let indexed = IndexedTestWorld(Self.world)
        let bindings = exampleBindings(Self.scope())
        let expected: [(String, JSON)] = [
            ("exists('charges', row.id == args.charge_id)", true),
            ("exists('charges', row.id == 'CH-9')", false),
            ("count('charges', row.id == 'CH-1' && row.status == 'captured')", 1),
            (
                "filter('charges', row.id == 'CH-3')",
                [["id": "CH-3", "order_id": "O-90", "customer_id": "C-7", "amount": 30, "status": "captured"]]
            ),
            ("exists('notes', row.id == 'cafe\u{301}')", false),
            ("count('notes', row.id == 7)", 0),
        ]
        for (source, value) in expected {
            let expression = try CompiledExpression.compile(source, in: Self.scope())
            #expect(try expression.evaluate(indexed, bindings) == value, "\(source)")
        }
    }

    @Test("a lookup charges far less than a scan of a large collection")
    func lookupCost() throws {
        var world = ExpressionTestWorld()
        world.collections["notes"] = (0..<1000).map { ["id": .string("N-\($0)")] }
        let expression = try CompiledExpression.compile("exists('notes', row.id == 'N-999')", in: Self.scope())
        let bindings = exampleBindings(Self.scope())
        #expect(throws: ExpressionRuntimeError.self) { try expression.evaluate(world, bindings, budget: 500) }
        #expect(try expression.evaluate(IndexedTestWorld(world), bindings, budget: 500) == true)
    }
}
