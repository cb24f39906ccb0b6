import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

@Suite("Episode runs are deterministic")
struct RunnerDeterminismTests {
    func temporaryDirectory() -> String { RunOutputFiles.temporaryDirectory("runs") }

    func traceFiles(_ plan: RunPlan) throws -> [String: [UInt8]] { try RunOutputFiles.traceFiles(plan) }

    func plan(
        _ scenario: Scenario, agent: String = "robust", seeds: ClosedRange<UInt64> = 1...6, trials: Int = 2,
        archives: Bool? = nil
    ) throws -> RunPlan {
        RunPlan(
            scenario: scenario, agent: try #require(ReferenceAgent(named: agent)), seeds: Array(seeds), trials: trials,
            traceDirectory: temporaryDirectory(), archivesPassingEpisodes: archives)
    }

    @Test("the same run twice writes byte-identical traces and verdicts")
    func sameRunTwice() throws {
        let scenario = try loadScenario("billing-outage")
        let first = try plan(scenario)
        let second = try plan(scenario)
        let a = try EpisodeRunner.run(first, parallelism: 2)
        let b = try EpisodeRunner.run(second, parallelism: 2)

        #expect(a.map(\.verdict) == b.map(\.verdict))
        let filesA = try traceFiles(first)
        #expect(filesA.keys.sorted() == ["passed.index.jsonl", "passed.jsonl"])
        #expect(filesA == (try traceFiles(second)))
        #expect(a.allSatisfy { $0.traceError == nil })
    }

    @Test("parallelism 1 and 2 give identical outcomes, in seed order, and identical traces")
    func parallelism() throws {
        let scenario = try loadScenario("inventory-sync")
        let serialPlan = try plan(scenario, agent: "naive")
        let parallelPlan = try plan(scenario, agent: "naive")
        let serial = try EpisodeRunner.run(serialPlan, parallelism: 1)
        let parallel = try EpisodeRunner.run(parallelPlan, parallelism: 2)

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

    @Test("a sweep writes failing episodes to their own files and passing ones to the archive, for any parallelism")
    func archive() throws {
        let scenario = try loadScenario("crm-refund")
        let serialPlan = try plan(scenario, agent: "naive", seeds: 1...12, trials: 1)
        let parallelPlan = try plan(scenario, agent: "naive", seeds: 1...12, trials: 1)
        let serial = try EpisodeRunner.run(serialPlan, parallelism: 1)
        let parallel = try EpisodeRunner.run(parallelPlan, parallelism: 2)
        let files = try traceFiles(serialPlan)
        #expect(files == (try traceFiles(parallelPlan)))
        let failing = serial.filter { !$0.summary.passed }
        let passing = serial.filter(\.summary.passed)
        #expect(!failing.isEmpty && !passing.isEmpty, "naive crm-refund should both pass and fail in 12 seeds")
        #expect(files.count == failing.count + 2)
        let archivePath = try #require(serialPlan.archivePath)
        for outcome in serial {
            let summary = outcome.summary
            let alone = try #require(serialPlan.tracePath(seed: summary.seed, trial: 1))
            #expect(outcome.traceError == nil)
            if summary.passed {
                #expect(!FileManager.default.fileExists(atPath: alone))
                #expect(summary.tracePath == archivePath)
                #expect(summary.replayCommand.hasSuffix("passed.jsonl --seed \(summary.seed) --trial 1"))
                // An archived episode reads back as the same bytes it would have had alone.
                let trace = try TraceArchive.trace(archive: archivePath, seed: summary.seed, trial: 1)
                #expect(trace.verdict == outcome.verdict)
                let again = EpisodeRunner.play(
                    try plan(scenario, agent: "naive", seeds: summary.seed...summary.seed, trials: 1),
                    seed: summary.seed, trial: 1)
                #expect(
                    trace.bytes
                        == [UInt8](try Data(contentsOf: URL(fileURLWithPath: try #require(again.summary.tracePath)))))
            } else {
                #expect(summary.tracePath == alone)
                #expect(try Trace(contentsOfFile: alone).verdict == outcome.verdict)
            }
        }
        #expect(throws: TraceReadError.self) { try TraceArchive.trace(archive: archivePath, seed: 99, trial: 1) }
        #expect(throws: TraceReadError.self) {
            try TraceArchive.trace(archive: archivePath + ".nope", seed: 1, trial: 1)
        }
        #expect(
            parallel.map(\.summary.replayCommand).map {
                $0.replacingOccurrences(of: parallelPlan.traceDirectory!, with: "D")
            }
                == serial.map(\.summary.replayCommand).map {
                    $0.replacingOccurrences(of: serialPlan.traceDirectory!, with: "D")
                })
    }

    @Test("a sweep killed part-way leaves only .partial archive files")
    func archiveWithoutFinish() throws {
        let directory = temporaryDirectory()
        let path = directory + "/passed.jsonl"
        do {
            let writer = try TraceArchiveWriter(path: path)
            writer.submit(position: 1, seed: 2, trial: 1, bytes: Array("{}\n".utf8))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: TraceArchive.indexPath(for: path)))
        #expect(FileManager.default.fileExists(atPath: path + ".partial"))
        #expect(throws: TraceReadError.self) { try TraceArchive.trace(archive: path, seed: 2, trial: 1) }
    }

    @Test("different seeds and trials meet different worlds")
    func seedsDiffer() throws {
        let scenario = try loadScenario("crm-refund")
        let run = try plan(scenario, seeds: 1...4, archives: false)
        _ = try EpisodeRunner.run(run, parallelism: 2)
        let episodes = run.seeds.flatMap { seed in (1...run.trials).map { (seed, $0) } }
        let traces = try episodes.map { seed, trial in
            try Trace(contentsOfFile: try #require(run.tracePath(seed: seed, trial: trial))).steps
        }
        let distinct = Set(traces.map { $0.map(\.body) + $0.map { "\($0.latencyMs)" } })
        #expect(distinct.count == episodes.count, "every seed and trial should see its own latencies and bodies")
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
