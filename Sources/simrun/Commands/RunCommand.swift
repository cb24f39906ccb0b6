import Foundation
import Sandbox
import Scenarios
import WorldModel

/// `simrun run`: plays episodes of a scenario and prints a verdict or a scorecard.
enum RunCommand: Command {
    static let name = "run"
    static let abstract = "run an agent against a scenario over seeds and trials; verdicts, pass^k, JUnit"
    static let options = OptionTable(
        positionals: "FILE|DIR",
        options: [
            .choice(
                "--agent", "NAME", ReferenceAgent.all.map(\.kind),
                help: "robust (default): retries with backoff, honours Retry-After, uses idempotency keys, "
                    + "validates what it reads; naive: tries once, trusts what it reads; scripted: the solution "
                    + "verbatim, stops at the first error"),
            .value(
                "--agent-cmd", "CMD",
                help: "an external agent: per episode, CMD runs under /bin/sh with SIMRUN_MCP_CONFIG (an mcpServers "
                    + "config that starts `simrun serve` for the episode), SIMRUN_TASK, SIMRUN_SEED and SIMRUN_TRIAL "
                    + "set; the episode is scored from the trace the server records. An episode whose agent starts "
                    + "the server more than once fails \"one MCP session per episode\" (use --http). Example:\n"
                    + #"--agent-cmd 'claude -p "$SIMRUN_TASK" --mcp-config "$SIMRUN_MCP_CONFIG"'"#),
            .flag(
                "--http",
                help: "with --agent-cmd: start `simrun serve --http` for each episode and give the agent its URL in "
                    + "SIMRUN_MCP_URL (and a config with a url entry), so clients that open a session per call "
                    + "still play one episode"),
            .integer(
                "--agent-timeout", "S", range: 1...86_400,
                help: "wall-clock limit per external episode in seconds (default 600)"),
            .value("--seed", "N", help: "one seed (default 1)"),
            .value("--seeds", "A..B", help: "every seed from A to B inclusive"),
            .integer(
                "--trials", "K", range: 1...10_000,
                help: "trials per seed (default 1); trial t > 1 draws another world from the seed"),
        ] + EpisodeOptions.specs + [
            .value(
                "--trace-dir", "DIR",
                help: "where traces go (default: traces); one JSONL file per episode. A run holds the directory "
                    + "while it runs: another run into it is refused"),
            .choice("--format", "FORMAT", OutputFormat.allCases, help: "text (default) for people, json for programs"),
            .value("--junit", "FILE", help: "also write a JUnit XML report (one testcase per seed and trial)"),
            .integer(
                "--jobs", "N", range: 1...1024,
                help: "episodes played in parallel (default: all cores for built-in agents, 1 for --agent-cmd); "
                    + "built-in results are identical either way"),
        ],
        exclusive: [["--agent", "--agent-cmd"], ["--seed", "--seeds"]] + EpisodeOptions.exclusive)

    static let about = """
        Plays the scenario FILE (a path, or the name of a shipped scenario: found in ./scenarios,
        SIMRUN_SCENARIOS or beside the simrun executable) with a built-in reference agent. One
        seed prints the verdict with every check and its evidence; several seeds or trials print
        a scorecard: pass rate, pass^k, failing checks, the failing seeds with the exact command
        that replays each, virtual latency p50/p99 and faults fired.
        A DIR runs every scenario in it (world files, which have no task, are skipped) and prints
        one scorecard per task, then the total; --junit writes one testsuite per task.
        """

    static let epilogue = """
        exit status: 0 every episode passed, 1 some verdict failed, 2 bad input or usage (including
        a trace directory that cannot be created or that another run holds), 3 a trace could not be
        written completely (the episodes still ran; no replay command is printed for that trace)

        examples:
          swift run simrun run scenarios/billing-outage.json
          swift run simrun run scenarios/billing-outage.json --agent naive --seeds 1..50
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        let agentKind = arguments.choice("--agent", as: AgentKind.self) ?? .robust
        let agentCommand = arguments.value("--agent-cmd")
        let agentTimeout = arguments.integer("--agent-timeout") ?? 600
        let trials = Int(arguments.integer("--trials") ?? 1)
        let options = try EpisodeOptions(arguments)
        let traceDirectory = arguments.value("--trace-dir") ?? "traces"
        let format = arguments.choice("--format", as: OutputFormat.self) ?? .text
        let junit = arguments.value("--junit")
        let jobs = arguments.integer("--jobs")
        let files = arguments.positionals
        guard files.count == 1, let file = files.first else {
            throw UsageError(
                command: name, message: files.isEmpty ? "missing the scenario FILE" : "give exactly one scenario FILE")
        }
        if arguments.flag("--http"), agentCommand == nil {
            throw UsageError(command: name, message: "--http needs --agent-cmd (built-in agents play in process)")
        }
        let seeds = try arguments.value("--seeds").map(parseSeedRange) ?? [parseSeed(arguments.value("--seed") ?? "1")]

        if FileProblem.isDirectory(file) {
            guard agentCommand == nil else {
                throw UsageError(command: name, message: "--agent-cmd runs one scenario FILE, not a directory")
            }
            return try runSuite(
                directory: file, agent: agentKind, seeds: seeds, trials: trials, options: options,
                traceDirectory: traceDirectory, format: format, junit: junit, jobs: jobs)
        }
        let scenario = try options.load(file)
        let showProgress = Terminal.stderrIsTerminal && seeds.count * trials > 1
        let progress: @Sendable (Int, Int) -> Void = { done, total in
            if showProgress { Terminal.error("\r\(scenario.name): \(done)/\(total) episodes") }
        }
        var scorecard: Scorecard
        var verdicts: [Verdict] = []
        var traceErrors: [TraceWriteError] = []
        do throws(TraceWriteError) {
            if let agentCommand {
                let runner = ExternalAgentRunner(
                    command: agentCommand, scenario: scenario, policy: options.policy,
                    simrunExecutable: Terminal.executablePath, traceDirectory: traceDirectory,
                    timeoutSeconds: Double(agentTimeout), transport: arguments.flag("--http") ? .http : .stdio)
                scorecard = Scorecard(
                    episodes: try runner.run(
                        seeds: seeds, trials: trials, parallelism: Int(jobs ?? 1), progress: progress))
            } else {
                guard let agent = ReferenceAgent(agentKind) else {
                    preconditionFailure("--agent offers only built-in agents")
                }
                let plan = RunPlan(
                    scenario: scenario, agent: agent, seeds: seeds, trials: trials, policy: options.policy,
                    traceDirectory: traceDirectory)
                // A sweep keeps aggregates and its failing episodes, not every episode (unless a
                // report lists them all): its memory does not grow with the seeds.
                let single = seeds.count * trials == 1
                var tally = Scorecard.Tally(keepsPassingEpisodes: single || format == .json || junit != nil)
                var archived = 0
                let archiveError = try EpisodeRunner.run(
                    plan, parallelism: jobs.map(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount,
                    progress: progress
                ) { outcome in
                    if let error = outcome.traceError { traceErrors.append(error) }
                    if single { verdicts.append(outcome.verdict) }
                    if plan.archivePath != nil, outcome.summary.tracePath == plan.archivePath { archived += 1 }
                    tally.add(outcome.summary)
                }
                if let archiveError, let archivePath = plan.archivePath, archived > 0 {
                    traceErrors.append(archiveError)
                    tally.archiveFailed(path: archivePath)
                }
                scorecard = Scorecard(tally)
            }
        } catch {
            throw CommandFailure.badInput("simrun run: \(error)")
        }
        if showProgress { Terminal.error("\r\u{1B}[K") }
        for error in traceErrors { Terminal.error("simrun run: the trace was not written: \(error)\n") }
        if let junit { try writeJUnit(scorecard, name: scenario.name, to: junit) }
        if format == .json {
            var json = scorecard.json
            if verdicts.count == 1, case .object(var object) = json {
                object["verdict"] = verdicts[0].json
                json = .object(object)
            }
            Terminal.out(json.prettyText + "\n")
        } else if verdicts.count == 1, let verdict = verdicts.first, let summary = scorecard.episodes.first {
            Terminal.out(
                summary.text(verdict: verdict, title: scenario.title, agent: agentKind, symbols: Terminal.reportSymbols)
            )
        } else {
            Terminal.out(scorecard.text)
        }
        if !traceErrors.isEmpty { return traceErrors.allSatisfy(\.isUnusablePath) ? .badInput : .internalError }
        return scorecard.passedCount == scorecard.episodeCount ? .success : .failure
    }

    static func writeJUnit(_ scorecard: Scorecard, name: String, to junit: String) throws {
        do {
            try Data(JUnitReport.xml(for: scorecard, name: name).utf8).write(
                to: URL(fileURLWithPath: junit), options: .atomic)
        } catch {
            throw CommandFailure.badInput(
                "simrun run: cannot write the JUnit report to \(junit.printable): \(FileProblem(error))")
        }
    }

    /// `simrun run DIR`: every scenario of the directory with a built-in agent, one scorecard
    /// per task and the total. Every scenario is loaded before any is played.
    static func runSuite(
        directory: String, agent kind: AgentKind, seeds: [UInt64], trials: Int, options: EpisodeOptions,
        traceDirectory: String, format: OutputFormat, junit: String?, jobs: Int64?
    ) throws -> ExitCode {
        let suite = try ScenarioSuite(directory: directory)
        guard !suite.scenarioFiles.isEmpty else {
            throw CommandFailure.badInput("simrun run: no scenario files in \(directory.printable)")
        }
        var scenarios: [Scenario] = []
        var problems: [ScenarioIssue] = []
        for file in suite.scenarioFiles {
            do throws(ScenarioLoadError) {
                scenarios.append(try options.load(file))
            } catch {
                problems += error.issues
            }
        }
        if !problems.isEmpty { throw ScenarioLoadError(issues: problems) }
        guard let agent = ReferenceAgent(kind) else { preconditionFailure("--agent offers only built-in agents") }
        var summaries: [EpisodeSummary] = []
        var traceErrors: [TraceWriteError] = []
        for scenario in scenarios {
            let plan = RunPlan(
                scenario: scenario, agent: agent, seeds: seeds, trials: trials, policy: options.policy,
                traceDirectory: traceDirectory)
            do throws(TraceWriteError) {
                let outcomes = try EpisodeRunner.run(
                    plan, parallelism: jobs.map(Int.init) ?? ProcessInfo.processInfo.activeProcessorCount,
                    progress: { _, _ in })
                traceErrors += outcomes.compactMap(\.traceError)
                summaries += outcomes.map(\.summary)
            } catch {
                throw CommandFailure.badInput("simrun run: \(error)")
            }
        }
        for error in traceErrors { Terminal.error("simrun run: the trace was not written: \(error)\n") }
        let card = SuiteScorecard(episodes: summaries)
        if let junit {
            try writeJUnit(card.total, name: (directory as NSString).lastPathComponent, to: junit)
        }
        Terminal.out(format == .json ? card.json.prettyText + "\n" : card.text)
        if !traceErrors.isEmpty { return traceErrors.allSatisfy(\.isUnusablePath) ? .badInput : .internalError }
        return summaries.allSatisfy(\.passed) ? .success : .failure
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
