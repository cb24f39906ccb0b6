import Testing
import WorldModel

/// A source that must not compile: the 1-based column and fragments of the message and
/// suggestion.
struct CompileErrorCase: Sendable, CustomTestStringConvertible {
    let source: String
    let column: Int
    let message: String
    let suggestion: String?
    init(_ source: String, column: Int, _ message: String, suggestion: String? = nil) {
        self.source = source
        self.column = column
        self.message = message
        self.suggestion = suggestion
    }
    var testDescription: String { source }
}

/// Expects `row.source` not to compile in `exampleScope()`, at the row's column, with its
/// message and suggestion fragments.
func expectCompileError(_ row: CompileErrorCase, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let error = try #require(throws: ExpressionCompileError.self, sourceLocation: sourceLocation) {
        try CompiledExpression.compile(row.source, in: exampleScope())
    }
    #expect(error.column == row.column, "\(error.summary)", sourceLocation: sourceLocation)
    #expect(error.message.contains(row.message), "\(error.summary)", sourceLocation: sourceLocation)
    if let suggestion = row.suggestion {
        #expect(error.suggestion?.contains(suggestion) == true, "\(error.summary)", sourceLocation: sourceLocation)
    }
}

@Suite("CompiledExpression compile errors")
struct ExpressionCompileErrorTests {
    static let cases: [CompileErrorCase] = [
        // Names and fields.
        .init("row.stauts == 'x'", column: 5, "unknown field 'stauts' of row", suggestion: "did you mean 'status'?"),
        .init("args.charge == 'x'", column: 6, "unknown field 'charge' of args", suggestion: "'charge_id'"),
        .init("argz.amount", column: 1, "unknown name 'argz'", suggestion: "did you mean 'args'"),
        .init("refunded", column: 1, "unknown name 'refunded'", suggestion: "the string \"'refunded'\""),
        .init("status", column: 1, "unknown name 'status'", suggestion: "'row.status'"),
        .init("count('charges', row.amout > 1)", column: 22, "unknown field 'amout' of row", suggestion: "'amount'"),
        .init("get('charges', 'CH-1').stauts", column: 24, "unknown field 'stauts'", suggestion: "'status'"),
        .init("row['stauts']", column: 4, "unknown field 'stauts' of row", suggestion: "'status'"),
        .init("map(xs, x -> y)", column: 14, "unknown name 'y'"),
        .init("map(xs, x -> x) == x", column: 20, "unknown name 'x'"),
        .init("count", column: 1, "'count' is a function"),
        // Collections, tools, services, functions.
        .init("count('chargs', true)", column: 7, "unknown collection 'chargs'", suggestion: "did you mean 'charges'?"),
        .init("get('refund', 'RF-1')", column: 5, "unknown collection 'refund'", suggestion: "'refunds'"),
        .init("calls('billing_refnd')", column: 7, "unknown tool 'billing_refnd'", suggestion: "'billing_refund'"),
        .init("regime('biling')", column: 8, "unknown service 'biling'", suggestion: "'billing'"),
        .init("cont('a', 'b')", column: 1, "unknown function 'cont'", suggestion: "'count'"),
        .init("lenght(xs)", column: 1, "unknown function 'lenght'", suggestion: "'len'"),
        // Arity.
        .init("len(xs, xs)", column: 1, "len() takes 1 argument, got 2"),
        .init("now(1)", column: 1, "now() takes 0 arguments, got 1"),
        .init("count()", column: 1, "count() takes 1 to 2 arguments, got 0"),
        .init("exists('charges')", column: 1, "exists() takes 2 arguments, got 1"),
        .init("sum('charges', row.amount, true, 1)", column: 1, "sum() takes 1 to 3 arguments, got 4"),
        // Static types.
        .init("'a' - 1", column: 5, "'-' needs numbers, got string"),
        .init("1 + 'a'", column: 3, "'+' needs two numbers, two strings or two arrays, got number and string"),
        .init("true + 1", column: 6, "'+' needs"),
        .init("1 < 'a'", column: 3, "'<' needs two numbers or two strings, got number and string"),
        .init("null < 1", column: 6, "'<' needs two numbers or two strings, got null"),
        .init("!5", column: 1, "'!' needs a boolean, got number"),
        .init("-'a'", column: 1, "unary '-' needs a number"),
        .init("1 && true", column: 3, "'&&' needs booleans, got number"),
        .init("args.amount.value", column: 13, "cannot read field 'value' of args.amount, a number"),
        .init("xs['a']", column: 3, "an array index must be a number, got string"),
        .init("args.charge_id[0]", column: 15, "cannot index into args.charge_id, a string"),
        .init("1 in 'abc'", column: 3, "'in' on a string needs a string on the left"),
        .init("'a' in 5", column: 5, "'in' needs an array, string or object on the right"),
        .init("lower(1)", column: 7, "lower() needs a string, got number"),
        .init("len(5)", column: 5, "len() needs a string or array or object"),
        .init("count('charges', 'x')", column: 18, "the predicate of count() must be a boolean, got string"),
        .init("all(xs, x -> x + 1)", column: 14, "the predicate of all() must be a boolean, got number"),
        .init("sum('refunds', row.charge_id == 'x')", column: 16, "the term of sum() must be a number, got boolean"),
        .init("all(xs, 1)", column: 9, "needs a lambda"),
        .init("all(5, x -> true)", column: 5, "needs a collection name or an array, got number"),
        .init("len(x -> x)", column: 5, "does not take a lambda"),
        // Constant folding catches run-time errors early.
        .init("1 / 0", column: 3, "division by zero"),
        .init("[1][0.5]", column: 4, "array index must be an integer"),
        // Syntax.
        .init("", column: 1, "empty expression"),
        .init("1 +", column: 4, "expected a value, found end of input"),
        .init("(1 + 2", column: 7, "expected ')'"),
        .init("[1, 2", column: 6, "expected ',' or ']'"),
        .init("1 2", column: 3, "unexpected number 2 after the end of the expression"),
        .init("a = 1", column: 3, "unexpected '='", suggestion: "use '=='"),
        .init("a & b", column: 3, "unexpected '&'", suggestion: "use '&&'"),
        .init("\"text\"", column: 1, "strings are written in single quotes"),
        .init("'open", column: 1, "unterminated string"),
        .init(#"'a\n'"#, column: 3, "unknown escape"),
        .init("1e", column: 1, "exponent needs digits"),
        .init("12abc", column: 3, "unexpected letter after digits"),
        .init("row.", column: 5, "expected a field name after '.'"),
        .init("x -> x", column: 3, "only allowed as a function argument"),
        .init("args.f(1)", column: 7, "only built-in functions can be called"),
        .init("1 # 2", column: 3, "unexpected character '#'"),
        .init("'é' == é", column: 8, "unexpected character 'é'"),
    ]

    @Test("compile errors name the column, the problem and a suggestion", arguments: cases)
    func compileError(_ row: CompileErrorCase) throws {
        try expectCompileError(row)
    }

    @Test("the description shows the summary, the source and a caret")
    func description() throws {
        let error = try #require(throws: ExpressionCompileError.self) {
            try CompiledExpression.compile("row.stauts == 'x'", in: exampleScope())
        }
        #expect(error.summary == "column 5: unknown field 'stauts' of row (did you mean 'status'?)")
        #expect(
            error.description == """
                column 5: unknown field 'stauts' of row (did you mean 'status'?)
                    row.stauts == 'x'
                        ^
                """)
        #expect(error.source == "row.stauts == 'x'")
        #expect(error.offset == 4)
    }

    @Test("deeply nested input is rejected instead of exhausting the stack")
    func nesting() throws {
        let deep = String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000)
        let error = try #require(throws: ExpressionCompileError.self) { try CompiledExpression.compile(deep) }
        #expect(error.message.contains("nested too deeply"))
        let negations = String(repeating: "!", count: 10_000) + "true"
        #expect(throws: ExpressionCompileError.self) { try CompiledExpression.compile(negations) }
        #expect(
            try CompiledExpression.compile(String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30))
                .evaluate() == 1)
    }

    @Test("open objects and 'any' accept unknown fields")
    func openTypes() throws {
        var scope = ExpressionScope()
        scope.declare("payload", as: .openObject)
        scope.declare("thing", as: .any)
        scope.declareCollection("anything", fields: nil)
        _ = try CompiledExpression.compile("payload.whatever.deep == thing.x[3]", in: scope)
        _ = try CompiledExpression.compile("count('anything', row.whatever == 1)", in: scope)
        _ = try CompiledExpression.compile("calls('any_tool') + len(regime('any'))", in: scope)
    }
}
