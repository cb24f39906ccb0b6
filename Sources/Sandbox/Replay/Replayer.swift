import Foundation
import Scenarios
import WorldModel

/// Re-executes a recorded episode and proves every observation and state hash identical.
///
/// The trace carries everything the world depends on: the scenario's identity (its SHA-256),
/// the seed and trial, the fault selection, the policy, and per step the agent's think time,
/// tool, arguments and approval decision. Replay feeds the same actions to a fresh episode and
/// compares what comes out, step by step; the first difference is reported precisely.
public enum Replayer {
    /// One replayed step: the recorded step and the step as re-executed.
    public struct ReplayedStep: Sendable {
        /// The step as recorded.
        public var recorded: TraceStep
        /// The step as re-executed. Equal to `recorded` except at a divergence, so a replay that
        /// matched holds the recorded value here (sharing its storage) rather than a second copy.
        public var replayed: TraceStep
    }

    /// The result of a replay.
    public struct Report: Sendable {
        /// The scenario the trace was replayed on.
        public var scenario: Scenario
        /// The steps re-executed, up to and including a divergence.
        public var steps: [ReplayedStep]
        /// The first difference, or `nil` when the replay is identical.
        public var divergence: Divergence?
        /// The verdict recomputed from the replay (when the trace has a verdict line).
        public var verdict: Verdict?
        /// The episode as it began, from which `data(afterStep:)` and `forEachStep(_:)` re-run
        /// the recorded calls: a replay keeps no world per step, only the trace's steps.
        package var start: EpisodeEngine

        /// Whether every step (and the verdict) matched.
        public var isIdentical: Bool { divergence == nil }

        /// The entity data after `step` steps (0 is the initial data), as a JSON object from
        /// collection name to rows; `nil` for a step the replay did not reach. It re-runs the
        /// first `step` recorded calls (deterministic, so the same data the replay saw): O(step).
        public func data(afterStep step: Int) -> JSON? {
            store(afterStep: step)?.json
        }

        /// The entity store after `step` steps (0 is the initial one), re-run as `data(afterStep:)`.
        package func store(afterStep step: Int) -> EntityStore? {
            guard (0..<stateCount).contains(step) else { return nil }
            var engine = start
            for replayed in steps.prefix(step) { Replayer.rerun(replayed.recorded, on: &engine) }
            return engine.state.data
        }

        /// Re-runs the replayed steps in order, handing `body` each one with the entity store
        /// before and after it: one pass, for the timeline's state changes.
        package func forEachStep(_ body: (ReplayedStep, _ before: EntityStore, _ after: EntityStore) -> Void) {
            var engine = start
            for step in steps {
                let before = engine.state.data
                Replayer.rerun(step.recorded, on: &engine)
                body(step, before, engine.state.data)
            }
        }

        /// How many states `data(afterStep:)` can show: the initial one and one per replayed step.
        public var stateCount: Int { steps.count + 1 }

        /// Whether the trace has a verdict line: a trace of an episode that was killed or
        /// crashed has none, so only its steps could be compared.
        public var isComplete: Bool { verdict != nil }

        /// The outcome: diverged, identical, or identical as far as an unfinished trace goes.
        public var result: Result {
            if divergence != nil { return .diverged }
            return isComplete ? .identical : .incomplete
        }

        /// The line `simrun replay` prints: `identical (9 steps)`, `incomplete: …`, or where the
        /// replay diverged (after `source` and a colon).
        public func summary(source: String) -> String {
            let count = "\(steps.count) step\(steps.count == 1 ? "" : "s")"
            switch result {
            case .identical:
                return "identical (\(count))\n"
            case .incomplete:
                return "incomplete: \(count) identical, but the trace has no verdict (the episode did not finish),"
                    + " so the end of the episode was not checked\n"
            case .diverged:
                return "\(source.printable): \(divergence.map(\.description) ?? "")\n"
            }
        }

