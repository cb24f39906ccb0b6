import Testing
import WorldModel

/// docs/scenario-format.md: "A first argument that is a collection name means the collection's
/// rows (with `row` bound, or the lambda's parameter)" — for every collection function alike.
@Suite("Collection functions take a collection name as their first argument")
struct ExpressionCollectionNameTests {
    static let cases: [ExpressionCase] = [
        // count with one argument: how many rows (or elements).
        .init("count('charges')", 3),
        .init("count('notes')", 0),
        .init("count('char' + 'ges')", 3),
        .init("count(xs)", 5),
        .init("count([])", 0),
        // map over a collection: the lambda's parameter, or `row`, is the row.
        .init("map('refunds', r -> r.amount)", [120.0]),
        .init("map('charges', c -> c.id)", ["CH-1", "CH-2", "CH-3"]),
        .init("map('charges', row.status)", ["captured", "refunded", "captured"]),
        .init("map('notes', n -> n.id)", []),
        .init("len(map('charges', c -> c.amount > 100))", 3),
        // filter, any, all, sum: `row` or a lambda, the same rows.
        .init("len(filter('charges', row.status == 'captured'))", 2),
        .init("len(filter('charges', c -> c.status == 'captured'))", 2),
        .init("any('charges', row.amount < 50)", true),
        .init("all('charges', c -> c.amount >= 30)", true),
        .init("sum('charges', c -> c.amount)", 270.0),
        .init("sum('charges', c -> c.amount, row.customer_id == 'C-7')", 30),
        .init("sum('charges', row.amount, c -> c.customer_id == 'C-7')", 30),
    ]

    @Test("compiles and evaluates over the collection's rows", arguments: cases)
    func evaluates(_ row: ExpressionCase) throws {
        let value = try evaluateExample(row.source)
        #expect(value.canonicalText == row.expected.canonicalText, "\(row.source)")
    }

    static let errors: [CompileErrorCase] = [
        .init("map('refnds', r -> r.amount)", column: 5, "unknown collection 'refnds'", suggestion: "'refunds'"),
        .init("map('refunds', r -> r.amout)", column: 23, "unknown field 'amout'", suggestion: "'amount'"),
        .init("map('refunds', row.amout)", column: 20, "unknown field 'amout' of row", suggestion: "'amount'"),
        .init("count('chargs')", column: 7, "unknown collection 'chargs'", suggestion: "'charges'"),
        .init("count(5)", column: 7, "count() needs a collection name or an array, got number"),
        .init("sum('charges', c -> c.id == 'x')", column: 21, "the term of sum() must be a number, got boolean"),
    ]

    @Test("a misspelt collection or field is still a compile error", arguments: errors)
    func compileError(_ row: CompileErrorCase) throws {
        do {
            _ = try CompiledExpression.compile(row.source, in: exampleScope())
            Issue.record("\(row.source) compiled")
        } catch {
            #expect(error.column == row.column, "\(row.source): \(error)")
            #expect(error.message.contains(row.message), "\(row.source): \(error)")
            if let suggestion = row.suggestion {
                #expect(error.suggestion?.contains(suggestion) == true, "\(row.source): \(error)")
            }
        }
    }
}
