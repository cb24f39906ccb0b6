import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

@Suite("Episode runs are deterministic")
struct RunnerDeterminismTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("simrun-runs-\(UUID().uuidString)").path
    }

    /// Every trace file of a run, by path relative to the run's trace directory.
    func traceFiles(_ plan: RunPlan) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for seed in plan.seeds {
            for trial in 1...plan.trials {
                let path = try #require(plan.tracePath(seed: seed, trial: trial))
                files["\(seed)/\(trial)"] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        }
        return files
    }

    func plan(_ scenario: Scenario, agent: String = "robust", seeds: ClosedRange<UInt64> = 1...6, trials: Int = 2)
        throws -> RunPlan
    {
        RunPlan(
            scenario: scenario, agent: try #require(ReferenceAgent(named: agent)), seeds: Array(seeds), trials: trials,
            traceDirectory: temporaryDirectory())
    }

    @Test("the same run twice writes byte-identical traces and verdicts")
    func sameRunTwice() throws {
        let scenario = try loadScenario("billing-outage")
        let first = try plan(scenario)
        let second = try plan(scenario)
        let a = EpisodeRunner.run(first, parallelism: 2)
        let b = EpisodeRunner.run(second, parallelism: 2)

        #expect(a.map(\.verdict) == b.map(\.verdict))
        let filesA = try traceFiles(first)
        #expect(filesA.count == 12)
        #expect(filesA == (try traceFiles(second)))
        #expect(a.allSatisfy { $0.traceError == nil })
    }

    @Test("parallelism 1 and 2 give identical outcomes, in seed order, and identical traces")
    func parallelism() throws {
        let scenario = try loadScenario("inventory-sync")
        let serialPlan = try plan(scenario, agent: "naive")
        let parallelPlan = try plan(scenario, agent: "naive")
        let serial = EpisodeRunner.run(serialPlan, parallelism: 1)
        let parallel = EpisodeRunner.run(parallelPlan, parallelism: 2)

        #expect(serial.map { "\($0.summary.seed)/\($0.summary.trial)" } == (1...6).flatMap { ["\($0)/1", "\($0)/2"] })
        #expect(serial.map(\.verdict) == parallel.map(\.verdict))
        func withoutPaths(_ outcomes: [EpisodeRunner.Outcome]) -> [EpisodeSummary] {
            outcomes.map {
                var summary = $0.summary
                summary.tracePath = nil
                summary.replayCommand = ""
                return summary
            }
        }
        #expect(withoutPaths(serial) == withoutPaths(parallel))
        #expect(try traceFiles(serialPlan) == (try traceFiles(parallelPlan)))
    }

    @Test("different seeds and trials meet different worlds")
    func seedsDiffer() throws {
        let scenario = try loadScenario("crm-refund")
        let run = try plan(scenario, seeds: 1...4)
        _ = EpisodeRunner.run(run, parallelism: 2)
        let files = try traceFiles(run)
        func steps(_ key: String) throws -> [TraceStep] {
            try Trace(
                contentsOfFile: try #require(run.tracePath(seed: UInt64(key.prefix(1))!, trial: Int(key.suffix(1))!))
            ).steps
        }
        let distinct = Set(try files.keys.map { try steps($0).map(\.body) + steps($0).map { "\($0.latencyMs)" } })
        #expect(distinct.count == files.count, "every seed and trial should see its own latencies and bodies")
        #expect(RunPlan.worldSeed(seed: 1, trial: 1) == 1)
        #expect(RunPlan.worldSeed(seed: 1, trial: 2) != RunPlan.worldSeed(seed: 2, trial: 2))
    }

    @Test("an episode played by the runner matches the same agent played on an engine by hand")
    func runnerMatchesEngine() throws {
        let scenario = try loadScenario("warehouse-report")
        let agent = try #require(ReferenceAgent(named: "robust"))
        let outcome = EpisodeRunner.play(RunPlan(scenario: scenario, agent: agent, seeds: [9]), seed: 9, trial: 1)
        var engine = EpisodeEngine(scenario: scenario, seed: 9, recordsStateHashes: false)
        let answer = agent.play(&engine)
        #expect(engine.verdict(answer: answer) == outcome.verdict)
        #expect(outcome.summary.replayCommand.contains("--seed 9"))
    }
}
