import Testing
import WorldModel

/// Results are compared by canonical text, so `1` (integer) and `1.0` (double) differ.
@Suite("CompiledExpression evaluation")
struct ExpressionEvaluationTests {
    static let literals: [ExpressionCase] = [
        .init("'text'", "text"),
        .init(#"'it\'s'"#, "it's"),
        .init(#"'back\\slash'"#, #"back\slash"#),
        .init("''", ""),
        .init("'héllo ✓'", "héllo ✓"),
        .init("42", 42),
        .init("2.5", 2.5),
        .init("1e3", 1000.0),
        .init("2.5E-1", 0.25),
        .init("-7", -7),
        .init("99999999999999999999", 1e20),
        .init("true", true),
        .init("false", false),
        .init("null", nil),
        .init("[1, 'a', null, [true]]", [1, "a", nil, [true]]),
        .init("[]", []),
        .init("[1, 2,]", [1, 2]),
    ]

    static let access: [ExpressionCase] = [
        .init("args.charge_id", "CH-2"),
        .init("args.idempotency_key", "refund-CH-2"),
        .init("row.address.zip", "94103"),
        .init("row.address.lines[1]", "Apt 2"),
        .init("row.address.lines[2]", nil),
        .init("row.address.lines[-1]", nil),
        .init("row.address.lines[1.0]", "Apt 2"),
        .init("row['status']", "captured"),
        .init("row['address']['zip']", "94103"),
        .init("v.k", "value"),
        .init("v.missing", nil),
        .init("v.missing.deeper.still", nil),
        .init("v.n.x", nil),
        .init("v.n[0]", nil),
        .init("v['nope']", nil),
        .init("xs[0]", 3),
        .init("items[1].sku", "B"),
        .init("[10, 20][1]", 20),
        .init("null.x", nil),
    ]

    static let operatorCases: [ExpressionCase] = [
        .init("1 + 2 * 3", 7),
        .init("(1 + 2) * 3", 9),
        .init("10 - 4 - 3", 3),
        .init("2 * 3 % 4", 2),
        .init("-2 * 3", -6),
        .init("- (2 + 3)", -5),
        .init("-args.amount", -120.0),
        .init("7 / 2", 3.5),
        .init("8 / 2", 4.0),
        .init("8.0 / 2", 4.0),
        .init("7 % 3", 1),
        .init("-7 % 3", -1),
        .init("7.5 % 2", 1.5),
        .init("1 + 1.5", 2.5),
        .init("2 * 2.0", 4.0),
        .init("9223372036854775807 + 1.0", 9.223372036854775808e18),
        .init("1.0 * 9223372036854775807 * 2", 1.8446744073709552e19),
        .init("41 - 0.0", 41.0),
        .init("41 - 0", 41),
        .init("'ab' + 'cd'", "abcd"),
        .init("[1] + [2, 3]", [1, 2, 3]),
        .init("1 == 1.0", true),
        .init("1 != 1.0", false),
        .init("'a' == 'a'", true),
        .init("null == null", true),
        .init("v.missing == null", true),
        .init("[1, [2]] == [1.0, [2]]", true),
        .init("row.address == row['address']", true),
        .init("1 < 2", true),
        .init("2 <= 2.0", true),
        .init("3 > 4", false),
        .init("3 >= 4", false),
        .init("'apple' < 'banana'", true),
        .init("'Z' < 'a'", true),
        .init("'é' > 'z'", true),
        .init("true && false", false),
        .init("true || false", true),
        .init("false || false || true", true),
        .init("!true", false),
        .init("!false && false", false),
        .init("!(1 == 2)", true),
        .init("!1 == 2", true),
        .init("true == !false", true),
        .init("true || false && false", true),
        .init("1 < 2 == true", true),
        .init("2 in [1, 2, 3]", true),
        .init("2.0 in [1, 2, 3]", true),
        .init("'x' in [1, 2]", false),
        .init("'ell' in 'hello'", true),
        .init("'' in 'hello'", true),
        .init("'zip' in row.address", true),
        .init("'nope' in row.address", false),
        .init("1 + 1 in [2]", true),
        .init("'a' + 'b' in ['ab']", true),
        .init("args.charge_id == 'CH-2' && args.amount > 100", true),
        .init("'a' in ['a'] == true", true),
        .init("[1, 'a'][1] + 'x'", "ax"),
        .init("[[1], ['b']][1][0] + 'c'", "bc"),
    ]

    static let shortCircuit: [ExpressionCase] = [
        .init("false && args.amount / 0 == 1", false),
        .init("true || v.k < 1", true),
        .init("!(false && v.k)", true),
        .init("false && v.k", false),
        .init("v.n != null && v.n.x > 1", false),
    ]

    static let functions: [ExpressionCase] = [
        .init("len('héllo')", 5),
        .init("len(xs)", 5),
        .init("len(row.address)", 2),
        .init("len([])", 0),
        .init("lower('AbC')", "abc"),
        .init("upper('AbC')", "ABC"),
        .init("contains('hello', 'ell')", true),
        .init("contains(xs, 4)", true),
        .init("contains(row.address, 'zip')", true),
        .init("round(2.345, 2)", 2.35),
        .init("round(2.5, 0)", 2.0),
        .init("round(-2.5, 0)", -2.0),
        .init("round(2.4)", 2),
        .init("round(7, 2)", 7),
        .init("round(1234, -2)", 1200),
        .init("abs(-3)", 3),
        .init("abs(-2.5)", 2.5),
        .init("min(3, 1.5)", 1.5),
        .init("max(3, 1.5)", 3),
        .init("min(xs)", 1),
        .init("max(xs)", 5),
        .init("max([])", nil),
        .init("now()", 2500),
        .init("calls('billing_refund')", 1),
        .init("calls('billing_list_charges')", 0),
        .init("regime('billing')", "degraded"),
    ]

    static let collections: [ExpressionCase] = [
        .init("count('charges', row.status == 'captured')", 2),
        .init("count('charges', true)", 3),
        .init("count('charges', c -> c.amount > 100)", 2),
        .init("all('charges', c -> c.amount > 10)", true),
        .init("all('charges', row.status == 'captured')", false),
        .init("any('charges', c -> c.status == 'refunded' && c.id == 'CH-2')", true),
        .init("len(filter('charges', c -> c.customer_id == 'C-7'))", 1),
        .init("all('charges', c -> exists('charges', row.order_id == c.order_id))", true),
        .init("count('notes', true)", 0),
        .init("exists('charges', row.id == args.charge_id)", true),
        .init("exists('charges', row.id == 'CH-9')", false),
        .init("sum('charges', row.amount)", 270.0),
        .init("sum('charges', row.amount, row.customer_id == 'C-7')", 30),
        .init("sum('refunds', row.amount, false)", 0),
        .init("get('charges', 'CH-3').amount", 30),
        .init("get('charges', 'CH-404')", nil),
        .init("get('charges', 'CH-404').amount", nil),
        .init("get('customers', 'C-1042').name", "Dana Ruiz"),
        .init("last_created('refunds').charge_id", "CH-2"),
        .init("last_created('notes')", nil),
        .init("row.id", "CH-2"),
        .init("count('charges', row.id == 'CH-1') + len(row.id)", 5),
        // The inner `row` shadows the outer one; the outer is visible again afterwards.
        .init("exists('charges', row.status == 'refunded') && row.status == 'captured'", true),
        .init("count('charges', exists('refunds', row.charge_id == 'CH-2'))", 3),
        .init("count('charges', count('refunds', row.charge_id == 'CH-2') == 1 && row.amount > 100)", 2),
        .init("count('char' + 'ges', true)", 3),
    ]

    static let quantifiers: [ExpressionCase] = [
        .init("all(xs, x -> x > 0)", true),
        .init("all(xs, x -> x > 1)", false),
        .init("all([], x -> false)", true),
        .init("any(xs, x -> x == 4)", true),
        .init("any([], x -> true)", false),
        .init("map(xs, x -> x * 2)", [6, 2, 8, 2, 10]),
        .init("map(items, i -> i.sku)", ["A", "B"]),
        .init("filter(xs, x -> x > 2)", [3, 4, 5]),
        .init("sum(xs, x -> x)", 14),
        .init("sum(items, i -> i.qty * i.price)", 15.0),
        .init("sum(xs)", 14),
        .init("sum([])", 0),
        .init("count(xs, x -> x == 1)", 2),
        .init("exists(xs, x -> x == 5)", true),
        .init("len(filter(items, i -> i.qty > 1))", 1),
        // Nested lambdas see their own and outer parameters.
        .init("map([1, 2], a -> map([10, 20], b -> a + b))", [[11, 21], [12, 22]]),
        .init("any([[1, 2], [3]], ys -> all(ys, y -> y > 2))", true),
        // Shadowing: the inner x hides the outer x.
        .init("map([1, 2], x -> map([10], x -> x))", [[10], [10]]),
        .init("map([1, 2], x -> [map([10], x -> x)[0], x])", [[10, 1], [10, 2]]),
        // A lambda parameter may shadow a scope variable.
        .init("map([7], args -> args + 1)", [8]),
        .init("args.charge_id", "CH-2"),
        // Lambdas inside collection predicates see the row.
        .init("count('charges', any(['CH-1', 'CH-3'], id -> id == row.id))", 2),
        .init("map(xs, x -> exists('charges', row.amount == x * 10))", [true, false, false, false, false]),
    ]

    @Test("literals evaluate to their JSON values", arguments: literals)
    func literal(_ row: ExpressionCase) throws { try check(row) }

    @Test("member access and indexing, null-propagating", arguments: access)
    func memberAccess(_ row: ExpressionCase) throws { try check(row) }

    @Test("operators with precedence and number semantics", arguments: operatorCases)
    func operatorSemantics(_ row: ExpressionCase) throws { try check(row) }

    @Test("&& and || short-circuit", arguments: shortCircuit)
    func shortCircuiting(_ row: ExpressionCase) throws { try check(row) }

    @Test("scalar built-in functions", arguments: functions)
    func builtins(_ row: ExpressionCase) throws { try check(row) }

    @Test("collection functions against the world state", arguments: collections)
    func collectionFunctions(_ row: ExpressionCase) throws { try check(row) }

    @Test("quantifiers and lambdas, nested and shadowing", arguments: quantifiers)
    func lambdas(_ row: ExpressionCase) throws { try check(row) }

    private func check(_ row: ExpressionCase) throws {
        let value = try evaluateExample(row.source)
        #expect(value.canonicalText == row.expected.canonicalText, "\(row.source)")
    }

    @Test("a collection is scanned in insertion order")
    func insertionOrder() throws {
        #expect(try evaluateExample("get('charges', 'CH-1').status") == "captured")
        var world = ExpressionTestWorld.example
        world.collections["refunds"]?.append(["id": "RF-2", "charge_id": "CH-9", "amount": 1])
        let expression = try CompiledExpression.compile("last_created('refunds').id", in: exampleScope())
        #expect(try expression.evaluate(world, exampleBindings()) == "RF-2")
    }

    @Test("bindings can be reassigned between evaluations through a slot")
    func rebinding() throws {
        let scope = exampleScope()
        let slot = try #require(scope.slot(of: "row"))
        let expression = try CompiledExpression.compile("row.id == args.charge_id", in: scope)
        var bindings = exampleBindings(scope)
        var matches: [Bool] = []
        for row in ExpressionTestWorld.example.collections["charges"] ?? [] {
            bindings[slot] = .object(row)
            matches.append(try expression.evaluateCondition(ExpressionTestWorld.example, bindings))
        }
        #expect(matches == [false, true, false])
    }

    @Test("evaluation without a context sees no state")
    func withoutContext() throws {
        #expect(try CompiledExpression.compile("1 + 2").evaluate() == 3)
        #expect(try CompiledExpression.compile("now()").evaluate() == 0)
    }
}