        /// `{"result": "identical" | "diverged" | "incomplete", "steps": N, "divergence":
        /// {"step", "field", "expected", "actual"} | null, "verdict": {…} | null}`, for
        /// `simrun replay --format json`.
        public var json: JSON {
            [
                "result": .string(result.rawValue),
                "steps": .int(steps.count),
                "divergence": divergence.map(\.json) ?? .null,
                "verdict": verdict.map(\.json) ?? .null,
            ]
        }
    }

    /// The outcome of a replay.
    public enum Result: String, Sendable, Hashable, CaseIterable {
        /// Every step and the verdict matched.
        case identical
        /// Some step, or the verdict, differs (`Report.divergence`).
        case diverged
        /// Every step matched, but the trace has no verdict (the episode did not finish).
        case incomplete
    }

    /// Where a replay first differs from the trace.
    public struct Divergence: Sendable, Hashable, CustomStringConvertible {
        /// The 1-based step, or `nil` for the verdict.
        public var step: Int?
        /// The field that differs, as named in the trace format (`status`, `body`, `state_hash`…).
        public var field: String
        /// The recorded value.
        public var expected: String
        /// The value the replay produced.
        public var actual: String

        public var description: String {
            let place = step.map { "step \($0)" } ?? "verdict"
            return "diverged at \(place), field \(field)\n  expected: \(expected)\n  actual:   \(actual)"
        }

        /// `{"step": 3 | null, "field", "expected", "actual"}` (values as canonical JSON text).
        public var json: JSON {
            [
                "step": step.map { .int($0) } ?? .null, "field": .string(field), "expected": .string(expected),
                "actual": .string(actual),
            ]
        }
    }

