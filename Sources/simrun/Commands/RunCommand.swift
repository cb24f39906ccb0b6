import Foundation
import Sandbox
import Scenarios
import WorldModel

/// `simrun run`: plays episodes of a scenario and prints a verdict or a scorecard.
enum RunCommand: Command {
    static let name = "run"
    static let abstract = "run an agent against a scenario over seeds and trials; verdicts, pass^k, JUnit"
    static let help = """
        usage: simrun run FILE [--agent robust|naive|scripted | --agent-cmd CMD] [--seed N | --seeds A..B] [--trials K]
                         [--faults OVERLAY | --no-faults] [--approvals auto|deny] [--scopes S1,S2]
                         [--trace-dir DIR] [--format text|json] [--junit FILE] [--jobs N]

        Plays the scenario FILE (a path, or the name of a shipped scenario in ./scenarios) with a
        built-in reference agent. One seed prints the verdict with every check and its evidence;
        several seeds or trials print a scorecard: pass rate, pass^k, failing checks, the failing
        seeds with the exact command that replays each, virtual latency p50/p99 and faults fired.

        options:
          --agent NAME       robust (default): retries with backoff, honours Retry-After, uses
                             idempotency keys, validates what it reads; naive: tries once, trusts
                             what it reads; scripted: the solution verbatim, stops at the first error
          --agent-cmd CMD    an external agent: per episode, CMD runs under /bin/sh with
                             SIMRUN_MCP_CONFIG (an mcpServers config that starts `simrun serve`
                             for the episode), SIMRUN_TASK, SIMRUN_SEED and SIMRUN_TRIAL set; the
                             episode is scored from the trace the server records. Example:
                             --agent-cmd 'claude -p "$SIMRUN_TASK" --mcp-config "$SIMRUN_MCP_CONFIG"'
          --agent-timeout S  wall-clock limit per external episode in seconds (default 600)
          --seed N           one seed (default 1)
          --seeds A..B       every seed from A to B inclusive
          --trials K         trials per seed (default 1); trial t > 1 draws another world from the seed
          --faults FILE      a fault overlay: add, replace or disable rules by id
          --no-faults        no fault rules at all (service regimes still apply)
          --approvals MODE   auto (default): approval-gated calls are granted and recorded;
                             deny: they are refused with 403
          --scopes LIST      grant only these capability scopes (comma-separated); default all
          --trace-dir DIR    where traces go (default: traces); one JSONL file per episode
          --format FORMAT    text (default) for people, json for programs
          --junit FILE       also write a JUnit XML report (one testcase per seed and trial)
          --jobs N           episodes played in parallel (default: all cores for built-in agents,
                             1 for --agent-cmd); built-in results are identical either way

        exit status: 0 every episode passed, 1 some verdict failed, 2 bad input or usage

        examples:
          swift run simrun run scenarios/billing-outage.json
          swift run simrun run scenarios/billing-outage.json --agent naive --seeds 1..50

        """

