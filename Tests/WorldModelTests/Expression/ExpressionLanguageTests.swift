import Testing
import WorldModel

/// The scenario language 1.1 constructs: object literals, the conditional, the array, object and
/// string functions, `calc`, number kinds and exact rounding. Results are compared by canonical
/// text, so `1` (integer) and `1.0` (float) differ.
@Suite("Scenario language 1.1 expressions")
struct ExpressionLanguageTests {
    static let objects: [ExpressionCase] = [
        .init("{name: 'a', 'product id': 7}", ["name": "a", "product id": 7]),
        .init("{}", [:]),
        .init("{a: 1, b: {c: [1, 2]},}", ["a": 1, "b": ["c": [1, 2]]]),
        .init("{id: row.id, zip: row.address.zip}", ["id": "CH-2", "zip": "94103"]),
        .init("{id: row.id, zip: row.address.zip}.zip", "94103"),
        .init("{true: 1, in: 2, null: 3}", ["true": 1, "in": 2, "null": 3]),
        .init("object([['a', 1], ['b', 2]])", ["a": 1, "b": 2]),
        .init("object(map(items, i -> [i.sku, i.qty]))", ["A": 2, "B": 1]),
        .init("object([['a', 1], ['a', 2]])", ["a": 2]),
        .init("object([])", [:]),
        .init("merge({a: 1, b: 2}, {b: 3, c: 4})", ["a": 1, "b": 3, "c": 4]),
        .init("merge(row.address, {zip: '1'}).zip", "1"),
        .init("keys({b: 1, a: 2, 'B': 3})", ["B", "a", "b"]),
        .init("keys(merge({b: 1}, {a: 2})) == keys({a: 2, b: 1})", true),
        .init("values({b: 1, a: 2})", [2, 1]),
        .init("entries({b: 1, a: 2})", [["a", 2], ["b", 1]]),
        .init("keys(row.address)", ["lines", "zip"]),
        .init("{a: 1} == {a: 1.0}", true),
    ]

    static let conditionals: [ExpressionCase] = [
        .init("args.amount > 100 ? 'big' : 'small'", "big"),
        .init("xs[0] == 3 ? 1 : 2.5", 1),
        .init("false ? 1 : true ? 2 : 3", 2),
        .init("true ? 'a' : 'b' + 'c'", "a"),
        .init("len(xs) > 0 ? sum(xs) / len(xs) : 0", 2.8),
        .init("v.n == null ? 'none' : v.n.x", "none"),
        .init("1 + (true ? 2 : 3)", 3),
        .init("args.amount > 0 || false ? {ok: true} : {ok: false}", ["ok": true]),
        // Only the chosen side is evaluated.
        .init("true ? 1 : args.amount / 0", 1),
        .init("false ? len(v.k) / 0 : 'ok'", "ok"),
        .init("xs[0] > 1 ? 'x' : v.k + 1", "x"),
    ]

