import Foundation
import Sandbox
import Scenarios
import WorldModel

/// Whole episodes and steps with and without a trace, on shipped scenarios (read from
/// `scenarios/` relative to the working directory; `simrun bench` runs from the project root).
///
/// A traced step pays what an untraced one does not: the SHA-256 of the whole latent state,
/// recorded in the step, and one JSON Lines write. Each traced benchmark is reported beside the
/// same work untraced, measured in the same run:
///
/// - an episode of crm-refund played by the robust reference agent, as `simrun run` plays it
///   (`EpisodeRunner.play`: header, steps, verdict), per episode and per step;
/// - a 200-seed traced sweep (`EpisodeRunner.run`) with the passing episodes archived, at one
///   and two jobs, and the same sweep with a file per episode, per episode;
/// - one `crm_get_customer` step on a big world: crm-refund with generated charges added until
///   its data is about 1.5 MB, so the cost of hashing a large state shows.
///
/// Traces go to a fresh directory under the temporary directory, deleted after the group runs.
package enum EpisodeBenchmarks {
    /// The agent that plays the episode benchmarks.
    package static let agentName = "robust"
    /// How many episodes each sweep benchmark plays.
    package static let sweepEpisodes = 200
    /// How many charges the big world gets beyond crm-refund's own.
    package static let bigWorldExtraCharges = 8_600

    /// The `episode` group; empty (with a note on standard error) when `directory` lacks
    /// crm-refund.json. Traces go under `traceDirectory` (by default a fresh directory under the
    /// temporary directory), which the group's tear-down deletes.
    package static func group(directory: String = "scenarios", traceDirectory: String? = nil) -> BenchmarkGroup {
        guard let refund = try? ScenarioLoader.load(contentsOf: "\(directory)/crm-refund.json"),
            let agent = ReferenceAgent(named: agentName)
        else {
            note("episode benchmarks skipped: \(directory)/crm-refund.json not found (run from the project root)")
            return BenchmarkGroup("episode", benchmarks: [])
        }
        let traceDirectory =
            traceDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("simrun-bench-\(UUID().uuidString)").path
        var benchmarks: [Benchmark] = []
        var comparisons: [BenchmarkComparison] = []
        var tracedBoxes: [EngineBox] = []

        // (a) Whole episodes, as `simrun run` plays them.
        let untracedPlan = RunPlan(scenario: refund, agent: agent, seeds: [1])
        let tracedPlan = RunPlan(scenario: refund, agent: agent, seeds: [1], traceDirectory: traceDirectory)
        let steps = stepCount(untracedPlan)
        // One traced episode now, to skip the group with a note when traces cannot be written; its
        // directory goes again at once, so a suite that skips the group leaves nothing behind.
        let traceError = EpisodeRunner.play(tracedPlan, seed: 1, trial: 1).traceError
        try? FileManager.default.removeItem(atPath: traceDirectory)
        if let traceError {
            note("episode benchmarks skipped: cannot write a trace under \(traceDirectory): \(traceError)")
            return BenchmarkGroup("episode", benchmarks: [])
        }
        let untracedEpisode = "episode, untraced (crm-refund, \(agentName) agent)"
        let tracedEpisode = "episode, traced (crm-refund, \(agentName) agent)"
        let untracedStep = "step of an episode, untraced (crm-refund, \(agentName) agent)"
        let tracedStep = "step of an episode, traced (crm-refund, \(agentName) agent)"
        benchmarks += [
            Benchmark(untracedEpisode) { blackHole(EpisodeRunner.play(untracedPlan, seed: 1, trial: 1).verdict) },
            Benchmark(tracedEpisode) { blackHole(EpisodeRunner.play(tracedPlan, seed: 1, trial: 1).verdict) },
            Benchmark(untracedStep, operationsPerRun: steps) {
                blackHole(EpisodeRunner.play(untracedPlan, seed: 1, trial: 1).verdict)
            },
            Benchmark(tracedStep, operationsPerRun: steps) {
                blackHole(EpisodeRunner.play(tracedPlan, seed: 1, trial: 1).verdict)
            },
        ]
        comparisons += [
            BenchmarkComparison(
                "traced vs untraced episode (crm-refund, \(steps) steps: state hash and trace line per step)",
                candidate: tracedEpisode, baseline: untracedEpisode),
            BenchmarkComparison(
                "traced vs untraced step of an episode (crm-refund)", candidate: tracedStep, baseline: untracedStep),
        ]

        // (b) Traced sweeps, as `simrun run --seeds` plays them: passing episodes into one archive
        // at one and two jobs, and the same sweep with a file per episode.
        let sweepSeeds = Array(UInt64(1)...UInt64(sweepEpisodes))
        let sweepDirectory = traceDirectory + "/sweeps"
        func sweep(archive: Bool, jobs: Int) -> @Sendable () -> Void {
            let plan = RunPlan(
                scenario: refund, agent: agent, seeds: sweepSeeds, traceDirectory: sweepDirectory,
                archivesPassingEpisodes: archive)
            return { blackHole(try? EpisodeRunner.run(plan, parallelism: jobs).count) }
        }
        let sweepLabel = "\(sweepEpisodes)-seed crm-refund sweep, traced"
        let archiveOne = "episode of a \(sweepLabel), archive, 1 job"
        let archiveTwo = "episode of a \(sweepLabel), archive, 2 jobs"
        let filesOne = "episode of a \(sweepLabel), a file per episode, 1 job"
        benchmarks += [
            Benchmark(archiveOne, operationsPerRun: sweepEpisodes, run: sweep(archive: true, jobs: 1)),
            Benchmark(archiveTwo, operationsPerRun: sweepEpisodes, run: sweep(archive: true, jobs: 2)),
            Benchmark(filesOne, operationsPerRun: sweepEpisodes, run: sweep(archive: false, jobs: 1)),
        ]
        comparisons += [
            BenchmarkComparison(
                "sweep throughput, 2 jobs vs 1 (\(sweepLabel); other load on the machine shows here)",
                candidate: archiveTwo, baseline: archiveOne),
            BenchmarkComparison(
                "sweep output, one archive vs a file per episode (\(sweepLabel), 1 job)", candidate: archiveOne,
                baseline: filesOne),
        ]

        // (c) One step on a big world.
        if let big = bigWorld(from: refund) {
            let tracedBox = EngineBox(scenario: big.scenario, tracePath: "\(traceDirectory)/big-world.jsonl")
            let untracedBox = EngineBox(scenario: big.scenario, tracePath: nil)
            let label = "crm-refund + \(bigWorldExtraCharges) charges, \(megabytes(big.dataBytes)) MB data"
            let untracedBig = "step on a big world, untraced (\(label))"
            let tracedBig = "step on a big world, traced (\(label))"
            tracedBoxes.append(tracedBox)
            benchmarks += [
                Benchmark(untracedBig) { untracedBox.step() },
                Benchmark(tracedBig) { tracedBox.step() },
            ]
            comparisons.append(
                BenchmarkComparison(
                    "traced vs untraced step on a big world (\(label))", candidate: tracedBig, baseline: untracedBig))
        }
        let boxes = tracedBoxes
        return BenchmarkGroup(
            "episode", benchmarks: benchmarks, comparisons: comparisons,
            tearDown: {
                for box in boxes {
                    if let failure = box.failure { note("the big-world trace could not be written: \(failure)") }
                }
                try? FileManager.default.removeItem(atPath: traceDirectory)
            })
    }

    /// The number of calls one episode of `plan` makes (episodes are deterministic).
    static func stepCount(_ plan: RunPlan) -> Int {
        guard let seed = plan.seeds.first else { return 1 }
        var engine = EpisodeEngine(scenario: plan.scenario, seed: seed, recordsStateHashes: false)
        _ = plan.agent.play(&engine)
        return max(1, engine.steps.count)
    }

    /// crm-refund with `bigWorldExtraCharges` more charges (copies of its first charge under new
    /// ids, of another customer than the task's), with no faults, and the size of its data as
    /// canonical JSON.
    package static func bigWorld(from scenario: Scenario) -> (scenario: Scenario, dataBytes: Int)? {
        guard case .object(var document) = scenario.document, case .object(var data)? = document["data"],
            case .array(var charges)? = data["charges"], case .object(let template)? = charges.first
        else { return nil }
        charges.reserveCapacity(charges.count + bigWorldExtraCharges)
        for index in 0..<bigWorldExtraCharges {
            var row = template
            row["id"] = .string("CH-BIG-\(index)")
            row["order_id"] = .string("O-BIG-\(index)")
            row["customer_id"] = "C-2210"
            row["amount"] = .double(Double(index % 10_000) / 100 + 1)
            charges.append(.object(row))
        }
        data["charges"] = .array(charges)
        document["data"] = .object(data)
        guard var big = try? ScenarioLoader.load(.object(document), file: "crm-refund (big world)") else {
            return nil
        }
        big.world = big.world.idealized()
        return (big, JSON.object(data).canonicalBytes.count)
    }

    static func note(_ text: String) {
        FileHandle.standardError.write(Data("note: \(text)\n".utf8))
    }

    static func megabytes(_ bytes: Int) -> String {
        BenchmarkReport.fixed(Double(bytes) / 1_000_000, digits: 1)
    }
}

