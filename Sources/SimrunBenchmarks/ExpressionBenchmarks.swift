import Foundation
import Scenarios
import WorldModel

/// Expression evaluation on crm-refund's data (read from `scenarios/` relative to the working
/// directory): the shapes scenario authors write in preconditions, checks and solutions, each
/// compiled once and evaluated against a charge row and refund arguments. No targets: the figures
/// show what one evaluation costs next to a whole step.
package enum ExpressionBenchmarks {
    /// The expressions measured, in order.
    package static let sources = [
        "args.charge_id",
        "row.id == args.charge_id",
        "row.id == args.charge_id && row.status == 'captured'",
        "args.amount <= get('charges', args.charge_id).amount",
        "args.amount * 2 + 1 > 100",
        "count('charges', row.status == 'captured')",
        "all(xs, x -> x > 0)",
    ]

    /// The `expression` group; empty (with a note on standard error) when `directory` lacks
    /// crm-refund.json.
    package static func group(directory: String = "scenarios") -> BenchmarkGroup {
        guard let refund = try? ScenarioLoader.load(contentsOf: "\(directory)/crm-refund.json"),
            let context = DocumentContext(refund.document)
        else {
            FileHandle.standardError.write(
                Data(
                    "note: expression benchmarks skipped: \(directory)/crm-refund.json not found (run from the project root)\n"
                        .utf8))
            return BenchmarkGroup("expression", benchmarks: [])
        }
        var scope = ExpressionScope()
        let rowSlot = scope.declare("row", as: .openObject)
        scope.declare("args", as: .openObject)
        scope.declare("xs", as: .array(.number))
        for (name, rows) in context.collections {
            scope.declareCollection(name, fields: rows.first.map { Array($0.keys) })
        }
        let charges = (context.collections.first { $0.name == "charges" }?.rows ?? []).map(JSON.object)
        guard !charges.isEmpty else { preconditionFailure("crm-refund has no charges") }
        var bindings = scope.makeBindings()
        bindings["args"] = ["charge_id": "CH-55917", "amount": 120.0]
        bindings["xs"] = [3, 1, 4, 1, 5]
        var benchmarks: [Benchmark] = []
        for source in sources {
            // The sources are fixed and valid against this scope; a failure is a bug in this file.
            guard let expression = try? CompiledExpression.compile(source, in: scope) else {
                preconditionFailure("benchmark expression \(source) does not compile")
            }
            for row in charges {
                var probe = bindings
                probe[rowSlot] = row
                guard (try? expression.evaluate(context, probe)) != nil else {
                    preconditionFailure("benchmark expression \(source) fails on \(row)")
                }
            }
            let box = BindingsBox(bindings)
            benchmarks.append(
                Benchmark("evaluate \(source) (crm-refund data)") {
                    box.index &+= 1
                    box.bindings[rowSlot] = charges[box.index % charges.count]
                    blackHole(try? expression.evaluate(context, box.bindings))
                })
        }
        return BenchmarkGroup("expression", benchmarks: benchmarks)
    }
}

/// A scenario's initial data, read from its document, as the expression language sees it.
private struct DocumentContext: ExpressionContext {
    final class Storage: Sendable {
        let collections: [(name: String, rows: [JSONObject])]
        init(_ collections: [(name: String, rows: [JSONObject])]) { self.collections = collections }
    }

    let storage: Storage
    var collections: [(name: String, rows: [JSONObject])] { storage.collections }

    init?(_ document: JSON) {
        guard case .object(let data)? = document["data"] else { return nil }
        storage = Storage(
            data.members.map { member in (member.key, member.value.arrayValue?.compactMap(\.objectValue) ?? []) })
    }

    func rows(in collection: String) -> [JSONObject]? { collections.first { $0.name == collection }?.rows }
    func lastCreated(in collection: String) -> JSONObject? { rows(in: collection)?.last }
    var nowMilliseconds: Int64 { 0 }
    func regime(of service: String) -> String? { nil }
    func callCount(of tool: String) -> Int { 0 }
}

/// Bindings changed by a benchmark closure; benchmarks run on one thread.
private final class BindingsBox: @unchecked Sendable {
    @exclusivity(unchecked) var bindings: ExpressionBindings
    @exclusivity(unchecked) var index = 0
    init(_ bindings: ExpressionBindings) { self.bindings = bindings }
}
