import WorldModel

/// What a scorecard keeps of one episode: who ran, whether it passed, which checks failed and
/// why, the virtual latency of each call, the faults that fired, and how to reproduce it.
public struct EpisodeSummary: Sendable, Hashable {
    /// The scenario's name.
    public var scenario: String
    /// The episode's master seed.
    public var seed: UInt64
    /// The trial number for this seed, 1-based.
    public var trial: Int
    /// Whether the verdict passed.
    public var passed: Bool
    /// The checks that failed, with their evidence, in verdict order.
    public var failedChecks: [CheckResult]
    /// The virtual latency of each tool call, in call order, in milliseconds.
    public var callLatenciesMs: [Int64]
    /// The ids of the faults that fired, one entry per firing, in call order.
    public var faultsFired: [String]
    /// The episode's virtual duration, in milliseconds.
    public var virtualTimeMs: Int64
    /// Where the trace was written, if it was: its own file, or for a passing episode of a sweep
    /// the sweep's archive (`TraceArchive`; the replay command then names the episode).
    public var tracePath: String?
    /// The exact shell command that reproduces the episode.
    public var replayCommand: String

    /// Creates a summary.
    package init(
        scenario: String, seed: UInt64, trial: Int, passed: Bool, failedChecks: [CheckResult],
        callLatenciesMs: [Int64], faultsFired: [String], virtualTimeMs: Int64, tracePath: String?,
        replayCommand: String
    ) {
        self.scenario = scenario
        self.seed = seed
        self.trial = trial
        self.passed = passed
        self.failedChecks = failedChecks
        self.callLatenciesMs = callLatenciesMs
        self.faultsFired = faultsFired
        self.virtualTimeMs = virtualTimeMs
        self.tracePath = tracePath
        self.replayCommand = replayCommand
    }

    /// Summarizes a finished trace; `nil` if it has no verdict. The replay command defaults to
    /// `simrun replay <tracePath>` when a path is given.
    public init?(trace: Trace, tracePath: String?, replayCommand: String? = nil) {
        guard let verdict = trace.verdict else { return nil }
        let command = replayCommand ?? tracePath.map(Self.replayCommand(forTrace:)) ?? ""
        self.init(
            scenario: trace.header.scenario.name, seed: trace.header.seed, trial: trace.header.trial,
            passed: verdict.passed, failedChecks: verdict.failedChecks,
            callLatenciesMs: trace.steps.map(\.latencyMs), faultsFired: trace.steps.flatMap(\.faults),
            virtualTimeMs: verdict.virtualTimeMs, tracePath: tracePath, replayCommand: command)
    }

    /// The names of the failed checks.
    public var failedCheckNames: [String] { failedChecks.map(\.name) }

    /// Whether the episode failed because of the scenario, not the agent (a failed check is
    /// attributed to the scenario): scorecards leave it out of the agent's pass rate.
    public var scenarioAtFault: Bool { !passed && failedChecks.contains { $0.attribution == .scenario } }

    /// `simrun replay '<path>'`, with the path quoted for POSIX shells when it needs it.
    public static func replayCommand(forTrace path: String) -> String {
        "simrun replay \(shellQuoted(path))"
    }

    /// `text` as one POSIX shell word: unchanged if it only has safe characters, otherwise in
    /// single quotes with embedded single quotes written as `'\''`.
    package static func shellQuoted(_ text: String) -> String {
        let safe = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "/", ":", "=", "+", ",", "@", "%": true
            default: false
            }
        }
        if safe && !text.isEmpty { return text }
        return "'" + text.replacing("'", with: "'\\''") + "'"
    }

    /// The JSON form used in `Scorecard.json`.
    package var json: JSON {
        [
            "scenario": .string(scenario),
            "seed": seed._recordJSON,
            "trial": .int(trial),
            "passed": .bool(passed),
            "failed_checks": .array(failedChecks.map(\.json)),
            "call_latencies_ms": .array(callLatenciesMs.map(JSON.int)),
            "faults_fired": .array(faultsFired.map(JSON.string)),
            "virtual_time_ms": .int(virtualTimeMs),
            "trace": tracePath.map(JSON.string) ?? .null,
            "replay": .string(replayCommand),
        ]
    }
}