    static let arrays: [ExpressionCase] = [
        .init("count(xs)", 5),
        .init("count('charges')", 3),
        .init("sum(xs)", 14),
        .init("sum(map(items, i -> i.price))", 12.5),
        .init("range(3)", [0, 1, 2]),
        .init("range(2, 5)", [2, 3, 4]),
        .init("range(5, 2)", []),
        .init("range(-2, 1)", [-2, -1, 0]),
        .init("range(0)", []),
        .init("range(3.0)", [0, 1, 2]),
        .init("zip(xs, ['a', 'b'])", [[3, "a"], [1, "b"]]),
        .init("enumerate(['a', 'b'])", [[0, "a"], [1, "b"]]),
        .init("sort(xs)", [1, 1, 3, 4, 5]),
        .init("sort(['b', 'B', 'a', 'é'])", ["B", "a", "b", "é"]),
        .init("sort([2, 1.5, 1, 1.0])", [1, 1.0, 1.5, 2]),
        .init("sort([1.0, 2, 1])", [1.0, 1, 2]),
        .init(
            "sort([{a: 2}, 'x', null, [1], 3, true, false, [0, 5], {a: 1, b: 0}, {a: 1}])",
            [nil, false, true, 3, "x", [0, 5], [1], ["a": 1, "b": 0], ["a": 1], ["a": 2]]),
        .init("map(sort(items, i -> -i.price), i -> i.sku)", ["B", "A"]),
        .init("map(sort('charges', c -> c.amount), c -> c.id)", ["CH-3", "CH-1", "CH-2"]),
        .init("map(sort('charges', row.status), c -> c.id)", ["CH-1", "CH-3", "CH-2"]),
        .init("sort([[2, 'b'], [1, 'z'], [2, 'a']], p -> p[0])", [[1, "z"], [2, "b"], [2, "a"]]),
        .init("reverse(xs)", [5, 1, 4, 1, 3]),
        .init("unique(xs)", [3, 1, 4, 5]),
        .init("unique([1, 1.0, '1', [1], [1.0]])", [1, "1", [1]]),
        .init("flatten([[1, 2], [], [3, [4]], 5])", [1, 2, 3, [4], 5]),
        .init("slice(xs, 1, 3)", [1, 4]),
        .init("slice(xs, -2)", [1, 5]),
        .init("slice(xs, 3, 100)", [1, 5]),
        .init("slice(xs, 4, 1)", []),
        .init("slice(xs, 0, -1)", [3, 1, 4, 1]),
        .init("slice(xs, 1, null)", [1, 4, 1, 5]),
        .init("slice('héllo', 1, 3)", "él"),
        .init("first(xs, x -> x > 3)", 4),
        .init("first(xs, x -> x > 9)", nil),
        .init("first('charges', row.amount < 100).id", "CH-3"),
        .init("first('charges', c -> c.status == 'refunded').id", "CH-2"),
        .init("first(items, i -> i.sku == 'B').price", 10),
        .init("index_of(xs, x -> x == 1)", 1),
        .init("index_of(xs, x -> x == 9)", -1),
        .init("index_of(items, i -> i.sku == 'B')", 1),
        .init("items[index_of(items, i -> i.sku == 'B')].qty", 1),
    ]

