import Sandbox
import WorldModel

/// `simrun replay`: re-executes a trace and proves it identical, or shows where it diverges.
enum ReplayCommand: Command {
    static let name = "replay"
    static let abstract = "re-execute a recorded trace and prove every observation identical"
    static let help = """
        usage: simrun replay TRACE [--show] [--state-at STEP|end] [--scenario FILE] [--format text|json]

        Re-runs the actions recorded in TRACE (a JSONL trace written by simrun run, simrun serve
        or an embedded Episode) on the same scenario, seed, faults and policy, and compares every
        observation and latent-state hash. Prints "identical (N steps)" and exits 0, or names the
        first divergence (step, field, expected, actual) and exits 1. A trace with no verdict (an
        episode that was killed) prints "incomplete: N steps identical, …" and exits 0. A trace
        whose scenario file changed since it was recorded is refused (both hashes are named),
        exit 2.

        options:
          --show             print a timeline: virtual time, tool, arguments, faults fired,
                             status, latency, the state changes after each write, and per
                             service the regime inferred from the answers against the real one
          --state-at STEP    print the entity data after STEP steps (0 = initial, end = last)
                             as canonical JSON
          --scenario FILE    replay on FILE instead of the scenario path the trace names
          --format json      print {"result": "identical"|"diverged"|"incomplete", "steps",
                             "divergence", "verdict"} instead of the text line

        """

    static func run(_ arguments: inout ArgumentList) async throws -> ExitCode {
        let show = arguments.flag("--show")
        let stateAt = try arguments.option("--state-at")
        let scenarioPath = try arguments.option("--scenario")
        let json = try arguments.choice("--format", ["text", "json"]) == "json"
        let files = try arguments.positionals()
        guard files.count == 1, let file = files.first else {
            throw UsageError(
                command: name, message: files.isEmpty ? "missing the TRACE file" : "give exactly one TRACE file")
        }
        let trace: Trace
        do throws(TraceReadError) {
            trace = try Trace(contentsOfFile: file)
        } catch {
            throw CommandFailure.badInput("simrun replay: \(error)")
        }
        let report: Replayer.Report
        do throws(ReplayError) {
            report = try Replayer.replay(trace, scenarioPath: scenarioPath)
        } catch {
            throw CommandFailure.badInput("simrun replay: \(file.printable): \(error)")
        }
        if let stateAt {
            let index: Int
            if stateAt == "end" {
                index = report.dataAfterStep.count - 1
            } else if let step = Int(stateAt), step >= 0, step < report.dataAfterStep.count {
                index = step
            } else {
                throw UsageError(
                    command: name,
                    message:
                        "--state-at takes a step from 0 to \(report.dataAfterStep.count - 1) or 'end', not '\(stateAt)'"
                )
            }
            Terminal.out(report.dataAfterStep[index].json.canonicalText + "\n")
        }
        if show { Terminal.out(timeline(report, trace: trace)) }
        if json {
            Terminal.out(report.json.canonicalText + "\n")
        } else if stateAt == nil || report.divergence != nil {
            Terminal.out(report.summary(source: file))
        }
        return report.divergence == nil ? .success : .failure
    }

    static func timeline(_ report: Replayer.Report, trace: Trace) -> String {
        let header = trace.header
        var text =
            "\(report.scenario.name) — seed \(header.seed), trial \(header.trial), agent \(header.agent.rawValue)\n"
        for step in report.steps {
            let recorded = step.recorded
            let time = formatSeconds(recorded.atMs)
            let faults = recorded.faults.isEmpty ? "" : "  faults: \(recorded.faults.joined(separator: ", "))"
            let policy = recorded.policy == .allowed ? "" : "  [\(recorded.policy.rawValue)]"
            text +=
                "\n#\(recorded.index)  t=\(time)  +\(recorded.thinkMs) ms think  \(recorded.tool) \(recorded.arguments.canonicalText)\(policy)\n"
            text += "    → \(recorded.status) in \(recorded.latencyMs) ms\(faults)\n"
            let body = recorded.body.count > 160 ? String(recorded.body.prefix(157)) + "…" : recorded.body
            text += "    \(body.replacingOccurrences(of: "\n", with: " "))\n"
            if recorded.committed {
                for line in StateDiff.lines(from: step.dataBefore, to: step.dataAfter) { text += "    \(line)\n" }
            }
        }
        let regimes = RegimeReport.lines(scenario: report.scenario, steps: report.steps.map(\.recorded))
        if !regimes.isEmpty {
            text += "\nservices (regimes inferred from what the agent saw):\n"
            for line in regimes { text += "  \(line)\n" }
        }
        if let verdict = trace.verdict {
            text += "\n" + verdict.rendered(symbols: Terminal.stdoutIsTerminal ? .unicode : .ascii)
            if !text.hasSuffix("\n") { text += "\n" }
        }
        return text
    }

    static func formatSeconds(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        let fraction = String(milliseconds % 1000)
        return "\(seconds).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}