/// An episode engine stepped by a benchmark, started on the first step (so building the suite
/// writes nothing) and started over, with a fresh trace, every `restartEvery` steps so the
/// episode's records stay small. Benchmarks run on one thread.
private final class EngineBox: @unchecked Sendable {
    static let restartEvery = 256
    static let arguments: JSON = ["customer_id": "C-1042"]
    let scenario: Scenario
    let tracePath: String?
    @exclusivity(unchecked) var engine: EpisodeEngine?
    @exclusivity(unchecked) var steps = 0
    /// The first failure to write the trace, if any (the box then goes on hashing without writing).
    @exclusivity(unchecked) var failure: TraceWriteError?

    init(scenario: Scenario, tracePath: String?) {
        self.scenario = scenario
        self.tracePath = tracePath
    }

    func start() -> EpisodeEngine {
        var engine = EpisodeEngine(scenario: scenario, seed: 5, recordsStateHashes: tracePath != nil)
        if let tracePath {
            let header = TraceHeader(
                scenario: scenario, seed: 5, agent: .embedded, trial: 1, policy: .permissive, thinkTime: .explicit)
            do throws(TraceWriteError) {
                engine.traceWriter = try TraceWriter(path: tracePath, header: header)
            } catch {
                failure = failure ?? error
            }
        }
        return engine
    }

    func step() {
        steps += 1
        if engine == nil || steps % Self.restartEvery == 0 {
            _ = engine?.finish(answer: nil)
            engine = start()
        }
        blackHole(engine?.call("crm_get_customer", arguments: Self.arguments, thinkMs: 1000, approved: nil))
        if let error = engine?.traceError, failure == nil { failure = error }
    }
}
