import Testing

@testable import WorldModel

/// A small world for comparing expressions compiled with a row binding against the same
/// expressions compiled normally: string ids (non-ASCII, one canonically equivalent to another
/// id written differently, one that looks like a number), a row missing fields, a field holding
/// null, and a second collection sharing an id.
struct BoundRowFixture {
    let world: World
    let state: WorldState
    let scope: ExpressionScope
    /// What `TargetRowPlan.resolve` finds for `args.id` in collection `c`.
    let plan: TargetRowPlan
    /// The same for collection `empty`.
    let emptyPlan: TargetRowPlan

    /// The precomposed `é` (U+00E9) and its decomposed twin `e` + U+0301: canonically
    /// equivalent, byte-different.
    static let precomposed = "\u{E9}"
    static let decomposed = "e\u{301}"

    /// The rows of `c`; `accented` is the form its accented id is written in.
    static func rows(accented: String) -> [JSONObject] {
        [
            ["id": "a", "status": "open", "amount": 10],
            ["id": "b", "status": "closed", "amount": 3],
            ["id": .string(accented), "status": "open", "amount": 1],
            ["id": "5", "status": nil, "amount": 5],
            ["id": "m"],
            ["id": "x\u{1F600}", "status": "open", "amount": 2.5],
        ]
    }

    init(accented: String) throws {
        let data = try EntityStore([
            ("c", Self.rows(accented: accented)),
            ("c2", [["id": "a", "status": "closed"], ["id": "z", "status": "open"]]),
            ("empty", []),
        ])
        world = try World(WorldSpec(initialData: data, services: [], tools: [], faults: []))
        state = world.initialState
        scope = ExpressionScope.engine(
            args: .openObject, row: .null,
            collections: ["c": .openObject, "c2": .openObject, "empty": .openObject], tools: [], services: [])
        plan = try Self.plan(collection: "c", data: data, scope: scope)
        emptyPlan = try Self.plan(collection: "empty", data: data, scope: scope)
    }

    /// The plan of a `get` tool on `collection` by `args.id`.
    static func plan(collection: String, data: EntityStore, scope: ExpressionScope) throws -> TargetRowPlan {
        let tool = ToolSpec(
            name: "get_\(collection)", service: "svc", description: "d", inputSchemaJSON: ["type": "object"],
            inputSchema: try JSONSchema(["type": "object"]),
            operation: .get(collection: collection, key: try CompiledExpression.compile("args.id", in: scope)))
        return try #require(TargetRowPlan(tool, data: data))
    }

    /// The bound row the engine would lend for `arguments` to an expression bound to `collection`.
    func boundRow(_ arguments: JSON, collection: String) -> JSON {
        let plan = collection == "empty" ? emptyPlan : plan
        return plan.resolve(arguments, in: state.data)?.value ?? .null
    }

    /// Evaluates through `StepContext`, as the engine does: the value's canonical text, or the error.
    func outcome(_ expression: CompiledExpression, _ arguments: JSON, boundRow: JSON) -> String {
        let context = StepContext(world: world, state: state)
        do throws(ExpressionRuntimeError) {
            return try context.evaluate(expression, args: arguments, boundRow: boundRow).canonicalText
        } catch {
            return "error: \(error)"
        }
    }

    /// Values for `args.id`: existing ids, both forms of the accented id, the numeric-looking id as
    /// a string, an integer and a double, a missing id, and non-strings.
    static let idValues: [JSON?] = [
        "a", "b", "m", "5", .string(precomposed), .string(decomposed), "x\u{1F600}", "A", "zz", "", 5, 5.0, -0.0,
        nil, .null, true, ["a"], ["id": "a"], .number(.bigInteger("12345678901234567890")),
    ]

    /// The argument grid: every `idValues` entry (absent for `nil`) with a few `n` and `other`
    /// values, then arguments that are not objects.
    static let argumentGrid: [JSON] = {
        var grid: [JSON] = []
        let numbers: [JSON?] = [5, "5", nil]
        let others: [JSON?] = ["a", nil]
        for id in idValues {
            for n in numbers {
                for other in others {
                    var object = JSONObject()
                    if let id { object["id"] = id }
                    if let n { object["n"] = n }
                    if let other { object["other"] = other }
                    grid.append(.object(object))
                }
            }
        }
        grid += [.null, [:]]
        return grid
    }()

