extension Scorecard {
    /// A scorecard's figures gathered one episode at a time, so that a sweep need not keep its
    /// episodes: counts, per task its trials and passes (16 bytes a task), failing-check and fault
    /// counts, and a histogram of call latencies (one entry per distinct latency, so the
    /// percentiles stay exact). Failing episodes are kept whole, with their trace and replay
    /// command; passing ones only when `keepsPassingEpisodes` (reports that list every episode:
    /// `json`, JUnit).
    ///
    /// Episodes are added in scenario (byte order), seed, trial order, as `Scorecard` sorts them,
    /// so the scorecard equals `Scorecard(episodes:)` of the same episodes; adding one out of
    /// that order is a programmer error and traps.
    package struct Tally: Sendable {
        /// Whether passing episodes are kept too.
        package let keepsPassingEpisodes: Bool
        private(set) var kept: [EpisodeSummary] = []
        private(set) var episodeCount = 0
        private(set) var passedCount = 0
        private(set) var scenarioFaultCount = 0
        private(set) var scenarios: [String] = []
        private(set) var taskTrials: [TaskTally] = []
        private(set) var checkFailures: [String: Int] = [:]
        private(set) var faults: [String: Int] = [:]
        private(set) var latencies: [Int64: Int] = [:]
        private var last: (scenario: String, seed: UInt64, trial: Int)?

        /// An empty tally.
        package init(keepsPassingEpisodes: Bool) {
            self.keepsPassingEpisodes = keepsPassingEpisodes
        }

        /// Counts `episode`, which comes after every episode added so far (see the type's note).
        package mutating func add(_ episode: EpisodeSummary) {
            let sameTask = last.map { $0.scenario == episode.scenario && $0.seed == episode.seed } ?? false
            if let last {
                precondition(
                    Self.precedes(last, (episode.scenario, episode.seed, episode.trial))
                        || (sameTask && last.trial == episode.trial),
                    "scorecard episodes are added in scenario, seed, trial order")
            }
            if last?.scenario != episode.scenario { scenarios.append(episode.scenario) }
            last = (episode.scenario, episode.seed, episode.trial)
            episodeCount += 1
            if episode.passed { passedCount += 1 }
            if episode.scenarioAtFault { scenarioFaultCount += 1 }
            if sameTask {
                taskTrials[taskTrials.count - 1].trials += 1
                taskTrials[taskTrials.count - 1].passed += episode.passed ? 1 : 0
            } else {
                taskTrials.append(TaskTally(trials: 1, passed: episode.passed ? 1 : 0))
            }
            for name in episode.failedCheckNames { checkFailures[name, default: 0] += 1 }
            for id in episode.faultsFired { faults[id, default: 0] += 1 }
            for latency in episode.callLatenciesMs { latencies[latency, default: 0] += 1 }
            if keepsPassingEpisodes || !episode.passed { kept.append(episode) }
        }

        /// Takes back the trace and replay command of the kept episodes whose trace is the archive
        /// at `path`: it could not be written (see `EpisodeRunner.run(_:parallelism:progress:each:)`).
        package mutating func archiveFailed(path: String) {
            for index in kept.indices where kept[index].tracePath == path {
                kept[index].tracePath = nil
                kept[index].replayCommand = ""
            }
        }

        /// Whether `a` comes before `b` in scorecard order: scenario name (UTF-8 byte order),
        /// then seed, then trial.
        static func precedes(_ a: EpisodeSummary, _ b: EpisodeSummary) -> Bool {
            precedes((a.scenario, a.seed, a.trial), (b.scenario, b.seed, b.trial))
        }

        private static func precedes(
            _ a: (scenario: String, seed: UInt64, trial: Int), _ b: (scenario: String, seed: UInt64, trial: Int)
        ) -> Bool {
            if a.scenario != b.scenario { return a.scenario.utf8.lexicographicallyPrecedes(b.scenario.utf8) }
            if a.seed != b.seed { return a.seed < b.seed }
            return a.trial < b.trial
        }
    }
}
