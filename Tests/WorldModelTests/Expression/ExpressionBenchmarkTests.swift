import Foundation
import Testing
import WorldModel

/// A micro-benchmark, not a test: run with
/// `SIMRUN_EXPRESSION_BENCH=1 swift test -c release --filter ExpressionBenchmark`.
/// It prints ns per evaluation and asserts nothing about timing.
@Suite("ExpressionBenchmark", .enabled(if: ProcessInfo.processInfo.environment["SIMRUN_EXPRESSION_BENCH"] != nil))
struct ExpressionBenchmarkTests {
    @Test("nanoseconds per evaluation of typical expressions")
    func measure() throws {
        let scope = exampleScope()
        var bindings = exampleBindings(scope)
        let world = ExpressionTestWorld.example
        let rowSlot = try #require(scope.slot(of: "row"))
        let rows = (world.collections["charges"] ?? []).map(JSON.object)
        for source in [
            "args.charge_id",
            "row.id == args.charge_id",
            "row.id == args.charge_id && row.status == 'captured'",
            "args.amount <= get('charges', args.charge_id).amount",
            "args.amount * 2 + 1 > 100",
            "count('charges', row.status == 'captured')",
            "all(xs, x -> x > 0)",
        ] {
            let expression = try CompiledExpression.compile(source, in: scope)
            let iterations = 2_000_000
            var trueCount = 0
            let start = ContinuousClock.now
            for i in 0..<iterations {
                bindings[rowSlot] = rows[i % rows.count]
                if try expression.evaluate(world, bindings) == .bool(true) { trueCount += 1 }
            }
            let elapsed = ContinuousClock.now - start
            let ns = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
            print("bench \(source): \(Int(ns / Double(iterations))) ns/eval (true \(trueCount))")
        }
    }
}