    /// Arguments that are neither objects nor null: the engine passes them on only when a tool's
    /// input schema admits them (scenario files require `"type": "object"`, a hand-built
    /// `WorldSpec` need not).
    static let nonObjectArguments: [JSON] = [5, "a", ["a"], true]
}

/// An expression and how a binding should treat it.
struct BindingCase: Sendable, CustomTestStringConvertible {
    let source: String
    /// The collection of the binding (its key field is always `id`).
    let collection: String
    /// Whether `binding(_:)` must specialise it.
    let binds: Bool

    var testDescription: String { "\(source) [\(collection)]" }
}

@Suite("Bound row vs unbound: identical values and errors")
struct BoundRowDifferentialTests {
    static let cases: [BindingCase] = {
        let bound = [
            "exists('c', row.id == args.id)",
            "exists('c', args.id == row.id)",
            "exists('c', row.id == args.id && row.status == 'open')",
            "exists('c', row.id == args.id && row.missing == null)",
            "count('c', row.id == args.id)",
            "count('c', row.id == args.id && row.amount > 2)",
            "filter('c', row.id == args.id)",
            "filter('c', r -> r.id == args.id && r.status == null)",
            "exists('c', r -> r.id == args.id)",
            "any('c', row.id == args.id)",
            "get('c', args.id)",
            "get('c', args.id).status != 'closed'",
            "get('c', args.id).status == 'open'",
            "get('c', args.id).amount >= args.n",
            "get('c', args.id) == null",
            "get('c', args.id).id == args.id",
            "get('c', args.id).status == 'open' && exists('c', row.id == args.id)",
            "exists('c', row.id == args.id) || args.id == 'zz'",
            "map(filter('c', row.id == args.id), x -> x.status)",
            "any([1, 2], x -> get('c', args.id) != null)",
            "get('c', args.id).status == get('c2', args.id).status",
            "exists('c2', row.id == args.id) && exists('c', row.id == args.id)",
            "len(filter('c', row.id == args.id)) + count('c', row.id == args.id)",
        ]
        let unbound = [
            "get('c', args.other)",
            "exists('c', row.id == args.other)",
            "exists('c2', row.id == args.id)",
            "get('c2', args.id)",
            "count('c2', row.id == args.id)",
            "exists('c', row.id == args['id'])",
            "exists('c', row.id == args.id.x)",
            "all('c', row.id == args.id)",
            "exists('c', row.id != args.id)",
            "count('c', row.status == 'open')",
            "args.id == 'a'",
            "any('c2', args -> exists('c', row.id == args.id))",
            "map(filter('c2', r -> true), args -> get('c', args.id))",
            "count('c2', args -> get('c', args.id) != null)",
            "exists('c', row.id == lower(args.id))",
        ]
        let empty = [
            "exists('empty', row.id == args.id)",
            "get('empty', args.id)",
            "count('empty', row.id == args.id && row.x == 1)",
        ]
        return bound.map { BindingCase(source: $0, collection: "c", binds: true) }
            + unbound.map { BindingCase(source: $0, collection: "c", binds: false) }
            + empty.map { BindingCase(source: $0, collection: "empty", binds: true) }
    }()

    @Test("binding specialises exactly the expressions that look the bound row up", arguments: cases)
    func bindsWhereExpected(_ row: BindingCase) throws {
        let fixture = try BoundRowFixture(accented: BoundRowFixture.precomposed)
        let plain = try CompiledExpression.compile(row.source, in: fixture.scope)
        #expect(plain.boundRowSlot == nil)
        let bound = plain.binding(ExpressionRowBinding(collection: row.collection, keyField: "id"))
        #expect((bound != nil) == row.binds)
        if let bound {
            #expect(bound.boundRowSlot == 2)
            #expect(bound.variableCount == 3)
            #expect(bound.binding(ExpressionRowBinding(collection: row.collection, keyField: "id")) == nil)
        }
    }

