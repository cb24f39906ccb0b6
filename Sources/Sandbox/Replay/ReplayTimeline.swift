/// The timeline of a replayed trace, for people (`simrun replay --show`).
///
/// Per step: virtual time, think time, tool, arguments, policy decision, status, latency, the
/// faults that fired, whether the agent cancelled the call before its answer, the body (cut at
/// 160 characters) and the state changes of a committed write; then per service the regime inferred from what the agent saw, and the verdict.
public enum ReplayTimeline {
    /// The timeline of `report`, a replay of `trace`, with `symbols` for the verdict's marks.
    public static func text(_ report: Replayer.Report, trace: Trace, symbols: ReportSymbols = .unicode) -> String {
        let header = trace.header
        var text =
            "\(report.scenario.name) — seed \(header.seed), trial \(header.trial), agent \(header.agent.rawValue)\n"
        report.forEachStep { step, before, after in
            let recorded = step.recorded
            let time = _TextFormatting.seconds(milliseconds: recorded.atMs) + "s"
            let faults = recorded.faults.isEmpty ? "" : "  faults: \(recorded.faults.joined(separator: ", "))"
            let policy = recorded.policy == .allowed ? "" : "  [\(recorded.policy.rawValue)]"
            text +=
                "\n#\(recorded.index)  t=\(time)  +\(recorded.thinkMs) ms think  \(recorded.tool) \(recorded.arguments.canonicalText)\(policy)\n"
            text += "    → \(recorded.status) in \(recorded.latencyMs) ms\(faults)\n"
            if trace.cancellations.contains(where: { $0.step == recorded.index }) {
                text += "    (the agent cancelled the call before the answer came: it never read it)\n"
            }
            let body = recorded.body.count > 160 ? String(recorded.body.prefix(157)) + "…" : recorded.body
            text += "    \(body.replacing("\n", with: " "))\n"
            if recorded.committed {
                for line in StateDiff.lines(from: before, to: after) { text += "    \(line)\n" }
            }
        }
        let regimes = RegimeReport.lines(scenario: report.scenario, steps: report.steps.map(\.recorded))
        if !regimes.isEmpty {
            text += "\nservices (regimes inferred from what the agent saw):\n"
            for line in regimes { text += "  \(line)\n" }
        }
        if let verdict = trace.verdict {
            text += "\n" + verdict.rendered(symbols: symbols)
            if !text.hasSuffix("\n") { text += "\n" }
        }
        return text
    }
}
