import Foundation
import Sandbox
import Scenarios
import Synchronization
import Testing
import WorldModel

@Suite("Sweeps: batched delivery")
struct SweepDeliveryTests {
    func temporaryDirectory() -> String { RunOutputFiles.temporaryDirectory("sweeps") }

    func traceFiles(_ plan: RunPlan) throws -> [String: [UInt8]] { try RunOutputFiles.traceFiles(plan) }

    func plan(_ scenario: Scenario, seeds: ClosedRange<UInt64> = 1...8, trials: Int = 1) throws -> RunPlan {
        RunPlan(
            scenario: scenario, agent: try #require(ReferenceAgent(named: "naive")), seeds: Array(seeds),
            trials: trials, traceDirectory: temporaryDirectory())
    }

    @Test("a sweep delivered in small batches hands over every outcome in plan order, as run returns them")
    func batchedDelivery() throws {
        let scenario = try loadScenario("crm-refund")
        let whole = try plan(scenario, seeds: 1...9, trials: 2)
        let batched = try plan(scenario, seeds: 1...9, trials: 2)
        let expected = try EpisodeRunner.run(whole, parallelism: 1)
        let done = Mutex<[Int]>([])
        var delivered: [EpisodeRunner.Outcome] = []
        let archiveError = try EpisodeRunner.run(
            batched, parallelism: 2, progress: { count, total in done.withLock { $0.append(count * 100 + total) } },
            deliveryBatch: 4, each: { delivered.append($0) })
        #expect(archiveError == nil)
        #expect(delivered.map(\.verdict) == expected.map(\.verdict))
        #expect(
            delivered.map { "\($0.summary.seed)/\($0.summary.trial)" }
                == expected.map {
                    "\($0.summary.seed)/\($0.summary.trial)"
                })
        #expect(try traceFiles(whole) == (try traceFiles(batched)))
        #expect(done.withLock { $0.sorted() } == (1...18).map { $0 * 100 + 18 })
    }

    @Test("a sweep of no episodes delivers nothing and runs no job")
    func emptySweep() throws {
        let scenario = try loadScenario("crm-refund")
        let empty = RunPlan(scenario: scenario, agent: .robust, seeds: [], traceDirectory: nil)
        var count = 0
        let error = try EpisodeRunner.run(empty, parallelism: 2, progress: nil, deliveryBatch: 3) { _ in count += 1 }
        #expect(error == nil)
        #expect(count == 0)
        #expect(Parallel.map(0, parallelism: 2) { _ in Issue.record("a job was run") }.isEmpty)
    }
}