    @Test("bound and unbound evaluations agree on every argument", arguments: cases.filter(\.binds))
    func boundEqualsUnbound(_ row: BindingCase) throws {
        for accented in [BoundRowFixture.precomposed, BoundRowFixture.decomposed] {
            let fixture = try BoundRowFixture(accented: accented)
            let plain = try CompiledExpression.compile(row.source, in: fixture.scope)
            let bound = try #require(plain.binding(ExpressionRowBinding(collection: row.collection, keyField: "id")))
            for arguments in BoundRowFixture.argumentGrid {
                let boundRow = fixture.boundRow(arguments, collection: row.collection)
                let expected = fixture.outcome(plain, arguments, boundRow: .null)
                let actual = fixture.outcome(bound, arguments, boundRow: boundRow)
                #expect(
                    actual == expected,
                    "\(row.source) with args \(arguments.canonicalText), bound row \(boundRow.canonicalText)")
            }
        }
    }

    /// A bound `get('c', args.id)` reads the slot without reading `args.id`, so when `args` is
    /// `5` it gives what the slot holds where the unbound one fails with a type mismatch.
    /// `TargetRowPlan.resolve` therefore declines such arguments (the engine then checks the
    /// unbound preconditions), and the encoder rejects them before preconditions run anyway
    /// (`NeedsContextTests.nonObjectArguments`). The bound sources whose result differs when
    /// `args` is not an object:
    static let divergentForNonObjects: Set<String> = [
        "get('c', args.id)", "get('c', args.id).status != 'closed'", "get('c', args.id).status == 'open'",
        "get('c', args.id).amount >= args.n", "get('c', args.id) == null",
        "get('c', args.id).status == 'open' && exists('c', row.id == args.id)",
        "any([1, 2], x -> get('c', args.id) != null)", "get('empty', args.id)",
    ]

    @Test("bound and unbound evaluations when args is not an object", arguments: cases.filter(\.binds))
    func boundEqualsUnboundForNonObjects(_ row: BindingCase) throws {
        let fixture = try BoundRowFixture(accented: BoundRowFixture.precomposed)
        let plain = try CompiledExpression.compile(row.source, in: fixture.scope)
        let bound = try #require(plain.binding(ExpressionRowBinding(collection: row.collection, keyField: "id")))
        // The bound `get` skips reading `args.<key>`, so these differ; the others read `args`
        // elsewhere first (or instead) and fail alike.
        let readsBoundGet = Self.divergentForNonObjects.contains(row.source)
        for arguments in BoundRowFixture.nonObjectArguments {
            let plan = row.collection == "empty" ? fixture.emptyPlan : fixture.plan
            let description = "\(row.source) with args \(arguments.canonicalText)"
            if !arguments.isNull {
                #expect(plan.resolve(arguments, in: fixture.state.data) == nil, "\(description)")
            }
            let boundRow = fixture.boundRow(arguments, collection: row.collection)
            #expect(boundRow == .null)
            let actual = fixture.outcome(bound, arguments, boundRow: boundRow)
            let expected = fixture.outcome(plain, arguments, boundRow: .null)
            if readsBoundGet && !arguments.isNull {
                // What the engine never evaluates (resolve declined, checked above).
                #expect(expected.hasPrefix("error: type mismatch"), "\(description)")
            } else {
                #expect(actual == expected, "\(description)")
            }
        }
    }

    @Test("binding gives nil without an args variable, for an unknown collection, or twice")
    func bindingRefuses() throws {
        let fixture = try BoundRowFixture(accented: BoundRowFixture.precomposed)
        let binding = ExpressionRowBinding(collection: "c", keyField: "id")
        var noArgs = ExpressionScope(collections: ["c": .openObject])
        noArgs.declare("x", as: .openObject)
        #expect(try CompiledExpression.compile("exists('c', row.id == x.id)", in: noArgs).binding(binding) == nil)
        let source = "exists('c', row.id == args.id)"
        let plain = try CompiledExpression.compile(source, in: fixture.scope)
        #expect(plain.binding(ExpressionRowBinding(collection: "nope", keyField: "id")) == nil)
        #expect(plain.binding(ExpressionRowBinding(collection: "c", keyField: "other")) == nil)
        #expect(try CompiledExpression.compile("true", in: fixture.scope).binding(binding) == nil)
        #expect(try CompiledExpression.compile("args.id", in: fixture.scope).binding(binding) == nil)
    }

    @Test("canonically equivalent ids are two ids: get and the id comparison agree")
    func canonicalEquivalence() throws {
        // Ids compare by their bytes in the index as in `==`: the decomposed form finds no row
        // where only the precomposed one exists, and both can be ids of one collection.
        let fixture = try BoundRowFixture(accented: BoundRowFixture.precomposed)
        let arguments: JSON = ["id": .string(BoundRowFixture.decomposed)]
        let boundRow = fixture.boundRow(arguments, collection: "c")
        #expect(boundRow == .null)
        for source in ["get('c', args.id) != null", "exists('c', row.id == args.id)"] {
            let plain = try CompiledExpression.compile(source, in: fixture.scope)
            let bound = try #require(plain.binding(ExpressionRowBinding(collection: "c", keyField: "id")))
            #expect(fixture.outcome(plain, arguments, boundRow: .null) == "false")
            #expect(fixture.outcome(bound, arguments, boundRow: boundRow) == "false")
        }
        let store = try EntityStore([
            ("c", [["id": .string(BoundRowFixture.precomposed)], ["id": .string(BoundRowFixture.decomposed)]])
        ])
        #expect(store["c"]?.count == 2)
        #expect(store["c"]?.row(id: BoundRowFixture.decomposed)?["id"] == .string(BoundRowFixture.decomposed))
        #expect(store["c"]?.row(id: BoundRowFixture.precomposed)?["id"] == .string(BoundRowFixture.precomposed))
    }
}

