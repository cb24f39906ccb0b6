import Testing
import WorldModel

struct RuntimeErrorCase: Sendable, CustomTestStringConvertible {
    let source: String
    let error: ExpressionRuntimeError
    init(_ source: String, _ error: ExpressionRuntimeError) {
        self.source = source
        self.error = error
    }
    var testDescription: String { source }
}

@Suite("CompiledExpression runtime errors")
struct ExpressionRuntimeErrorTests {
    static let cases: [RuntimeErrorCase] = [
        .init("args.amount / 0", .divisionByZero),
        .init("args.amount % (1 - 1)", .divisionByZero),
        .init("len(v.k) / (len(v) - 2)", .divisionByZero),
        .init("v.k.x", .typeMismatch("cannot read field 'x' of string 'value'")),
        .init("v.k[0]", .typeMismatch("cannot index into string 'value'")),
        .init("xs[v.k]", .typeMismatch("array index must be an integer, got string 'value'")),
        .init("v.k < 1", .typeMismatch("'<' needs two numbers or two strings, got string 'value' and integer 1")),
        .init("v.n < 1", .typeMismatch("'<' needs two numbers or two strings, got null and integer 1")),
        .init("v.k && true", .typeMismatch("'&&' needs a boolean, got string 'value'")),
        .init("!v.n", .typeMismatch("'!' needs a boolean, got null")),
        .init(
            "v.k + 1",
            .typeMismatch("'+' needs two numbers, two strings or two arrays, got string 'value' and integer 1")),
        .init("args.missing_optional_in_v + 1", .typeMismatch("got null and integer 1")),
        .init("len(v.n)", .typeMismatch("len() needs a string, array or object, got null")),
        .init("count('' + v.k, true)", .unknownCollection("value")),
        .init("get(v.k, 1)", .unknownCollection("value")),
        .init("regime(v.k)", .unknownService("value")),
        .init("all(v.k, x -> true)", .typeMismatch("all() needs an array, got string 'value'")),
        .init("all(xs, x -> v.k)", .typeMismatch("the predicate of all() needs a boolean, got string 'value'")),
        .init("count('charges', v.k)", .typeMismatch("the predicate of count() needs a boolean, got string 'value'")),
        .init("sum('charges', v.k)", .typeMismatch("sum() needs numbers, got string 'value'")),
        .init(
            "round(args.amount, 99)",
            .invalidArgument("round() digits must be an integer from -15 to 15, got integer 99")),
        .init("sum(items, i -> i.sku)", .typeMismatch("sum() needs numbers, got string 'A'")),
        .init("args.amount * 1e308 * 10", .numberOutOfRange("1.2e+310")),
    ]

    @Test("runtime errors are typed with human messages", arguments: cases)
    func runtimeError(_ row: RuntimeErrorCase) throws {
        var scope = exampleScope()
        scope.declare("args", as: .openObject)
        let expression: CompiledExpression
        do {
            expression = try CompiledExpression.compile(row.source, in: scope)
        } catch {
            Issue.record("\(error)")
            return
        }
        let error = try #require(throws: ExpressionRuntimeError.self) {
            try expression.evaluate(ExpressionTestWorld.example, exampleBindings(scope))
        }
        switch (error, row.error) {
        case (.typeMismatch(let found), .typeMismatch(let expected)),
            (.invalidArgument(let found), .invalidArgument(let expected)):
            #expect(found.contains(expected), "\(error)")
        case (.numberOutOfRange, .numberOutOfRange): break
        default: #expect(error == row.error)
        }
    }

    @Test("error descriptions read as sentences")
    func descriptions() {
        #expect(ExpressionRuntimeError.divisionByZero.description == "division by zero")
        #expect(ExpressionRuntimeError.unknownCollection("x").description == "unknown collection 'x'")
        #expect(
            ExpressionRuntimeError.costExceeded(budget: 10).description == "evaluation exceeded its budget of 10 steps")
        #expect(ExpressionRuntimeError.typeMismatch("a").description == "type mismatch: a")
    }

    @Test("evaluateCondition requires a boolean")
    func condition() throws {
        let scope = exampleScope()
        let expression = try CompiledExpression.compile("args.charge_id", in: scope)
        #expect(throws: ExpressionRuntimeError.notABoolean("string 'CH-2'")) {
            try expression.evaluateCondition(ExpressionTestWorld.example, exampleBindings(scope))
        }
    }

    @Test("bindings from a smaller scope are rejected")
    func bindingsMismatch() throws {
        let expression = try CompiledExpression.compile("args.amount > 1", in: exampleScope())
        #expect(throws: ExpressionRuntimeError.bindingsMismatch(expected: 5, found: 0)) {
            try expression.evaluate(ExpressionTestWorld.example, ExpressionBindings())
        }
    }

    @Test("a collection missing from the world state at run time is an error")
    func missingCollection() throws {
        let expression = try CompiledExpression.compile("count('charges', true)", in: exampleScope())
        #expect(throws: ExpressionRuntimeError.unknownCollection("charges")) {
            try expression.evaluate(ExpressionTestWorld(), exampleBindings())
        }
    }

    @Test("evaluation cost is bounded by the budget")
    func costBound() throws {
        var world = ExpressionTestWorld()
        world.collections["big"] = (0..<1000).map { ["id": .int($0), "n": .int($0)] }
        var scope = ExpressionScope()
        scope.declareCollection("big", fields: ["id", "n"])
        // 1000 × 1000 rows: a million inner steps.
        let quadratic = try CompiledExpression.compile("count('big', exists('big', row.n == 999))", in: scope)
        #expect(throws: ExpressionRuntimeError.costExceeded(budget: CompiledExpression.defaultBudget)) {
            try quadratic.evaluate(world, scope.makeBindings())
        }
        let linear = try CompiledExpression.compile("count('big', row.n % 2 == 0)", in: scope)
        #expect(try linear.evaluate(world, scope.makeBindings()) == 500)
        #expect(throws: ExpressionRuntimeError.costExceeded(budget: 100)) {
            try linear.evaluate(world, scope.makeBindings(), budget: 100)
        }
        let arrays = try CompiledExpression.compile("map([1, 2, 3], x -> map([1, 2, 3], y -> x * y))", in: scope)
        #expect(throws: ExpressionRuntimeError.costExceeded(budget: 20)) {
            try arrays.evaluate(world, scope.makeBindings(), budget: 20)
        }
        #expect(try arrays.evaluate(world, scope.makeBindings(), budget: 200) == [[1, 2, 3], [2, 4, 6], [3, 6, 9]])
    }
}
