import Scenarios
import WorldModel

/// One run of an agent against a scenario: the embedding API.
///
/// ```swift
/// let scenario = try ScenarioLoader.load(contentsOf: "scenarios/crm-refund.json")
/// let episode = Episode(scenario: scenario, seed: 7)
/// let charges = await episode.call("billing_list_charges", arguments: ["customer_id": "C-1042"])
/// let verdict = await episode.finish(answer: "Refunded CH-2.")
/// #expect(verdict.passed)
/// ```
///
/// Agent time is an input: the virtual time that passes between a response and the next call
/// is the agent's think time. Pass it explicitly (`thinkTimeMs:`), or sleep on `clock`
/// (`try await episode.clock.sleep(for: .seconds(2))`), which advances virtual time at once.
public actor Episode {
    /// The scenario being played.
    public nonisolated let scenario: Scenario
    /// The episode's seed.
    public nonisolated let seed: UInt64
    /// The episode's virtual clock; sleeping on it is agent think time.
    public nonisolated let clock: VirtualClock
    private var engine: EpisodeEngine
    private var finalVerdict: Verdict?

    /// The first failure to write the trace, if any; the trace then holds the steps before it.
    public var traceError: TraceWriteError? { engine.traceError }

    /// Opens an episode of `scenario` with `seed` under `policy`; with `tracePath`, every step is
    /// written to a JSON Lines trace as it happens. `trial` > 1 draws another world from the same
    /// seed (as `simrun run --trials` does); `agent` and `thinkTime` are recorded in the trace
    /// header, with the fault provenance the scenario carries (`Scenario.faultProvenance`).
    /// `keepingSteps` says what `steps` keeps in memory: every call by default; `.last(n)` bounds
    /// the memory of a long episode (the verdict and the trace are the same either way).
    ///
    /// The trace is written beside its final name (`PATH.partial`) and moved to `tracePath`
    /// when the episode finishes; see `TraceWriter`.
    public init(
        scenario: Scenario, seed: UInt64, trial: Int = 1, policy: EpisodePolicy = .permissive, tracePath: String? = nil,
        agent: AgentKind = .embedded, thinkTime: ThinkTimeMode = .explicit, keepingSteps: StepRetention = .all
    ) throws(EpisodeError) {
        self.scenario = scenario
        self.seed = seed
        clock = VirtualClock()
        engine = EpisodeEngine(
            scenario: scenario, seed: RunPlan.worldSeed(seed: seed, trial: trial), policy: policy,
            recordsStateHashes: tracePath != nil, retention: keepingSteps)
        if let tracePath {
            let header = TraceHeader(
                scenario: scenario, seed: seed, agent: agent, trial: max(1, trial), policy: policy,
                thinkTime: thinkTime)
            do throws(TraceWriteError) {
                engine.traceWriter = try TraceWriter(path: tracePath, header: header)
            } catch {
                throw .trace(error)
            }
        }
    }

    /// The tools the agent may call, in the scenario's order.
    public nonisolated var tools: [ToolDescriptor] { scenario.world.tools.map(ToolDescriptor.init) }

    /// The task instruction.
    public nonisolated var instruction: String { scenario.task.instruction }

    /// Virtual milliseconds since the episode began.
    public var now: Int64 { engine.now }

    /// The calls so far: all of them, or the latest when the episode was opened with
    /// `keepingSteps: .last(n)`.
    public var steps: [TraceStep] { engine.steps }

    /// How many calls the episode has made, whatever `steps` keeps.
    public var stepCount: Int { engine.stepCount }

    /// The latent state now (the package's own tests inspect it; embedders read `data`).
    package var state: WorldState { engine.state }

    /// The entity data now, as a JSON object from collection name to its rows in order: what
    /// the systems of record hold, for assertions in tests (agents never see it).
    public var data: JSON { engine.state.data.json }

    /// Calls `tool` with `arguments` and returns what the agent observes. `thinkTimeMs` is the
    /// agent's time since its last response; when `nil`, the time slept on `clock` counts.
    /// Virtual time runs from 0 to 2^62 ms (about 146 million years): a negative think time
    /// counts as 0 and one past the limit is cut to reach it (the trace records the time applied).
    /// Calls after `finish` answer 409 and change nothing. A 2xx answer from a tool marked
    /// `ends_episode` finishes the episode with no answer (`verdict` is then set).
    public func call(_ tool: String, arguments: JSON = [:], thinkTimeMs: Int64? = nil) async -> Observation {
        guard finalVerdict == nil else { return EpisodeEngine.episodeFinished }
        let think = thinkTimeMs ?? max(0, clock.milliseconds - engine.now)
        var approved: Bool?
        if engine.needsApproval(tool: tool, arguments: arguments) {
            switch engine.policy.approvals {
            case .auto: approved = true
            case .deny: approved = false
            case .callback(let decide):
                approved = await decide(ApprovalRequest(tool: tool, arguments: arguments, step: engine.stepCount + 1))
            }
        }
        let observation = engine.call(tool, arguments: arguments, thinkMs: think, approved: approved)
        clock.advance(to: VirtualInstant(milliseconds: engine.now))
        // A tool that ends the episode (`ends_episode`) finishes it as `submit_answer` would,
        // with no answer: `finish` and `verdict` then give this verdict.
        if engine.endedByTool != nil { finalVerdict = engine.finish(answer: nil) }
        return observation
    }

    /// Records that the agent abandoned the answer to step `step` (an MCP client's
    /// `notifications/cancelled` while a `--realtime` server held the answer): the call stands,
    /// and the trace gets a cancellation line after it. `step` must be from 1 to `stepCount`; after
    /// `finish` nothing is recorded.
    public func recordCancellation(ofStep step: Int) {
        guard finalVerdict == nil else { return }
        engine.recordCancellation(ofStep: step)
    }

    /// `call(_:arguments:thinkTimeMs:)`, with the index of the step the call was recorded as
    /// (`nil` when nothing was recorded: the episode was over), in one hop for the MCP server.
    package func callRecordingStep(
        _ tool: String, arguments: JSON, thinkTimeMs: Int64?
    ) async -> (observation: Observation, step: Int?) {
        let before = engine.stepCount
        let observation = await call(tool, arguments: arguments, thinkTimeMs: thinkTimeMs)
        return (observation, engine.stepCount > before ? engine.stepCount : nil)
    }

    /// Ends the episode with the agent's final answer, given after `thinkTimeMs` more agent time
    /// (by default the time slept on `clock`), and returns the verdict; calling it again returns
    /// the same verdict.
    @discardableResult
    public func finish(answer: String?, thinkTimeMs: Int64? = nil) -> Verdict {
        if let finalVerdict { return finalVerdict }
        engine.wait(milliseconds: thinkTimeMs ?? max(0, clock.milliseconds - engine.now))
        let verdict = engine.finish(answer: answer)
        finalVerdict = verdict
        return verdict
    }

    /// The verdict, once `finish` was called.
    public var verdict: Verdict? { finalVerdict }
}

/// Why an episode could not be opened.
public enum EpisodeError: Error, Sendable, CustomStringConvertible {
    /// The trace file could not be written.
    case trace(TraceWriteError)

    public var description: String {
        switch self {
        case .trace(let error): "cannot write the trace: \(error)"
        }
    }
}

extension TraceHeader {
    /// The header of an episode of `scenario`; the faults are the scenario's `faultProvenance`.
    public init(
        scenario: Scenarios.Scenario, seed: UInt64, agent: AgentKind, trial: Int, policy: EpisodePolicy,
        thinkTime: ThinkTimeMode
    ) {
        self.init(
            engine: SimrunVersion.current,
            scenario: Scenario(
                name: scenario.name, path: scenario.path ?? "", sha256: scenario.sha256, world: scenario.worldFile),
            seed: seed, agent: agent, trial: trial, faults: scenario.faultProvenance,
            policy: Policy(approvals: policy.approvals.mode, scopes: policy.scopes.map { $0.sorted() }),
            thinkTime: thinkTime)
    }
}

/// The engine's version, recorded in traces.
public enum SimrunVersion {
    /// `0.1.0`.
    public static let current = "0.1.0"
}
