import Dispatch
import Foundation
import Scenarios
import WorldModel

/// What to run: a scenario, an agent, which seeds and how many trials, under which policy, and
/// where traces go.
public struct RunPlan: Sendable {
    /// The scenario (fault selection already applied; its `faultProvenance` goes in the trace
    /// headers).
    public var scenario: Scenario
    /// The built-in agent that plays each episode.
    public var agent: ReferenceAgent
    /// The seeds, in order.
    public var seeds: [UInt64]
    /// Trials per seed (k of pass^k).
    public var trials: Int
    /// Scopes and approvals (`callback` approvals are not available to built-in runs).
    public var policy: EpisodePolicy
    /// Where traces are written (`DIR/<scenario>/seed-<s>-trial-<t>.jsonl`); `nil` writes none.
    public var traceDirectory: String?
    /// Whether `EpisodeRunner.run` stores passing episodes in one archive
    /// (`DIR/<scenario>/passed.jsonl`, see `archivePath`) instead of a file each; failing
    /// episodes always get their own file. By default a plan of more than one episode does.
    public var archivesPassingEpisodes: Bool

    /// Creates a plan.
    public init(
        scenario: Scenario, agent: ReferenceAgent, seeds: [UInt64], trials: Int = 1,
        policy: EpisodePolicy = .permissive, traceDirectory: String? = nil, archivesPassingEpisodes: Bool? = nil
    ) {
        self.scenario = scenario
        self.agent = agent
        self.seeds = seeds
        self.trials = max(1, trials)
        self.policy = policy
        self.traceDirectory = traceDirectory
        self.archivesPassingEpisodes = archivesPassingEpisodes ?? (seeds.count * max(1, trials) > 1)
    }

    /// The world seed of a trial: the seed itself for trial 1, a seed derived from it for later
    /// trials, so each trial meets another draw of the same world.
    public static func worldSeed(seed: UInt64, trial: Int) -> UInt64 {
        guard trial > 1 else { return seed }
        var stream = RandomStream(seed: seed, key: ["trial", StreamKey(trial)])
        return stream.next()
    }

    /// The trace path of one episode.
    public func tracePath(seed: UInt64, trial: Int) -> String? {
        traceDirectory.map { "\($0)/\(scenario.name)/seed-\(seed)-trial-\(trial).jsonl" }
    }

    /// The archive of passing episodes (`DIR/<scenario>/passed.jsonl`), when the plan writes one.
    public var archivePath: String? {
        guard archivesPassingEpisodes else { return nil }
        return traceDirectory.map { "\($0)/\(scenario.name)/passed.jsonl" }
    }
}

/// Runs a plan's episodes, in parallel on all cores, with results identical to a serial run.
public enum EpisodeRunner {
    /// One finished episode.
    public struct Outcome: Sendable {
        /// The episode's summary (for scorecards).
        public var summary: EpisodeSummary
        /// The verdict.
        public var verdict: Verdict
        /// Why the trace could not be written, if it could not; the summary then names no
        /// trace and no replay command.
        public var traceError: TraceWriteError?
    }

    /// Plays one episode of `plan` and writes its trace to its own file.
    public static func play(_ plan: RunPlan, seed: UInt64, trial: Int) -> Outcome {
        play(plan, seed: seed, trial: trial, archive: nil).outcome
    }

    /// Plays one episode. With an archive, the trace is kept in memory and written when the
    /// verdict is known: a failing episode to its own file, a passing one returned as bytes for
    /// the archive (its summary already names the archive).
    static func play(_ plan: RunPlan, seed: UInt64, trial: Int, archive: String?) -> (
        outcome: Outcome, archived: [UInt8]?
    ) {
        let worldSeed = RunPlan.worldSeed(seed: seed, trial: trial)
        var engine = EpisodeEngine(
            scenario: plan.scenario, seed: worldSeed, policy: plan.policy,
            recordsStateHashes: plan.traceDirectory != nil)
        var traceError: TraceWriteError?
        var path = plan.tracePath(seed: seed, trial: trial)
        let header = TraceHeader(
            scenario: plan.scenario, seed: seed, agent: plan.agent.kind, trial: trial, policy: plan.policy,
            thinkTime: .explicit)
        if let tracePath = path, archive == nil {
            do throws(TraceWriteError) {
                engine.traceWriter = try TraceWriter(path: tracePath, header: header)
            } catch {
                traceError = error
            }
        }
        let answer = plan.agent.play(&engine)
        let verdict = engine.finish(answer: answer)
        if let error = engine.traceError { traceError = error }
        var archived: [UInt8]?
        var replayCommand: String?
        if let archive, path != nil {
            let trace = Trace(header: header, steps: engine.steps, verdict: verdict)
            if verdict.passed {
                archived = trace.bytes
                path = archive
                replayCommand = TraceArchive.replayCommand(archive: archive, seed: seed, trial: trial)
            } else if let tracePath = path {
                do throws(TraceWriteError) {
                    try TraceWriter.writeComplete(trace, to: tracePath)
                } catch {
                    traceError = error
                }
            }
        }
        if traceError != nil { path = nil }
        let summary = EpisodeSummary(
            scenario: plan.scenario.name, seed: seed, trial: trial, passed: verdict.passed,
            failedChecks: verdict.failedChecks, callLatenciesMs: engine.steps.map(\.latencyMs),
            faultsFired: engine.steps.flatMap(\.faults), virtualTimeMs: verdict.virtualTimeMs, tracePath: path,
            replayCommand: replayCommand ?? path.map(EpisodeSummary.replayCommand(forTrace:))
                ?? (traceError != nil ? "" : rerunCommand(plan, seed: seed))
        )
        return (Outcome(summary: summary, verdict: verdict, traceError: traceError), archived)
    }

