import Foundation
import Sandbox
import WorldModel

/// `simrun learn`: learns a scenario (tools, services and their dynamics, the state and each
/// tool's op) from recordings, traces and HAR files.
enum LearnCommand: Command {
    static let name = "learn"
    static let abstract = "learn a scenario from recorded traffic (recordings, traces, HAR files)"
    static let options = OptionTable(
        positionals: "INPUT…",
        options: [
            .value("--out", "SCENARIO.json", help: "the scenario to write (required; replaced)"),
            .value(
                "--holdout", "F",
                help: "keep the last fraction F (0 ≤ F < 1) of each service's calls out of the fit (default 0)"),
            .value("--regimes", "auto|K", help: "regimes per service: auto (1 to 4 by BIC, default) or K (1 to 4)"),
            .value("--report", "FILE", help: "also write the report to FILE (text, or JSON with --format json)"),
            .value(
                "--time-scale", "S",
                help:
                    "recorded times are S times the simulated ones (a recording of simrun serve --realtime=S): divide call times and latencies by S (default 1)"
            ),
            .choice(
                "--format", "FORMAT", OutputFormat.allCases,
                help: "the report printed on standard output: text (default) or json"),
        ])
    static let about = """
        Reads each INPUT (a simrun recording, a simrun trace or a HAR 1.2 file, told apart by
        content) and writes a scenario that simrun validate accepts:
          tools     names, descriptions and input schemas as listed (inferred from arguments for
                    HAR files);
          services  one per recorded server or HTTP host (servers that share a name but no
                    tool or origin are told apart); per service a hidden Markov model of
                    its regimes fitted to its calls in time order (Baum–Welch from seeded
                    restarts; emissions: outcome class and log latency, both categorical,
                    latency over bins shared by the regimes, as free shares or a binned
                    lognormal), the number of regimes and the latency family
                    chosen by BIC among those the data supports (10 calls per parameter), per
                    regime a lognormal latency when a Kolmogorov–Smirnov test accepts one and
                    empirical quantiles otherwise, error rates, per-call transitions,
                    timeout_ms from timed-out calls, a token bucket (rate_limit) where the
                    429s show one (its 429s are then no evidence of a regime), and a schedule
                    (a regime forced over one window of time since each sequence's start)
                    where the calls show one and BIC keeps it;
          state     rows from successful answers (objects with a string id) and each tool's op:
                    get, list, create, update or delete, the first whose meaning every recorded
                    call agrees with (all but 2 % of the successful ones), checked in order
                    with each session's rows simulated; fields the server sets (the call's
                    time as now(), ids counting up under one prefix) and fields an argument of
                    another name sets are recognised; other tools become op recorded,
                    answering the recorded response for the same arguments; the report names
                    each rejected op with the call that rejected it;
          faults    per tool, from a schema of its successful answers: fields missing, null or
                    of another type, error bodies with a success status, cut-short bodies and
                    HTML error pages, each a fault rule with the share it was seen in;
          task      a minimal one (call the first tool once, answer 'done'), since recordings
                    carry none.
        --time-scale S divides recorded times and latencies by S, for recordings made in front of
        simrun serve --realtime=S.
        The report says, per service and tool, what was inferred, from how many calls, which
        numbers of regimes were rejected (BIC figures) and why, and what was not inferred. The
        same inputs always give byte-identical output. See docs/learning.md.
        """
    static let epilogue = """
        exit status: 0 learned; 2 on usage errors, unreadable inputs (the file, line or JSON path,
        what was expected and found), inputs with no calls, or inputs of different servers mixed
        up (a tool called on two services, listed with two input schemas, or answering JSON in
        one input and text in another; both inputs are named); 3 when a file cannot be written.
        On any error neither --out nor --report is written.
        example:
          simrun learn traces/*.jsonl --out learned.json --holdout 0.2 --report learned.txt
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        guard !arguments.positionals.isEmpty else {
            throw UsageError(command: name, message: "give at least one INPUT (a recording, trace or HAR file)")
        }
        guard let out = arguments.value("--out") else {
            throw UsageError(command: name, message: "missing --out SCENARIO.json")
        }
        var holdout = 0.0
        if let text = arguments.value("--holdout") {
            guard let value = Double(text), value >= 0, value < 1 else {
                throw UsageError(
                    command: name, message: "--holdout: expected a fraction 0 ≤ F < 1, found '\(text.printable)'")
            }
            holdout = value
        }
        var timeScale = 1.0
        if let text = arguments.value("--time-scale") {
            guard let value = Double(text), value > 0, value <= 1000 else {
                throw UsageError(
                    command: name,
                    message: "--time-scale: expected a number above 0 and at most 1000, found '\(text.printable)'")
            }
            timeScale = value
        }
        var regimes = DynamicsLearner.RegimeChoice.automatic
        if let text = arguments.value("--regimes"), text != "auto" {
            guard let k = Int(text), (1...DynamicsLearner.maximumRegimes).contains(k) else {
                throw UsageError(
                    command: name,
                    message:
                        "--regimes: expected auto or a number from 1 to \(DynamicsLearner.maximumRegimes), found '\(text.printable)'"
                )
            }
            regimes = .fixed(k)
        }
        var traffic: [RecordedTraffic] = []
        for file in arguments.positionals {
            do throws(TrafficReadError) {
                traffic.append(try RecordedTraffic(contentsOfFile: file))
            } catch {
                throw CommandFailure.badInput("simrun learn: \(error)")
            }
        }
        let stem = URL(fileURLWithPath: out).deletingPathExtension().lastPathComponent
        var learner = ScenarioLearner(name: stem, holdout: holdout, regimes: regimes)
        learner.timeScale = timeScale
        let result: ScenarioLearner.Result
        do throws(ScenarioLearner.Failure) {
            result = try learner.learn(traffic)
        } catch {
            throw CommandFailure.badInput("simrun learn: \(error)")
        }
        // Written beside --out (and --report), validated, then moved into place: an invalid
        // scenario is a bug of learning, and no error ever leaves a file behind.
        let temporary = out + ".learning"
        try write(result.scenario.prettyText + "\n", to: temporary)
        let validation = ScenarioValidator.validate(file: temporary)
        guard validation.isValid else {
            try? FileManager.default.removeItem(atPath: temporary)
            let issues = validation.issues.map { "  \($0)" }.joined(separator: "\n")
            throw CommandFailure(
                code: .internalError,
                message: "simrun learn: internal error: the learned scenario does not validate:\n\(issues)")
        }
        let json = arguments.choice("--format", as: OutputFormat.self) == .json
        let report = json ? result.report.prettyText + "\n" : result.reportText
        var moves = [(temporary, out)]
        if let file = arguments.value("--report") {
            do {
                try write(report, to: file + ".learning")
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            }
            moves.append((file + ".learning", file))
        }
        for (from, to) in moves {
            do {
                if FileManager.default.fileExists(atPath: to) { try FileManager.default.removeItem(atPath: to) }
                try FileManager.default.moveItem(atPath: from, toPath: to)
            } catch {
                for (from, _) in moves { try? FileManager.default.removeItem(atPath: from) }
                throw CommandFailure(
                    code: .internalError, message: "simrun learn: cannot write \(to.printable): \(error)")
            }
        }
        Terminal.out(report)
        return .success
    }

    /// Writes `text` to `path`, or fails with an I/O error naming the file.
    private static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw CommandFailure(code: .internalError, message: "simrun learn: cannot write \(path.printable)")
        }
    }
}
