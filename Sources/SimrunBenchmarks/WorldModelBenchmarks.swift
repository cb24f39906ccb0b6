import Foundation
import Sandbox
import Scenarios
import WorldModel

/// World-model benchmarks on the shipped scenarios (read from `scenarios/` relative to the
/// working directory; `simrun bench` runs from the project root).
///
/// - latent transition steps (no faults, no rendering): a get and an update;
/// - full steps: JSON argument text parsed, validated, transitioned, decoded with the
///   scenario's faults, rendered;
/// - episode reset (a fresh `EpisodeEngine` at the initial state).
///
/// The targets (≥ 1,000,000/s per transition, ≥ 200,000/s per full step, ≤ 10 µs per reset)
/// are in thresholds.json.
package enum WorldModelBenchmarks {
    /// The shipped scenarios the group uses.
    package static let scenarioNames = [
        "crm-refund", "ticket-triage", "billing-outage", "inventory-sync", "warehouse-report",
    ]

    /// The `world-model` group; empty (with a note on standard error) when `directory` lacks the
    /// shipped scenarios.
    package static func group(directory: String = "scenarios") -> BenchmarkGroup {
        var scenarios: [String: Scenario] = [:]
        for name in scenarioNames {
            if let scenario = try? ScenarioLoader.load(contentsOf: "\(directory)/\(name).json") {
                scenarios[name] = scenario
            }
        }
        guard let refund = scenarios["crm-refund"], let triage = scenarios["ticket-triage"] else {
            FileHandle.standardError.write(
                Data(
                    "note: world-model benchmarks skipped: \(directory)/crm-refund.json or ticket-triage.json not found (run from the project root)\n"
                        .utf8))
            return BenchmarkGroup("world-model", benchmarks: [])
        }
        var benchmarks: [Benchmark] = []

        // (a) Latent transition, no faults.
        let calmRefund = refund.world.idealized()
        let calmTriage = triage.world.idealized()
        let getArguments: JSON = ["customer_id": "C-1042"]
        let getBox = StateBox(calmRefund.initialState)
        let transitionGet = "transition get (crm-refund, no faults)"
        benchmarks.append(
            Benchmark(transitionGet) {
                getBox.steps &+= 1
                blackHole(
                    calmRefund.transition(&getBox.state, tool: "crm_get_customer", arguments: getArguments, seed: 7))
            })
        let routeArguments: [JSON] = [
            ["ticket_id": "T-1003", "queue": "billing"], ["ticket_id": "T-1003", "queue": "shipping"],
        ]
        let updateBox = StateBox(calmTriage.initialState)
        let transitionUpdate = "transition update (ticket-triage, no faults)"
        benchmarks.append(
            Benchmark(transitionUpdate) {
                updateBox.steps &+= 1
                if updateBox.steps % 4096 == 0 { updateBox.state = calmTriage.initialState }
                blackHole(
                    calmTriage.transition(
                        &updateBox.state, tool: "tickets_route", arguments: routeArguments[updateBox.steps & 1], seed: 7
                    ))
            })

        // (b) Full steps with the scenario's faults (rate limits off so calls reach the service).
        let faultyRefund = withoutRateLimits(refund.world)
        let calls: [(tool: String, text: [UInt8])] = [
            ("crm_get_customer", Array(#"{"customer_id":"C-1042"}"#.utf8)),
            ("crm_get_ticket", Array(#"{"ticket_id":"T-7031"}"#.utf8)),
            ("billing_list_charges", Array(#"{"customer_id":"C-1042"}"#.utf8)),
            ("crm_get_customer", Array(#"{"customer_id":"C-9999"}"#.utf8)),
        ]
        let fullBox = StateBox(faultyRefund.initialState)
        let fullStep = "full step (crm-refund, faults on, JSON text in and out)"
        benchmarks.append(
            Benchmark(fullStep) {
                fullBox.steps &+= 1
                if fullBox.steps % 4096 == 0 { fullBox.state = faultyRefund.initialState }
                let call = calls[fullBox.steps & 3]
                let arguments = (try? JSON(parsing: call.text)) ?? .null
                blackHole(
                    faultyRefund.step(&fullBox.state, tool: call.tool, arguments: arguments, seed: 11).observation.body)
            })

        // (c) Episode reset per shipped scenario.
        for name in scenarioNames {
            guard let scenario = scenarios[name] else { continue }
            let label = "episode reset (\(name))"
            benchmarks.append(
                Benchmark(label) {
                    blackHole(EpisodeEngine(scenario: scenario, seed: 3, recordsStateHashes: false))
                })
        }
        return BenchmarkGroup("world-model", benchmarks: benchmarks)
    }

    private static func withoutRateLimits(_ world: World) -> World {
        var spec = world.spec
        for index in spec.services.indices { spec.services[index].rateLimit = nil }
        return (try? World(spec)) ?? world
    }
}

/// Mutable benchmark state shared with a benchmark closure; benchmarks run on one thread.
/// Access is not checked for exclusivity: the runtime check on every step would be measured
/// with the step.
private final class StateBox: @unchecked Sendable {
    @exclusivity(unchecked) var state: WorldState
    @exclusivity(unchecked) var steps = 0
    init(_ state: WorldState) { self.state = state }
}
