import Foundation
import Sandbox
import WorldModel

/// `simrun replay`: re-executes a trace and proves it identical, or shows where it diverges.
enum ReplayCommand: Command {
    static let name = "replay"
    static let abstract = "re-execute a recorded trace and prove every observation identical"
    static let options = OptionTable(
        positionals: "TRACE",
        options: [
            .flag(
                "--show",
                help: "print a timeline: virtual time, tool, arguments, faults fired, status, latency, the state "
                    + "changes after each write, and per service the regime inferred from the answers against the "
                    + "real one"),
            .value(
                "--state-at", "STEP",
                help: "print the entity data after STEP steps (0 = initial, end = last) as canonical JSON"),
            .value("--scenario", "FILE", help: "replay on FILE instead of the scenario path the trace names"),
            .value(
                "--seed", "N",
                help: "replay the episode of seed N from a sweep archive (TRACE is DIR/<scenario>/passed.jsonl, "
                    + "which `simrun run --seeds` writes for passing episodes)"),
            .integer("--trial", "K", range: 1...10_000, help: "with --seed: the trial (default 1)"),
            .choice(
                "--format", "FORMAT", OutputFormat.allCases,
                help: "text (default), or json: {\"result\": \"identical\"|\"diverged\"|\"incomplete\", \"steps\", "
                    + "\"divergence\", \"verdict\"}"),
        ])

    static let about = """
        Re-runs the actions recorded in TRACE (a JSONL trace written by simrun run, simrun serve
        or an embedded Episode) on the same scenario, seed, faults and policy, and compares every
        observation and latent-state hash. Prints "identical (N steps)" and exits 0, or names the
        first divergence (step, field, expected, actual) and exits 1. A trace with no verdict (an
        episode that was killed) prints "incomplete: N steps identical, …" and exits 0. A trace
        whose scenario file changed since it was recorded is refused (both hashes are named),
        exit 2.
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        let show = arguments.flag("--show")
        let stateAt = arguments.value("--state-at")
        let scenarioPath = arguments.value("--scenario")
        let files = arguments.positionals
        let json = arguments.choice("--format", as: OutputFormat.self) == .json
        guard files.count == 1, let file = files.first else {
            throw UsageError(
                command: name, message: files.isEmpty ? "missing the TRACE file" : "give exactly one TRACE file")
        }
        let trial = arguments.integer("--trial").map(Int.init)
        guard trial == nil || arguments.value("--seed") != nil else {
            throw UsageError(command: name, message: "--trial needs --seed (it names an episode in a sweep archive)")
        }
        let seed = try arguments.value("--seed").map(RunCommand.parseSeed)
        let trace: Trace
        do throws(TraceReadError) {
            if let seed {
                trace = try TraceArchive.trace(archive: file, seed: seed, trial: trial ?? 1)
            } else {
                trace = try Trace(contentsOfFile: file)
            }
        } catch {
            if seed == nil, FileManager.default.fileExists(atPath: TraceArchive.indexPath(for: file)) {
                throw CommandFailure.badInput(
                    "simrun replay: \(file.printable) is a sweep archive of several episodes; name one with "
                        + "--seed N [--trial K]")
            }
            throw CommandFailure.badInput("simrun replay: \(error)")
        }
        let report: Replayer.Report
        do throws(ReplayError) {
            report = try Replayer.replay(trace, scenarioPath: scenarioPath, tracePath: file)
        } catch {
            throw CommandFailure.badInput("simrun replay: \(file.printable): \(error)")
        }
        if let stateAt {
            let index: Int
            if stateAt == "end" {
                index = report.stateCount - 1
            } else if let step = Int(stateAt), step >= 0, step < report.stateCount {
                index = step
            } else {
                throw UsageError(
                    command: name,
                    message:
                        "--state-at takes a step from 0 to \(report.stateCount - 1) or 'end', not '\(stateAt)'"
                )
            }
            guard let data = report.data(afterStep: index) else {
                preconditionFailure("--state-at \(index) was checked against the replay's \(report.stateCount) states")
            }
            Terminal.out(data.canonicalText + "\n")
        }
        if show { Terminal.out(ReplayTimeline.text(report, trace: trace, symbols: Terminal.reportSymbols)) }
        if json {
            Terminal.out(report.json.canonicalText + "\n")
        } else if stateAt == nil || report.divergence != nil {
            Terminal.out(report.summary(source: file))
        }
        return report.divergence == nil ? .success : .failure
    }
}