    /// The scenario file of a trace at `tracePath` that recorded the path `recorded`: `recorded`
    /// when it exists from the current directory; else, for a relative path, the first that
    /// exists of it joined to the trace's directory and to each directory above that (a trace
    /// made from a project root into `traces/<scenario>/` finds `scenarios/x.json` there); else
    /// the shipped scenario of that file name (`ScenarioLoader.shippedDirectories()`); else
    /// `recorded`. Replay checks the SHA-256 either way, so a wrong candidate is refused, never
    /// replayed.
    package static func locateScenario(recorded: String, tracePath: String) -> String {
        let files = FileManager.default
        guard !recorded.isEmpty, !files.fileExists(atPath: recorded) else { return recorded }
        if !recorded.hasPrefix("/") {
            var directory = URL(fileURLWithPath: tracePath).deletingLastPathComponent().standardized
            while true {
                let candidate = directory.appendingPathComponent(recorded).standardized.path
                if files.fileExists(atPath: candidate) { return candidate }
                let parent = directory.deletingLastPathComponent().standardized
                if parent.path == directory.path { break }
                directory = parent
            }
        }
        let name = URL(fileURLWithPath: recorded).lastPathComponent
        for directory in ScenarioLoader.shippedDirectories() where files.fileExists(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        return recorded
    }

    /// Replays `trace`. The scenario is read from `scenarioPath`, or from the path the trace
    /// names (found as `locateScenario(recorded:tracePath:)` says when `tracePath` is given); it
    /// must be the same scenario (same SHA-256 of its canonical form).
    public static func replay(
        _ trace: Trace, scenarioPath: String? = nil, tracePath: String? = nil
    ) throws(ReplayError) -> Report {
        let header = trace.header
        let path =
            scenarioPath
            ?? tracePath.map { locateScenario(recorded: header.scenario.path, tracePath: $0) } ?? header.scenario.path
        guard !path.isEmpty else { throw .noScenarioPath }
        var scenario = try loading { () throws(ScenarioLoadError) in try ScenarioLoader.load(contentsOf: path) }
        guard scenario.sha256 == header.scenario.sha256 else {
            throw .scenarioChanged(path: path, recorded: header.scenario.sha256, current: scenario.sha256)
        }
        // A scenario over a world file is the pair: the world file must be the one recorded too.
        if header.scenario.world?.sha256 != scenario.worldFile?.sha256 {
            throw .worldChanged(recorded: header.scenario.world, current: scenario.worldFile)
        }
        // Same content means same name, unless the header was edited.
        guard scenario.name == header.scenario.name else {
            throw .scenarioNameDiffers(path: path, recorded: header.scenario.name, current: scenario.name)
        }
        try loading { () throws(ScenarioLoadError) in try ScenarioLoader.apply(header.faults.selection, to: &scenario) }
        if let overlayPath = header.faults.overlayPath, let recorded = header.faults.overlaySHA256,
            let current = scenario.faultProvenance.overlaySHA256, recorded != current
        {
            throw .overlayChanged(path: overlayPath, recorded: recorded, current: current)
        }
        let policy = EpisodePolicy(scopes: header.policy.scopes.map(Set.init), approvals: .auto)
        let seed = RunPlan.worldSeed(seed: header.seed, trial: header.trial)
        // The re-runs of `Report.data(afterStep:)` need only the data: no hashes, no kept steps.
        let start = EpisodeEngine(
            scenario: scenario, seed: seed, policy: policy, recordsStateHashes: false, retention: .last(0))
        var engine = EpisodeEngine(scenario: scenario, seed: seed, policy: policy, retention: .last(1))
        var steps: [ReplayedStep] = []
        for recorded in trace.steps {
            do throws(VirtualTimeError) {
                try execute(recorded, on: &engine)
            } catch {
                throw .timeOutOfRange(line: recorded.index + 1, field: "step.think_ms", reason: error.description)
            }
            guard let replayed = engine.steps.last else { break }
            if let divergence = compare(recorded, replayed) {
                steps.append(ReplayedStep(recorded: recorded, replayed: replayed))
                return Report(scenario: scenario, steps: steps, divergence: divergence, verdict: nil, start: start)
            }
            // Equal in every field (the inputs by construction, the rest by `compare`).
            assert(replayed == recorded, "compare missed a difference at step \(recorded.index)")
            steps.append(ReplayedStep(recorded: recorded, replayed: recorded))
        }
        var verdict: Verdict?
        var divergence: Divergence?
        if let recordedVerdict = trace.verdict {
            // The agent's time between its last response and its answer is an input too; the
            // verdict line carries it as the episode's final virtual time.
            // A verdict time before the last step's end is no wait: the verdict comparison shows it.
            if recordedVerdict.virtualTimeMs > engine.now {
                do throws(VirtualTimeError) {
                    try engine.wait(exactMilliseconds: recordedVerdict.virtualTimeMs - engine.now)
                } catch {
                    throw .timeOutOfRange(
                        line: trace.steps.count + 2, field: "verdict.virtual_time_ms", reason: error.description)
                }
            }
            let replayedVerdict = engine.verdict(answer: recordedVerdict.answer)
            verdict = replayedVerdict
            if replayedVerdict.json != recordedVerdict.json {
                divergence = Divergence(
                    step: nil, field: "verdict", expected: recordedVerdict.json.canonicalText,
                    actual: replayedVerdict.json.canonicalText)
            }
        }
        return Report(scenario: scenario, steps: steps, divergence: divergence, verdict: verdict, start: start)
    }

    /// Makes `recorded`'s call again on `engine`: same tool, arguments, think time and approval.
    static func execute(_ recorded: TraceStep, on engine: inout EpisodeEngine) throws(VirtualTimeError) {
        let approved: Bool? =
            switch recorded.policy {
            case .approved: true
            case .approvalDenied: false
            case .allowed, .scopeDenied: nil
            }
        _ = try engine.call(
            recorded.tool, arguments: recorded.arguments, exactThinkMs: recorded.thinkMs, approved: approved)
    }

    /// `execute` for a step the replay already made once: its think time was taken then, so a
    /// refusal now is a programmer error.
    static func rerun(_ recorded: TraceStep, on engine: inout EpisodeEngine) {
        do throws(VirtualTimeError) {
            try execute(recorded, on: &engine)
        } catch {
            preconditionFailure("a replayed step's think time was refused on the re-run: \(error)")
        }
    }

    /// The first field in which two steps differ, in trace order.
    static func compare(_ recorded: TraceStep, _ replayed: TraceStep) -> Divergence? {
        let recordedFields = recorded.json.objectValue ?? JSONObject()
        let replayedFields = replayed.json.objectValue ?? JSONObject()
        let order = [
            "at_ms", "policy", "faults", "status", "latency_ms", "headers", "body", "committed", "regime", "state_hash",
            "scenario_error",
        ]
        for field in order where recordedFields[field] != replayedFields[field] {
            return Divergence(
                step: recorded.index, field: field, expected: recordedFields[field]?.canonicalText ?? "(missing)",
                actual: replayedFields[field]?.canonicalText ?? "(missing)")
        }
        return nil
    }
}

/// Why a trace cannot be replayed at all.
public enum ReplayError: Error, Sendable, CustomStringConvertible {
    /// The trace names no scenario file and none was given.
    case noScenarioPath
    /// The scenario (or overlay) does not load.
    case scenario(ScenarioLoadError)
    /// The scenario file changed since the trace was recorded.
    case scenarioChanged(path: String, recorded: String, current: String)
    /// The scenario's world file changed since the trace was recorded (or the scenario now has
    /// a world file and had none, or the other way round).
    case worldChanged(recorded: WorldFileReference?, current: WorldFileReference?)
    /// The fault overlay changed since the trace was recorded.
    case overlayChanged(path: String, recorded: String, current: String)
    /// The header names the scenario differently from the file of the same content (an edited
    /// header).
    case scenarioNameDiffers(path: String, recorded: String, current: String)
    /// A recorded time the virtual clock cannot take (it runs from 0 to 2^62 ms): the trace's
    /// 1-based line and the field.
    case timeOutOfRange(line: Int, field: String, reason: String)

