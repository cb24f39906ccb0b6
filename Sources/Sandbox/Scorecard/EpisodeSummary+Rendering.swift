extension EpisodeSummary {
    /// The report of one episode for people (`simrun run` with one seed): the scenario's name
    /// and title, the agent and seed, the verdict with every check and its evidence, then the
    /// trace and the command that replays it — neither when no trace was written.
    public func text(verdict: Verdict, title: String, agent: AgentKind, symbols: ReportSymbols = .unicode) -> String {
        var text = "\(scenario) — \(title)\nagent \(agent.rawValue), seed \(seed)\n\n"
        text += verdict.rendered(symbols: symbols)
        if !text.hasSuffix("\n") { text += "\n" }
        if tracePath != nil || !replayCommand.isEmpty { text += "\n" }
        if let tracePath { text += "trace:  \(tracePath)\n" }
        if !replayCommand.isEmpty { text += "replay: \(replayCommand)\n" }
        return text
    }
}
