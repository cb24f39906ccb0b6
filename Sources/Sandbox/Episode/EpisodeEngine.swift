import Scenarios
import WorldModel

/// The synchronous heart of an episode: policy, world step, `always` checks and step records.
///
/// `Episode` wraps it for async embedding code; reference agents, the runner and replay drive it
/// directly. A value type: copying it snapshots the whole episode, except that a copy shares the
/// trace writer, so only one copy should go on stepping while a trace is being written.
package struct EpisodeEngine: Sendable {
    /// The scenario being played (with the fault selection already applied).
    package let scenario: Scenario
    /// The world seed every random decision derives from.
    package let seed: UInt64
    /// Scopes and approvals.
    package let policy: EpisodePolicy
    /// The latent state now.
    package private(set) var state: WorldState
    /// The calls kept (`retention`): every call so far, as recorded in traces, or the latest.
    package var steps: [TraceStep] {
        guard let limit = retention.limit, kept.count > limit else { return kept }
        return Array(kept.suffix(limit))
    }
    /// `steps`, with up to as many again of older calls when `retention` keeps the last n.
    private var kept: [TraceStep] = []
    /// What the engine keeps of its calls in `steps`.
    package let retention: StepRetention
    /// The totals of every call so far, whatever `steps` keeps: what the verdict reads.
    package private(set) var tally: StepTally
    /// Whether each step records the SHA-256 of the latent state (traces and replay need it).
    package let recordsStateHashes: Bool
    private var checks: CheckEvaluator
    /// When set, every step is appended to this trace as it happens, and `finish` writes the
    /// verdict line: a crash mid-episode leaves a valid prefix.
    package var traceWriter: TraceWriter?
    /// The first failure to write the trace, if any; the trace then holds the steps before it.
    package private(set) var traceError: TraceWriteError?
    /// The tool whose call ended the episode (`ends_episode`: a hand-off, a final submit), once
    /// one answered with a 2xx status. The episode then takes no more calls; whoever drives it
    /// finishes it, with no answer, as after `submit_answer`.
    package private(set) var endedByTool: String?

    /// Starts an episode at time zero.
    package init(
        scenario: Scenario, seed: UInt64, policy: EpisodePolicy = .permissive, recordsStateHashes: Bool = true,
        retention: StepRetention = .all
    ) {
        self.scenario = scenario
        self.seed = seed
        self.policy = policy
        self.recordsStateHashes = recordsStateHashes
        self.retention = retention
        state = scenario.world.initialState
        checks = CheckEvaluator(scenario: scenario)
        tally = StepTally(counting: checks.countedCalls)
    }

    /// Starts over from time zero, with `seed` (by default the same seed): O(1), since the
    /// initial state is shared copy-on-write. For the async `Episode`, open a new one from the
    /// same `Scenario` instead; that is just as cheap.
    package mutating func reset(seed: UInt64? = nil) {
        self = EpisodeEngine(
            scenario: scenario, seed: seed ?? self.seed, policy: policy, recordsStateHashes: recordsStateHashes,
            retention: retention)
    }

    /// How many calls the episode has made (all of them, whatever `steps` keeps).
    package var stepCount: Int { tally.count }

    /// The tools, in the scenario's order.
    package var tools: [ToolDescriptor] { scenario.world.tools.map(ToolDescriptor.init) }

    /// Virtual milliseconds since the episode began.
    package var now: Int64 { state.now }

    /// Whether a call of `tool` with `arguments` is gated by approval in the current state.
    package func needsApproval(tool: String, arguments: JSON) -> Bool {
        guard let spec = scenario.world.tool(named: tool) else { return false }
        return scenario.world.needsApproval(spec, arguments: arguments, in: state)
    }

    /// Makes one call after `thinkMs` of agent time. `approved` is the decision for a gated call
    /// (`nil` when the call is not gated); the policy's scopes are enforced here.
    ///
    /// The virtual clock runs from 0 to 2^62 ms (`WorldState.maximumNowMs`, about 146 million
    /// years): a negative think time counts as 0, and one that would pass the limit is cut to
    /// reach it exactly. The step records the think time applied, so its trace replays.
    package mutating func call(_ tool: String, arguments: JSON, thinkMs: Int64, approved: Bool?) -> Observation {
        do throws(VirtualTimeError) {
            return try call(tool, arguments: arguments, exactThinkMs: clampedThinkTime(thinkMs), approved: approved)
        } catch {
            preconditionFailure("a think time within the clock's range was refused: \(error)")
        }
    }

    /// `thinkMs` cut to what the clock can take now: 0 up to the time left before its limit.
    private func clampedThinkTime(_ thinkMs: Int64) -> Int64 {
        min(max(0, thinkMs), max(0, WorldState.maximumNowMs - state.now))
    }

    /// Makes one call after exactly `thinkMs` of agent time, or throws (changing nothing) when
    /// the clock cannot take it: replay uses this, since a trace's think time is not to be cut.
    package mutating func call(_ tool: String, arguments: JSON, exactThinkMs thinkMs: Int64, approved: Bool?)
        throws(VirtualTimeError) -> Observation
    {
        if endedByTool != nil { return Self.episodeFinished }
        try state.advance(byThinkTime: thinkMs)
        let at = state.now
        let spec = scenario.world.scopeAndEnding(ofTool: tool)
        var decision: TraceStep.PolicyDecision = approved == true ? .approved : .allowed
        var observation: Observation
        var committed = false
        var regime = ""
        var scenarioError = false
        if let spec, let scope = spec.scope, let granted = policy.scopes, !granted.contains(scope) {
            decision = .scopeDenied
            observation = ObservationDecoder.render(
                .error(403, code: "forbidden", message: "this agent was not granted scope '\(scope)'"), latencyMs: 0,
                faults: [])
        } else if approved == false {
            decision = .approvalDenied
            observation = ObservationDecoder.render(
                .error(403, code: "approval_denied", message: "the call needs approval, and it was refused"),
                latencyMs: 0, faults: [])
        } else {
            let result = scenario.world.step(&state, tool: tool, arguments: arguments, seed: seed)
            observation = result.observation
            committed = result.committed
            regime = result.regime
            scenarioError = result.scenarioError
        }
        let stateHash = recordsStateHashes ? state.settledStateHash() : ""
        var step = TraceStep(
            index: tally.count + 1, thinkMs: thinkMs, atMs: at, tool: tool, arguments: arguments,
            policy: decision,
            faults: observation.faults, status: observation.status, latencyMs: observation.latencyMs,
            headers: observation.headers, body: observation.body,
            committed: committed, regime: regime, stateHash: stateHash)
        step.scenarioError = scenarioError
        tally.record(step)
        keep(step)
        if spec?.endsEpisode == true, decision != .scopeDenied, decision != .approvalDenied,
            (200..<300).contains(observation.status)
        {
            endedByTool = tool
        }
        checks.observe(step: step, world: scenario.world, state: state)
        if let traceWriter, traceError == nil {
            do throws(TraceWriteError) {
                try traceWriter.append(step, directly: scenario.world.shortcuts.isEnabled)
            } catch {
                traceError = error
            }
        }
        return observation
    }

    /// Records that the agent abandoned the answer to step `step` (a `notifications/cancelled`
    /// under `--realtime`): a cancellation line in the trace. The world is not touched.
    /// `step` must be a step of this episode.
    package mutating func recordCancellation(ofStep step: Int) {
        precondition((1...stepCount).contains(step), "cancelled step \(step) of \(stepCount)")
        guard let traceWriter, traceError == nil else { return }
        do throws(TraceWriteError) {
            try traceWriter.appendCancellation(ofStep: step)
        } catch {
            traceError = error
        }
    }

    /// Adds `step` to `steps`, dropping the oldest beyond `retention`'s limit (in batches, so
    /// keeping the last n costs O(1) per call, amortized).
    private mutating func keep(_ step: TraceStep) {
        guard let limit = retention.limit else {
            kept.append(step)
            return
        }
        guard limit > 0 else { return }
        if kept.count >= 2 * limit { kept.removeFirst(kept.count - limit + 1) }
        kept.append(step)
    }

    /// What a call answers once the episode is over: 409 `episode_finished`, nothing recorded.
    package static var episodeFinished: Observation {
        ObservationDecoder.render(
            .error(409, code: "episode_finished", message: "the episode is over"), latencyMs: 0, faults: [])
    }

    /// Lets `milliseconds` of agent time pass without a call (for example before the answer);
    /// cut to the clock's range like a call's think time.
    package mutating func wait(milliseconds: Int64) {
        do throws(VirtualTimeError) {
            try wait(exactMilliseconds: clampedThinkTime(milliseconds))
        } catch {
            preconditionFailure("a wait within the clock's range was refused: \(error)")
        }
    }

    /// Lets exactly `milliseconds` of agent time pass, or throws (changing nothing).
    package mutating func wait(exactMilliseconds milliseconds: Int64) throws(VirtualTimeError) {
        try state.advance(byThinkTime: milliseconds)
    }

    /// Ends the episode: the verdict for `answer`, written to the trace (which is then closed).
    package mutating func finish(answer: String?) -> Verdict {
        let verdict = verdict(answer: answer)
        if let traceWriter {
            if traceError == nil {
                do throws(TraceWriteError) {
                    try traceWriter.finish(verdict)
                } catch {
                    traceError = error
                }
            }
            traceWriter.close()
            self.traceWriter = nil
        }
        return verdict
    }

    /// The verdict for `answer` on the state now; the episode may go on (it is not changed).
    package func verdict(answer: String?) -> Verdict {
        checks.verdict(answer: answer, tally: tally, world: scenario.world, state: state, task: scenario.task)
    }
}