/// A condition and the direct shape the checker must give it.
struct DirectCase: Sendable, CustomTestStringConvertible {
    let source: String
    /// Compile with the binding on `c` by `args.id`.
    let bound: Bool
    /// Whether `directCondition` must be set.
    let direct: Bool

    var testDescription: String { "\(source)\(bound ? " [bound]" : "")" }
}

@Suite("Direct conditions vs evaluation")
struct DirectConditionDifferentialTests {
    static let cases: [DirectCase] = [
        DirectCase(source: "args.x == 'a'", bound: false, direct: true),
        DirectCase(source: "args.x != 'a'", bound: false, direct: true),
        DirectCase(source: "args.x == null", bound: false, direct: true),
        DirectCase(source: "args.x != null", bound: false, direct: true),
        DirectCase(source: "args.x == 1", bound: false, direct: true),
        DirectCase(source: "args.x == 1 + 1", bound: false, direct: true),
        DirectCase(source: "args.x == ['a']", bound: false, direct: true),
        DirectCase(source: "row.x == 'a'", bound: false, direct: true),
        DirectCase(source: "args.id == 'e\u{301}'", bound: false, direct: true),
        DirectCase(source: "get('c', args.id).status != 'closed'", bound: true, direct: true),
        DirectCase(source: "get('c', args.id).status == 'open'", bound: true, direct: true),
        DirectCase(source: "get('c', args.id).status == null", bound: true, direct: true),
        DirectCase(source: "exists('c', row.id == args.id)", bound: true, direct: true),
        DirectCase(source: "exists('c', args.id == row.id)", bound: true, direct: true),
        DirectCase(source: "exists('c', r -> r.id == args.id)", bound: true, direct: true),
        DirectCase(source: "any('c', row.id == args.id)", bound: true, direct: true),
        DirectCase(source: "get('c', args.id).status != 'closed'", bound: false, direct: false),
        DirectCase(source: "exists('c', row.id == args.id)", bound: false, direct: false),
        DirectCase(source: "exists('c', row.id == args.id && row.status == 'open')", bound: true, direct: false),
        DirectCase(source: "count('c', row.id == args.id) == 1", bound: true, direct: false),
        DirectCase(source: "get('c', args.id) == null", bound: true, direct: false),
        DirectCase(source: "'a' == args.x", bound: false, direct: false),
        DirectCase(source: "args.x == args.y", bound: false, direct: false),
        DirectCase(source: "!(args.x == 'a')", bound: false, direct: false),
        DirectCase(source: "args.x == 'a' && args.y == 'b'", bound: false, direct: false),
        DirectCase(source: "1 == 1", bound: false, direct: false),
    ]