    static func run(_ arguments: inout ArgumentList) async throws -> ExitCode {
        let chosenAgent = try arguments.choice("--agent", ReferenceAgent.all.map(\.description))
        let agentCommand = try arguments.option("--agent-cmd")
        let agentTimeout = try arguments.integer("--agent-timeout", range: 1...86_400) ?? 600
        if chosenAgent != nil && agentCommand != nil {
            throw UsageError(command: name, message: "--agent and --agent-cmd exclude each other")
        }
        let agentName = chosenAgent ?? "robust"
        let seedText = try arguments.option("--seed")
        let seedsText = try arguments.option("--seeds")
        let trials = Int(try arguments.integer("--trials", range: 1...10_000) ?? 1)
        let options = try EpisodeOptions.read(&arguments)
        let traceDirectory = try arguments.option("--trace-dir") ?? "traces"
        let format = try arguments.choice("--format", ["text", "json"]) ?? "text"
        let junit = try arguments.option("--junit")
        let jobs = try arguments.integer("--jobs", range: 1...1024)
        let files = try arguments.positionals()
        guard files.count == 1, let file = files.first else {
            throw UsageError(
                command: name, message: files.isEmpty ? "missing the scenario FILE" : "give exactly one scenario FILE")
        }
        if seedText != nil && seedsText != nil {
            throw UsageError(command: name, message: "--seed and --seeds exclude each other")
        }
        let seeds = try seedsText.map(parseSeedRange) ?? [parseSeed(seedText ?? "1")]

        let (scenario, faults) = try options.load(file)
        let showProgress = Terminal.stderrIsTerminal && seeds.count * trials > 1
        let summaries: [EpisodeSummary]
        var verdicts: [Verdict] = []
        if let agentCommand {
            let agent = ExternalAgent(
                command: agentCommand, scenario: scenario, scenarioPath: ScenarioLoader.resolve(file), options: options,
                traceDirectory: traceDirectory, timeoutSeconds: Double(agentTimeout))
            let jobsList = seeds.flatMap { seed in (1...trials).map { (seed, $0) } }
            summaries = Parallel.map(jobsList.count, parallelism: Int(jobs ?? 1)) { done, total in
                if showProgress { Terminal.error("\r\(scenario.name): \(done)/\(total) episodes") }
            } _: { index in
                agent.play(seed: jobsList[index].0, trial: jobsList[index].1)
            }
            if showProgress { Terminal.error("\r\u{1B}[K") }
        } else {
            guard let agent = ReferenceAgent(named: agentName) else { return .badInput }
            let plan = RunPlan(
                scenario: scenario, agent: agent, seeds: seeds, trials: trials, policy: options.policy, faults: faults,
                traceDirectory: traceDirectory)

            let outcomes = EpisodeRunner.run(
                plan, parallelism: jobs.map(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount
            ) { done, total in
                if showProgress { Terminal.error("\r\(scenario.name): \(done)/\(total) episodes") }
            }
            if showProgress { Terminal.error("\r\u{1B}[K") }
            for outcome in outcomes {
                if let error = outcome.traceError { Terminal.error("simrun run: \(error)\n") }
            }
            summaries = outcomes.map(\.summary)
            verdicts = outcomes.map(\.verdict)
        }
        let scorecard = Scorecard(episodes: summaries)
        if let junit {
            do {
                try Data(JUnitReport.xml(for: scorecard, name: scenario.name).utf8).write(
                    to: URL(fileURLWithPath: junit), options: .atomic)
            } catch {
                throw CommandFailure.badInput(
                    "simrun run: cannot write the JUnit report to \(junit.printable): \(FileProblem(error))")
            }
        }
        if format == "json" {
            var json = scorecard.json
            if verdicts.count == 1, case .object(var object) = json {
                object["verdict"] = verdicts[0].json
                json = .object(object)
            }
            Terminal.out(json.prettyText + "\n")
        } else if verdicts.count == 1, let verdict = verdicts.first, let summary = summaries.first {
            Terminal.out(singleEpisodeText(verdict, summary: summary, scenario: scenario, agent: agentName))
        } else {
            Terminal.out(scorecard.text)
        }
        return summaries.allSatisfy(\.passed) ? .success : .failure
    }

    static func singleEpisodeText(_ verdict: Verdict, summary: EpisodeSummary, scenario: Scenario, agent: String)
        -> String
    {
        let symbols: ReportSymbols = Terminal.stdoutIsTerminal ? .unicode : .ascii
        var text = "\(scenario.name) — \(scenario.title)\nagent \(agent), seed \(summary.seed)\n\n"
        text += verdict.rendered(symbols: symbols)
        if !text.hasSuffix("\n") { text += "\n" }
        if let path = summary.tracePath { text += "\ntrace:  \(path)\n" }
        text += "replay: \(summary.replayCommand)\n"
        return text
    }

    static func parseSeed(_ text: String) throws(UsageError) -> UInt64 {
        guard let seed = UInt64(text) else {
            throw UsageError(command: name, message: "a seed is a whole number from 0 to \(UInt64.max), not '\(text)'")
        }
        return seed
    }

    static func parseSeedRange(_ text: String) throws(UsageError) -> [UInt64] {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2 else {
            throw UsageError(command: name, message: "--seeds takes a range like 1..50, not '\(text)'")
        }
        let low = try parseSeed(parts[0])
        let high = try parseSeed(parts[1])
        guard low <= high else { throw UsageError(command: name, message: "--seeds \(text): the range is empty") }
        guard high - low < 1_000_000 else {
            throw UsageError(command: name, message: "--seeds \(text): at most 1,000,000 seeds")
        }
        return Array(low...high)
    }
}