    public var description: String {
        switch self {
        case .noScenarioPath:
            "the trace does not name its scenario file; pass it with --scenario FILE"
        case .scenario(let error):
            "the scenario cannot be loaded:\n\(error)"
        case .scenarioChanged(let path, let recorded, let current):
            "\(path.printable) changed since the trace was recorded: the trace has scenario sha256 \(recorded), the file now has \(current)"
        case .worldChanged(let recorded?, let current?):
            "the world file \(current.path.printable) changed since the trace was recorded: sha256 \(recorded.sha256) then, \(current.sha256) now"
        case .worldChanged(let recorded?, nil):
            "the trace was recorded with the world file \(recorded.path.printable), but the scenario no longer names one"
        case .worldChanged(nil, let current?):
            "the scenario now takes its world from \(current.path.printable), but the trace was recorded without a world file"
        case .worldChanged(nil, nil):
            "the world file changed since the trace was recorded"
        case .overlayChanged(let path, let recorded, let current):
            "the fault overlay \(path.printable) changed since the trace was recorded: sha256 \(recorded) then, \(current) now"
        case .scenarioNameDiffers(let path, let recorded, let current):
            "the trace names scenario '\(recorded.printable)', but \(path.printable) (of the recorded sha256) is '\(current.printable)'"
        case .timeOutOfRange(let line, let field, let reason):
            "line \(line): \(field): \(reason)"
        }
    }
}

/// Runs a loading step, turning its error into `ReplayError.scenario`.
private func loading<T>(_ body: () throws(ScenarioLoadError) -> T) throws(ReplayError) -> T {
    do throws(ScenarioLoadError) {
        return try body()
    } catch {
        throw .scenario(error)
    }
}