    /// Values for `args.x` and `args.y`: equal, unequal, numbers, null, absent, objects and arrays.
    static let fieldValues: [JSON?] = [
        "a", "b", 1, 2.0, 1.0, nil, .null, true, ["a"], ["x": "a"], "e\u{301}", "\u{E9}",
    ]

    /// Every `args` to test: `BoundRowFixture.argumentGrid` with `x`/`y` fields added, plus
    /// non-objects.
    static let grid: [JSON] = {
        var grid: [JSON] = []
        for (index, base) in BoundRowFixture.argumentGrid.enumerated() {
            guard case .object(var object) = base else {
                grid.append(base)
                continue
            }
            let x = fieldValues[index % fieldValues.count]
            let y = fieldValues[(index / fieldValues.count) % fieldValues.count]
            if let x { object["x"] = x }
            if let y { object["y"] = y }
            grid.append(.object(object))
        }
        grid += BoundRowFixture.nonObjectArguments
        for x in fieldValues {
            var object = JSONObject()
            if let x { object["x"] = x }
            grid.append(.object(object))
        }
        return grid
    }()

    @Test("directCondition is set exactly for the direct shapes", arguments: cases)
    func shapes(_ row: DirectCase) throws {
        let fixture = try BoundRowFixture(accented: BoundRowFixture.precomposed)
        let expression = try Self.compile(row, fixture)
        #expect((expression.directCondition != nil) == row.direct)
    }

    @Test("holdsDirectly equals evaluating to true", arguments: cases.filter(\.direct))
    func directEqualsEvaluated(_ row: DirectCase) throws {
        for accented in [BoundRowFixture.precomposed, BoundRowFixture.decomposed] {
            let fixture = try BoundRowFixture(accented: accented)
            let expression = try Self.compile(row, fixture)
            let context = StepContext(world: fixture.world, state: fixture.state)
            for arguments in Self.grid {
                let boundRow = row.bound ? fixture.boundRow(arguments, collection: "c") : .null
                let maybeDirect = StepContext.holdsDirectly(expression, args: arguments, boundRow: boundRow)
                let direct = try #require(maybeDirect as Bool?, "\(row.source)")
                let evaluated = (try? context.evaluate(expression, args: arguments, boundRow: boundRow)) == .bool(true)
                #expect(direct == evaluated, "\(row.source) with args \(arguments.canonicalText)")
                #expect(context.holds(expression, args: arguments, boundRow: boundRow) == evaluated)
            }
        }
    }

    @Test("holdsDirectly declines conditions without a direct shape")
    func declines() throws {
        let fixture = try BoundRowFixture(accented: BoundRowFixture.precomposed)
        for row in Self.cases where !row.direct {
            let expression = try Self.compile(row, fixture)
            #expect(StepContext.holdsDirectly(expression, args: ["x": "a"], boundRow: .null) == nil, "\(row.source)")
        }
        // With a `for_each` variable in scope, a direct shape reading only `args` is still
        // tested directly; one reading the variable (which the engine does not pass) is not.
        var scope = fixture.scope
        scope.declare("item", as: .any)
        let readsArgs = try CompiledExpression.compile("args.x == 'a'", in: scope)
        #expect(readsArgs.directCondition != nil)
        #expect(StepContext.holdsDirectly(readsArgs, args: ["x": "a"], boundRow: .null) == true)
        let readsItem = try CompiledExpression.compile("item.x == 'a'", in: scope)
        #expect(readsItem.directCondition != nil)
        #expect(StepContext.holdsDirectly(readsItem, args: ["x": "a"], boundRow: .null) == nil)
    }

    static func compile(_ row: DirectCase, _ fixture: BoundRowFixture) throws -> CompiledExpression {
        let plain = try CompiledExpression.compile(row.source, in: fixture.scope)
        guard row.bound else { return plain }
        return try #require(plain.binding(ExpressionRowBinding(collection: "c", keyField: "id")), "\(row.source)")
    }
}
