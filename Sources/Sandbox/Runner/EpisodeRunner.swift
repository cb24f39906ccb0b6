import Dispatch
import Foundation
import Scenarios
import WorldModel

/// What to run: a scenario, an agent, which seeds and how many trials, under which policy, and
/// where traces go.
public struct RunPlan: Sendable {
    /// The scenario (fault selection already applied).
    public var scenario: Scenario
    /// The built-in agent that plays each episode.
    public var agent: ReferenceAgent
    /// The seeds, in order.
    public var seeds: [UInt64]
    /// Trials per seed (k of pass^k).
    public var trials: Int
    /// Scopes and approvals (`callback` approvals are not available to built-in runs).
    public var policy: EpisodePolicy
    /// How the fault rules were chosen, recorded in trace headers.
    public var faults: TraceHeader.Faults
    /// Where traces are written (`DIR/<scenario>/seed-<s>-trial-<t>.jsonl`); `nil` writes none.
    public var traceDirectory: String?

    /// Creates a plan.
    public init(
        scenario: Scenario, agent: ReferenceAgent, seeds: [UInt64], trials: Int = 1,
        policy: EpisodePolicy = .permissive,
        faults: TraceHeader.Faults = .init(mode: .scenario), traceDirectory: String? = nil
    ) {
        self.scenario = scenario
        self.agent = agent
        self.seeds = seeds
        self.trials = max(1, trials)
        self.policy = policy
        self.faults = faults
        self.traceDirectory = traceDirectory
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
}

/// Runs a plan's episodes, in parallel on all cores, with results identical to a serial run.
public enum EpisodeRunner {
    /// One finished episode.
    public struct Outcome: Sendable {
        /// The episode's summary (for scorecards).
        public var summary: EpisodeSummary
        /// The verdict.
        public var verdict: Verdict
        /// Why the trace could not be written, if it could not.
        public var traceError: String?
    }

    /// Plays one episode of `plan` and writes its trace.
    public static func play(_ plan: RunPlan, seed: UInt64, trial: Int) -> Outcome {
        let worldSeed = RunPlan.worldSeed(seed: seed, trial: trial)
        var engine = EpisodeEngine(
            scenario: plan.scenario, seed: worldSeed, policy: plan.policy,
            recordsStateHashes: plan.traceDirectory != nil)
        var traceError: String?
        let path = plan.tracePath(seed: seed, trial: trial)
        if let path {
            let header = TraceHeader(
                scenario: plan.scenario, seed: seed, agent: plan.agent.kind, trial: trial, policy: plan.policy,
                thinkTime: .explicit, faults: plan.faults)
            do throws(TraceWriteError) {
                engine.traceWriter = try TraceWriter(path: path, header: header)
            } catch {
                traceError = error.description
            }
        }
        let answer = plan.agent.play(&engine)
        let verdict = engine.finish(answer: answer)
        if let error = engine.traceError { traceError = error.description }
        let summary = EpisodeSummary(
            scenario: plan.scenario.name, seed: seed, trial: trial, passed: verdict.passed,
            failedChecks: verdict.failedChecks, callLatenciesMs: engine.steps.map(\.latencyMs),
            faultsFired: engine.steps.flatMap(\.faults), virtualTimeMs: verdict.virtualTimeMs, tracePath: path,
            replayCommand: path.map(EpisodeSummary.replayCommand(forTrace:))
                ?? "simrun run \(EpisodeSummary.shellQuoted(plan.scenario.path ?? plan.scenario.name)) --seed \(seed)")
        return Outcome(summary: summary, verdict: verdict, traceError: traceError)
    }

    /// Plays every episode of `plan` (seeds × trials, in that order) using up to `parallelism`
    /// threads; `progress` is called (from any thread) after each episode with the number done.
    public static func run(
        _ plan: RunPlan, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> [Outcome] {
        let jobs = plan.seeds.flatMap { seed in (1...plan.trials).map { (seed, $0) } }
        return Parallel.map(jobs.count, parallelism: parallelism, progress: progress) { index in
            play(plan, seed: jobs[index].0, trial: jobs[index].1)
        }
    }
}