    /// Plays every episode of `plan` (seeds × trials, in that order) using up to `parallelism`
    /// threads; `progress` is called (from any thread) after each episode with the number done.
    ///
    /// With a trace directory, the run holds it for its whole duration (see `TraceWriteError
    /// .directoryInUse`): it throws before playing anything when the directory cannot be
    /// created or another run holds it. A trace that fails later is reported in its outcome.
    public static func run(
        _ plan: RunPlan, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws(TraceWriteError) -> [Outcome] {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(plan.seeds.count * plan.trials)
        let archiveError = try run(plan, parallelism: parallelism, progress: progress) { outcomes.append($0) }
        if let error = archiveError, let archivePath = plan.archivePath {
            // The archive stays `.partial`: no archived episode has a usable trace.
            for index in outcomes.indices where outcomes[index].summary.tracePath == archivePath {
                outcomes[index].traceError = error
                outcomes[index].summary.tracePath = nil
                outcomes[index].summary.replayCommand = ""
            }
        }
        return outcomes
    }

    /// How many episodes a sweep plays between two deliveries to `run(_:parallelism:progress:each:)`'s
    /// `each`: what it holds at most besides the caller's own aggregates.
    package static let deliveryBatch = 4096

    /// Plays every episode of `plan` like `run(_:parallelism:progress:)`, but hands each outcome
    /// to `each` (on the calling thread, in plan order) instead of keeping them all: a sweep of
    /// any length holds at most `deliveryBatch` outcomes, so a caller that keeps aggregates
    /// (`Scorecard.Tally`) runs in bounded memory.
    ///
    /// Returns the failure to write the archive of passing episodes (`RunPlan.archivePath`),
    /// known only at the end: the archive then stays `.partial`, and the outcomes already handed
    /// over that name it as their trace have no usable trace after all.
    @discardableResult
    public static func run(
        _ plan: RunPlan, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int, Int) -> Void)? = nil, each: (Outcome) -> Void
    ) throws(TraceWriteError) -> TraceWriteError? {
        try run(plan, parallelism: parallelism, progress: progress, deliveryBatch: deliveryBatch, each: each)
    }

    /// `run(_:parallelism:progress:each:)` delivering every `deliveryBatch` episodes (tests use
    /// small batches to cover the boundaries).
    package static func run(
        _ plan: RunPlan, parallelism: Int, progress: (@Sendable (Int, Int) -> Void)?, deliveryBatch: Int,
        each: (Outcome) -> Void
    ) throws(TraceWriteError) -> TraceWriteError? {
        precondition(deliveryBatch > 0, "a sweep delivers at least one episode at a time")
        var lock: TraceDirectoryLock?
        if let directory = plan.traceDirectory { lock = try TraceDirectoryLock(directory: directory) }
        defer { withExtendedLifetime(lock) {} }
        let jobs = plan.seeds.flatMap { seed in (1...plan.trials).map { (seed, $0) } }
        let archivePath = plan.archivePath
        let archive = try archivePath.map { path throws(TraceWriteError) in try TraceArchiveWriter(path: path) }
        var start = 0
        while start < jobs.count {
            let batch = start..<min(start + deliveryBatch, jobs.count)
            var batchProgress: (@Sendable (Int, Int) -> Void)?
            if let progress {
                let offset = start
                let total = jobs.count
                batchProgress = { done, _ in progress(offset + done, total) }
            }
            let outcomes = Parallel.map(batch.count, parallelism: parallelism, progress: batchProgress) { offset in
                let index = batch.lowerBound + offset
                let (seed, trial) = jobs[index]
                guard let archive, let archivePath else { return play(plan, seed: seed, trial: trial) }
                let (outcome, bytes) = play(plan, seed: seed, trial: trial, archive: archivePath)
                archive.submit(position: index, seed: seed, trial: trial, bytes: bytes)
                return outcome
            }
            for outcome in outcomes { each(outcome) }
            start = batch.upperBound
        }
        return archive?.finish()
    }

    /// `simrun run SCENARIO --seed S`: how to reproduce an episode that has no trace.
    private static func rerunCommand(_ plan: RunPlan, seed: UInt64) -> String {
        "simrun run \(EpisodeSummary.shellQuoted(plan.scenario.path ?? plan.scenario.name)) --seed \(seed)"
    }

}