    static let strings: [ExpressionCase] = [
        .init("str(120.0)", "120.0"),
        .init("str(3)", "3"),
        .init("str('a')", "a"),
        .init("str(true)", "true"),
        .init("str(null)", "null"),
        .init("str({b: 1, a: [1, 'x']})", #"{"a":[1,"x"],"b":1}"#),
        .init("str(0.1 + 0.2)", "0.30000000000000004"),
        .init("'order ' + str(args.amount)", "order 120.0"),
        .init("num('12')", 12),
        .init("num('-0.5')", -0.5),
        .init("num(' 7 ')", 7),
        .init("num('+7')", 7),
        .init("num('.5')", 0.5),
        .init("num('5.')", 5.0),
        .init("num('1e3')", 1000.0),
        .init("num('12 apples')", nil),
        .init("num('')", nil),
        .init("num('nan')", nil),
        .init("num('0x10')", nil),
        .init("num('1e')", nil),
        .init("num(4.5)", 4.5),
        .init("num(v.n)", nil),
        .init("join(['a', 'b', 'c'], ', ')", "a, b, c"),
        .init("join([], '-')", ""),
        .init("join(map(xs, x -> str(x)), '+')", "3+1+4+1+5"),
        .init("split('a,,b', ',')", ["a", "", "b"]),
        .init("split('abc', ',')", ["abc"]),
        .init("split('a::b::', '::')", ["a", "b", ""]),
        .init("split('', ',')", [""]),
        .init("split('aaa', 'aa')", ["", "a"]),
        .init("starts_with('hello', 'he')", true),
        .init("starts_with('he', 'hello')", false),
        .init("ends_with('hello', 'lo')", true),
        .init("ends_with('x', '')", true),
        .init("ends_with('café', 'é')", true),
        .init("replace('a-b-c', '-', '+')", "a+b+c"),
        .init("replace('aaa', 'aa', 'b')", "ba"),
        .init("replace('abc', 'x', 'y')", "abc"),
        .init("replace('abab', 'ab', '')", ""),
        .init("trim('  hi \t')", "hi"),
        .init("trim('   ')", ""),
        .init("trim('a b')", "a b"),
        .init("calc('1 + 2 * 3')", 7),
        .init("calc('(1 + 2) * 3')", 9),
        .init("calc('7 / 2')", 3.5),
        .init("calc('8 / 2')", 4.0),
        .init("calc('-3 + -(-2)')", -1),
        .init("calc('2.5 * 4')", 10.0),
        .init("calc(' 10 - 4 - 3 ')", 3),
        .init("calc('.5 + 1')", 1.5),
        .init("round(calc('100 / 3'), 2)", 33.33),
        .init("calc('((((2))))')", 2),
    ]

    static let numbers: [ExpressionCase] = [
        .init("1 + 2", 3),
        .init("1 + 2.0", 3.0),
        .init("3 * 1.5", 4.5),
        .init("7 / 7", 1.0),
        .init("8 / 2", 4.0),
        .init("10 % 4", 2),
        .init("10.0 % 4", 2.0),
        .init("41 - 0.0", 41.0),
        .init("41 - 0", 41),
        .init("-(9223372036854775807)", -9_223_372_036_854_775_807),
        .init("sum([1, 2.0])", 3.0),
        .init("sum([1, 2])", 3),
        .init("abs(-3)", 3),
        .init("9223372036854775807 + 1.0", 9.223372036854775808e18),
    ]

    static let rounding: [ExpressionCase] = [
        // The binary value of 2.675 is below the half, 0.125 is exactly half (2 is even).
        .init("round(2.675, 2)", 2.67),
        .init("round(0.125, 2)", 0.12),
        .init("round(0.375, 2)", 0.38),
        .init("round(1.005, 2)", 1.0),
        .init("round(0.285, 2)", 0.28),
        .init("round(2.345, 2)", 2.35),
        .init("round(123.456, 1)", 123.5),
        .init("round(-2.675, 2)", -2.67),
        .init("round(1.0000000000000002, 15)", 1.0),
        .init("round(5e-324, 2)", 0.0),
        .init("round(0.1, 15)", 0.1),
        .init("round(2.5)", 2),
        .init("round(3.5)", 4),
        .init("round(-2.5)", -2),
        .init("round(-0.5)", 0),
        .init("round(0.5, 0)", 0.0),
        .init("round(1.5, 0)", 2.0),
        .init("round(1234.5678, -2)", 1200.0),
        .init("round(1250, -2)", 1200),
        .init("round(1350, -2)", 1400),
        .init("round(-1250, -2)", -1200),
        .init("round(7, 2)", 7),
        .init("round(1e20)", .number(.bigInteger("100000000000000000000"))),
        .init("round(-1e20)", .number(.bigInteger("-100000000000000000000"))),
        .init("round(2.675, 2) == 2.67", true),
    ]

    @Test("object literals, object(), merge, keys, values and entries", arguments: objects)
    func objectConstructs(_ row: ExpressionCase) throws { try check(row) }

    @Test("the conditional evaluates only the chosen side", arguments: conditionals)
    func conditional(_ row: ExpressionCase) throws { try check(row) }

    @Test("array functions", arguments: arrays)
    func arrayFunctions(_ row: ExpressionCase) throws { try check(row) }

    @Test("string functions and calc", arguments: strings)
    func stringFunctions(_ row: ExpressionCase) throws { try check(row) }

    @Test("integer op integer stays an integer except '/', a float operand gives a float", arguments: numbers)
    func numberKinds(_ row: ExpressionCase) throws { try check(row) }

    @Test("round rounds the exact binary value half to even", arguments: rounding)
    func exactRounding(_ row: ExpressionCase) throws { try check(row) }

    private func check(_ row: ExpressionCase) throws {
        let value = try evaluateExample(row.source)
        #expect(value.canonicalText == row.expected.canonicalText, "\(row.source)")
    }

    @Test("types are inferred for the new constructs")
    func types() throws {
        let scope = exampleScope()
        func type(_ source: String) throws -> ExpressionType { try CompiledExpression.compile(source, in: scope).type }
        #expect(try type("{a: 1, b: 'x'}") == .object(fields: ["a": .number, "b": .string], open: false))
        #expect(try type("true ? 1 : 2") == .number)
        #expect(try type("args.amount > 1 ? 'a' : null") == .string)
        #expect(try type("args.amount > 1 ? 1 : 'a'") == .any)
        #expect(try type("sort(xs)") == .array(.number))
        #expect(try type("first(xs, x -> x > 1)") == .number)
        #expect(try type("index_of(xs, x -> x > 1)") == .number)
        #expect(try type("keys(row.address)") == .array(.string))
        #expect(try type("split(args.charge_id, '-')") == .array(.string))
        #expect(try type("zip(xs, xs)") == .array(.array(.number)))
        #expect(try type("merge({a: 1}, {b: 'x'})") == .object(fields: ["a": .number, "b": .string], open: false))
    }

    @Test("the same expression gives the same bytes every time, whatever order objects were built in")
    func determinism() throws {
        let source = """
            str(merge(object(map(enumerate(sort(unique(xs))), p -> ['k' + str(p[1]), p[0]])), \
            {z: keys({c: 1, a: 2, b: 3}), y: round(2.675, 2), x: split(join(map(xs, x -> str(x)), ','), ',')}))
            """
        let first = try evaluateExample(source)
        let second = try evaluateExample(source)
        #expect(first.canonicalBytes == second.canonicalBytes)
        #expect(
            first
                == .string(
                    #"{"k1":0,"k3":1,"k4":2,"k5":3,"x":["3","1","4","1","5"],"y":2.67,"z":["a","b","c"]}"#))
    }
}

/// Mistakes in the new constructs: each compile error names the column, what was found and what
/// the language offers instead.
@Suite("Scenario language 1.1 compile errors")
struct ExpressionLanguageCompileErrorTests {
    static let cases: [CompileErrorCase] = [
        // Object literals and the conditional.
        .init("{a: 1, a: 2}", column: 8, "key 'a' appears twice in the object literal"),
        .init("{a}", column: 3, "expected ':' after the key 'a', found '}'", suggestion: "write {a: value}"),
        .init("{1: 2}", column: 2, "expected a key (a name or a 'string')", suggestion: "object([[key, value], …])"),
        .init("{a: 1", column: 6, "expected ',' or '}', found end of input"),
        .init("{a: 1}.b", column: 8, "unknown field 'b' of object", suggestion: nil),
        .init("true ? 1", column: 9, "expected ':' of the conditional 'c ? a : b', found end of input"),
        .init("1 ? 2 : 3", column: 3, "the condition of '? :' must be a boolean, got number"),
        // Constructs the language lacks: what was found and what it has instead.
        .init("v ?? 1", column: 3, "unexpected '??'", suggestion: "'x != null ? x : fallback'"),
        .init("v?.k", column: 2, "unexpected '?.'", suggestion: "null-safe"),
        .init("map(xs, x => x)", column: 11, "unexpected '=>'", suggestion: "'x -> body'"),
        .init("a = 1", column: 3, "unexpected '='", suggestion: "use '==' to compare"),
        .init("1; 2", column: 2, "unexpected character ';'", suggestion: "not statements"),
        .init("1 # 2", column: 3, "unexpected character '#'", suggestion: "no comments"),
        .init("2 ^ 3", column: 3, "unexpected character '^'", suggestion: "no power operator"),
        .init("1 ~ 2", column: 3, "unexpected character '~'", suggestion: "{key: value} objects"),
        .init("'it's'", column: 6, "unterminated string", suggestion: "\\'"),
        .init("xs[]", column: 4, "expected an index inside '[ ]', found ']'", suggestion: "xs[0]"),
        .init("xs[1:3]", column: 5, "unexpected ':' in an index", suggestion: "slice(xs, a, b)"),
        .init("xs[1, 2]", column: 5, "an index holds one value, found ','", suggestion: "xs[i][j]"),
        .init("xs.map(x -> x)", column: 7, "only built-in functions can be called", suggestion: "map(x, …)"),
        .init("true and false", column: 6, "unexpected name 'and' after the end", suggestion: "use '&&'"),
        .init("1 : 2", column: 3, "unexpected ':' after the end", suggestion: "'c ? a : b'"),
        .init("if(true, 1, 2)", column: 1, "there is no function 'if'", suggestion: "'c ? a : b'"),
        // Unknown functions suggest the new names.
        .init("srot(xs)", column: 1, "unknown function 'srot'", suggestion: "'sort'"),
        .init("index(xs, x -> x == 1)", column: 1, "unknown function 'index'", suggestion: "'index_of'"),
        .init("startswith('a', 'b')", column: 1, "unknown function 'startswith'", suggestion: "'starts_with'"),
        // Arity and argument types.
        .init("range()", column: 1, "range() takes 1 to 2 arguments, got 0"),
        .init("range('a')", column: 7, "range() needs a number as argument 1, got string"),
        .init("merge({a: 1}, 2)", column: 15, "merge() needs an object as argument 2, got number"),
        .init("zip(xs)", column: 1, "zip() takes 2 arguments, got 1"),
        .init("slice(xs, 'a')", column: 11, "slice() needs a number as argument 2, got string"),
        .init("slice(5, 1)", column: 7, "slice() needs an array or a string as argument 1, got number"),
        .init(
            "join(xs, ',')", column: 6, "join() needs an array of strings, got array of number", suggestion: "str(x)"),
        .init("split('a', 1)", column: 12, "split() needs a string as argument 2, got number"),
        .init("keys(xs)", column: 6, "keys() needs an object, got array of number"),
        .init("calc(1)", column: 6, "calc() needs a string, got number"),
        .init("num(true)", column: 5, "num() needs a string or a number, got boolean"),
        .init("str(x -> x)", column: 5, "str() does not take a lambda"),
        .init("object('a')", column: 8, "object() needs an array, got string"),
        .init("replace('a', 'b')", column: 1, "replace() takes 3 arguments, got 2"),
        // Lambdas.
        .init("first(xs, 1)", column: 11, "first() over an array needs a lambda"),
        .init("first(xs, x -> x + 1)", column: 16, "the predicate of first() must be a boolean, got number"),
        .init("index_of(xs, x -> y)", column: 19, "unknown name 'y'"),
        .init("sort(xs, x -> x, 1)", column: 1, "sort() takes 1 to 2 arguments, got 3"),
        .init("sort(xs, x -> x.price)", column: 17, "cannot read field 'price' of x, a number"),
        .init("x -> x", column: 3, "only allowed as a function argument"),
        // Constant arguments are evaluated at load time, within the budget.
        .init("range(1000000000)", column: 1, "evaluation exceeded its budget"),
        .init("calc('1 +')", column: 1, "calc(): '1 +' ends where a number or '(' was expected"),
        .init("calc('2 * x')", column: 1, "calc(): unexpected 'x' at character 5 of '2 * x'"),
        .init("9223372036854775807 + 1", column: 21, "integer overflow"),
    ]

    @Test("compile errors of the new constructs", arguments: cases)
    func compileError(_ row: CompileErrorCase) throws {
        try expectCompileError(row)
    }
}

/// Run-time failures of the new constructs are typed errors (the engine answers them as
/// `scenario_error`), and their work is charged against the evaluation budget.
@Suite("Scenario language 1.1 run-time errors and budget")
struct ExpressionLanguageRuntimeTests {
    static let cases: [(source: String, message: String)] = [
        ("xs[0] + 9223372036854775807", "integer overflow: 3 + 9223372036854775807 is beyond the 64-bit integer range"),
        ("-9223372036854775807 - xs[0]", "integer overflow"),
        ("xs[0] * 4611686018427387904", "integer overflow"),
        ("calc(v.k)", "calc(): unexpected 'v' at character 1 of 'value'"),
        ("calc(v.k + '')", "calc(): unexpected 'v'"),
        ("calc('1 / ' + str(xs[1] - 1))", "division by zero"),
        ("calc('(' + v.k)", "calc(): unexpected 'v' at character 2"),
        ("split(v.k, '')", "split() needs a non-empty separator"),
        ("replace(v.k, '', 'x')", "replace() needs a non-empty string to replace"),
        ("object(map(xs, x -> [x, x]))", "object() needs [key, value] pairs with a string key, element 0"),
        ("merge(v.k, {})", "merge() needs an object as argument 1, got string 'value'"),
        ("join([v.k, 1], ',')", "join() needs an array of strings, element 1 is integer 1"),
        ("first(v.k, x -> true)", "first() needs an array, got string 'value'"),
        ("slice(xs, v.k)", "slice() needs an integer as argument 2, got string 'value'"),
        ("range(xs[0] / 2)", "range() needs an integer, got number 1.5"),
        ("true ? v.k + 1 : 0", "'+' needs two numbers"),
        ("v.k ? 1 : 2", "the condition of '? :' needs a boolean"),
        ("keys(v.n)", "keys() needs an object, got null"),
        ("num(v)", "num() needs a string or a number, got object"),
    ]

    @Test("run-time errors name the function and what it got", arguments: cases)
    func runtimeError(_ row: (source: String, message: String)) throws {
        var scope = exampleScope()
        scope.declare("args", as: .openObject)
        let expression = try CompiledExpression.compile(row.source, in: scope)
        let error = try #require(throws: ExpressionRuntimeError.self) {
            try expression.evaluate(ExpressionTestWorld.example, exampleBindings(scope))
        }
        #expect(error.description.contains(row.message), "\(error)")
    }

    @Test("work of the new functions is charged: huge ranges and outputs fail fast instead of allocating")
    func budget() throws {
        let budget = CompiledExpression.defaultBudget
        for source in [
            "range(len(xs) * 200000000)",
            "range(-9223372036854775807, len(xs))",
            "flatten(map(range(len(xs) * 300), x -> range(1000)))",
            "replace(join(map(range(len(xs) * 10000), x -> 'a'), ''), 'a', join(map(range(len(xs) * 40), x -> 'bbbb'), ''))",
            "len(sort(range(len(xs) * 100000)))",
        ] {
            #expect(throws: ExpressionRuntimeError.costExceeded(budget: budget), "\(source)") {
                try evaluateExample(source)
            }
        }
        #expect(throws: ExpressionRuntimeError.costExceeded(budget: 1000)) {
            try evaluateExample("sort(range(len(xs) * 100))", budget: 1000)
        }
        #expect(throws: ExpressionRuntimeError.costExceeded(budget: 1000)) {
            try evaluateExample("first(range(len(xs) * 1000), x -> x < 0)", budget: 1000)
        }
        #expect(try evaluateExample("len(sort(range(len(xs) * 100)))", budget: 10_000) == 500)
    }

    @Test("a conditional charges the chosen side's loop only when it runs")
    func conditionalCost() throws {
        #expect(try evaluateExample("xs[0] > 100 ? len(range(len(xs) * 100000)) : 1", budget: 1000) == 1)
    }
}
