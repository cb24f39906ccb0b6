import Foundation
import Scenarios
import WorldModel

/// Argument-validation benchmarks on a shipped scenario (read from `scenarios/` relative to the
/// working directory; `simrun bench` runs from the project root): the encoder's check of a
/// tool call's arguments against the tool's input schema, which every step pays. No targets.
///
/// - `ActionEncoder.validate` of a valid ticket-triage `tickets_route` call;
/// - `JSONSchema.isValid` of the same arguments by itself;
/// - `ActionEncoder.validate` of a `tickets_list` call with a `cursor` (ignored for list tools).
package enum ValidationBenchmarks {
    /// The `validation` group; empty (with a note on standard error) when `directory` lacks
    /// ticket-triage.json.
    package static func group(directory: String = "scenarios") -> BenchmarkGroup {
        guard let triage = try? ScenarioLoader.load(contentsOf: "\(directory)/ticket-triage.json"),
            let route = triage.world.tool(named: "tickets_route"),
            let list = triage.world.tool(named: "tickets_list")
        else {
            FileHandle.standardError.write(
                Data(
                    "note: validation benchmarks skipped: \(directory)/ticket-triage.json not found (run from the project root)\n"
                        .utf8))
            return BenchmarkGroup("validation", benchmarks: [])
        }
        let routeArguments: JSON = ["ticket_id": "T-1003", "queue": "billing"]
        let routeSchema = route.inputSchema
        let listArguments: JSON = ["queue": "billing", "cursor": "c2"]
        return BenchmarkGroup(
            "validation",
            benchmarks: [
                Benchmark("ActionEncoder.validate (ticket-triage tickets_route)") {
                    blackHole(ActionEncoder.validate(routeArguments, for: route))
                },
                Benchmark("JSONSchema.isValid (ticket-triage tickets_route)") {
                    blackHole(routeSchema.isValid(routeArguments))
                },
                Benchmark("ActionEncoder.validate with cursor (ticket-triage tickets_list)") {
                    blackHole(ActionEncoder.validate(listArguments, for: list))
                },
            ])
    }
}
