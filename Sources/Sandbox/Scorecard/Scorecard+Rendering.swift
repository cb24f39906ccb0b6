import WorldModel

extension Scorecard {
    /// A compact, aligned report for people (plain ASCII apart from names the scenario chose):
    ///
    /// ```
    /// scenario   crm-refund
    /// episodes   150 (50 seeds x 3 trials)
    /// passed     141/150 (94.0%)
    /// pass^3     44/50 seeds (88.0%)
    /// pass@1     94.0%
    /// latency    p50 120 ms, p99 2480 ms (virtual, 612 calls)
    ///
    /// failing checks
    ///      6  duplicate refunded exactly once
    ///
    /// faults fired
    ///     12  refund-lost-response
    ///
    /// failing episodes
    ///   crm-refund seed 7 trial 2: duplicate refunded exactly once
    ///     trace   traces/crm-refund/seed-7-trial-2.jsonl
    ///     replay  simrun replay traces/crm-refund/seed-7-trial-2.jsonl
    /// ```
    public var text: String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) { lines.append(_TextFormatting.rightPad(label, 10) + " " + value) }

        let names = scenarios
        row(names.count == 1 ? "scenario" : "scenarios", names.isEmpty ? "(none)" : names.joined(separator: ", "))
        let unit = names.count == 1 ? "seed" : "task"
        let shape =
            trialsAreUniform
            ? "\(taskCount) \(unit)\(taskCount == 1 ? "" : "s") x \(k) trial\(k == 1 ? "" : "s")"
            : "\(taskCount) \(unit)\(taskCount == 1 ? "" : "s"), "
                + "\(k) to \(taskTrials.map(\.trials).max() ?? k) trials each"
        row("episodes", "\(episodeCount) (\(shape))")
        if scenarioFaultCount == 0 {
            row("passed", "\(passedCount)/\(episodeCount) (\(_TextFormatting.percent(passedCount, of: episodeCount)))")
        } else {
            let answerable = episodeCount - scenarioFaultCount
            row("passed", "\(passedCount)/\(answerable) (\(_TextFormatting.percent(passedCount, of: answerable)))")
            row(
                "scenario",
                "\(scenarioFaultCount) episode\(scenarioFaultCount == 1 ? "" : "s") failed by the scenario's fault "
                    + "(a scenario_error), not counted against the agent")
        }
        row(
            "pass^\(k)",
            "\(tasksAllPassed)/\(taskCount) \(unit)s (\(_TextFormatting.percent(tasksAllPassed, of: taskCount)))"
                + (trialsAreUniform ? "" : ", k = fewest trials of any \(unit)"))
        row("pass@1", taskCount == 0 ? "n/a" : Self.percent(passAt1))
        if let p50 = latencyP50Ms, let p99 = latencyP99Ms {
            row("latency", "p50 \(p50) ms, p99 \(p99) ms (virtual, \(callCount) call\(callCount == 1 ? "" : "s"))")
        } else {
            row("latency", "no calls")
        }

        let countWidth = max(
            5, (checkFailures.map(\.count) + faultCounts.map(\.count)).map { String($0).count }.max() ?? 0)
        if !checkFailures.isEmpty {
            lines.append("")
            lines.append("failing checks")
            for failure in checkFailures {
                lines.append(_TextFormatting.leftPad(String(failure.count), countWidth) + "  " + failure.name)
            }
        }
        if !faultCounts.isEmpty {
            lines.append("")
            lines.append("faults fired")
            for fault in faultCounts {
                lines.append(_TextFormatting.leftPad(String(fault.count), countWidth) + "  " + fault.id)
            }
        }
        let failing = failingEpisodes
        if !failing.isEmpty {
            lines.append("")
            lines.append("failing episodes")
            for episode in failing {
                let names = episode.failedCheckNames
                let checks = names.isEmpty ? "failed" : names.joined(separator: ", ")
                lines.append("  \(episode.scenario) seed \(episode.seed) trial \(episode.trial): \(checks)")
                if let trace = episode.tracePath { lines.append("    trace   \(trace)") }
                if !episode.replayCommand.isEmpty { lines.append("    replay  \(episode.replayCommand)") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report for programs (`--format json`); keys are sorted by the canonical serializer
    /// and every array has a fixed order. Rates are numbers from 0 to 1.
    public var json: JSON {
        [
            "scenarios": .array(scenarios.map(JSON.string)),
            "episode_count": .int(episodeCount),
            "passed": .int(passedCount),
            "scenario_faults": .int(scenarioFaultCount),
            "pass_rate": .double(passRate),
            "tasks": .int(taskCount),
            "tasks_all_passed": .int(tasksAllPassed),
            "k": .int(k),
            "trials_uniform": .bool(trialsAreUniform),
            "pass_hat_k": .double(passHatK),
            "pass_at_1": .double(passAt1),
            "latency_ms": [
                "calls": .int(callCount),
                "p50": latencyP50Ms.map(JSON.int) ?? .null,
                "p99": latencyP99Ms.map(JSON.int) ?? .null,
            ],
            "check_failures": .array(checkFailures.map { ["name": .string($0.name), "count": .int($0.count)] }),
            "faults": .array(faultCounts.map { ["id": .string($0.id), "count": .int($0.count)] }),
            "failing": .array(
                failingEpisodes.map { episode in
                    [
                        "scenario": .string(episode.scenario),
                        "seed": episode.seed._recordJSON,
                        "trial": .int(episode.trial),
                        "failed_checks": .array(episode.failedCheckNames.map(JSON.string)),
                        "trace": episode.tracePath.map(JSON.string) ?? .null,
                        "replay": .string(episode.replayCommand),
                    ]
                }),
            "episodes": .array(episodes.map(\.json)),
        ]
    }

    /// A fraction in 0...1 as a percentage with one decimal, rounded half up.
    static func percent(_ fraction: Double) -> String {
        let tenths = Int((fraction * 1000).rounded(.toNearestOrAwayFromZero))
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
