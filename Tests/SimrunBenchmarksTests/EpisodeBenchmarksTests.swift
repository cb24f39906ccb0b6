import Foundation
import Sandbox
import Scenarios
import SimrunBenchmarks
import Testing
import WorldModel

@Suite("Episode benchmarks")
struct EpisodeBenchmarksTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("simrun-bench-test-\(UUID().uuidString)").path
    }

    @Test("the episode group skips with no shipped scenarios")
    func skips() {
        #expect(EpisodeBenchmarks.group(directory: "/nonexistent").benchmarks.isEmpty)
    }

    @Test("traced benchmarks write JSON Lines traces with state hashes, and the tear-down deletes them")
    func tracesWrittenAndDeleted() throws {
        let directory = Self.temporaryDirectory()
        let group = EpisodeBenchmarks.group(directory: ProjectPaths.scenarios, traceDirectory: directory)
        // Building the group leaves nothing behind.
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(group.benchmarks.count == 9)
        #expect(group.comparisons.count == 5)
        let names = group.benchmarks.map(\.name)
        for comparison in group.comparisons {
            #expect(names.contains(comparison.candidate) && names.contains(comparison.baseline))
            if comparison.label.hasPrefix("traced vs untraced") {
                #expect(comparison.candidate.contains("traced") && comparison.baseline.contains("untraced"))
            }
        }
        // Per step: as many operations per run as the episode has steps.
        let episode = try #require(group.benchmarks.first { $0.name.hasPrefix("episode, traced") })
        let step = try #require(group.benchmarks.first { $0.name.hasPrefix("step of an episode, traced") })
        #expect(episode.operationsPerRun == 1)
        #expect(step.operationsPerRun > 1)
        for benchmark in group.benchmarks { benchmark.run() }

        let episodeTrace = try Trace(contentsOfFile: directory + "/crm-refund/seed-1-trial-1.jsonl")
        #expect(episodeTrace.steps.count == step.operationsPerRun)
        #expect(episodeTrace.steps.allSatisfy { $0.stateHash.count == 64 })
        #expect(episodeTrace.verdict != nil)
        // An episode still running is written beside its final name.
        let bigTrace = try String(contentsOfFile: directory + "/big-world.jsonl.partial", encoding: .utf8)
        // The header and the one step run so far.
        #expect(bigTrace.split(separator: "\n").count == 2)
        // The sweeps archive their passing episodes; the file-per-episode sweep writes seed files.
        let sweeps = directory + "/sweeps/crm-refund"
        #expect(FileManager.default.fileExists(atPath: sweeps + "/passed.jsonl"))
        #expect(
            FileManager.default.fileExists(atPath: sweeps + "/seed-\(EpisodeBenchmarks.sweepEpisodes)-trial-1.jsonl"))

        group.tearDown?()
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test("the big world is crm-refund with about 1.5 MB of data, and it still loads and plays")
    func bigWorld() throws {
        let refund = try ScenarioLoader.load(contentsOf: ProjectPaths.scenarios + "/crm-refund.json")
        let big = try #require(EpisodeBenchmarks.bigWorld(from: refund))
        #expect((1_400_000...1_700_000).contains(big.dataBytes))
        #expect(big.scenario.world.initialState.data["charges"]?.count == 5 + EpisodeBenchmarks.bigWorldExtraCharges)
        var engine = EpisodeEngine(scenario: big.scenario, seed: 1)
        let observation = engine.call(
            "crm_get_customer", arguments: ["customer_id": "C-1042"], thinkMs: 0, approved: nil)
        #expect(observation.status == 200)
    }
}

@Suite("Expression benchmarks")
struct ExpressionBenchmarksTests {
    @Test("the expression group measures every source on crm-refund's data, and skips without it")
    func group() {
        #expect(ExpressionBenchmarks.group(directory: "/nonexistent").benchmarks.isEmpty)
        let group = ExpressionBenchmarks.group(directory: ProjectPaths.scenarios)
        #expect(group.benchmarks.map(\.name) == ExpressionBenchmarks.sources.map { "evaluate \($0) (crm-refund data)" })
        for benchmark in group.benchmarks { benchmark.run() }
    }
}
