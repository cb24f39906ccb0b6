import WorldModel

/// Results over many episodes — seeds × trials, possibly of several scenarios — for people
/// (`text`) and programs (`json`).
///
/// - **pass rate**: passed episodes / episodes.
/// - **pass^k**: the fraction of tasks (scenario + seed) whose trials *all* passed, where k is
///   the number of trials per task. It measures reliability: an agent that passes each trial
///   with probability p has pass^k ≈ pⁿ, far below its pass rate.
/// - **pass@1**: the mean over tasks of each task's pass fraction (equal to the pass rate when
///   every task has the same number of trials).
/// - latency percentiles are nearest-rank over every call's virtual latency.
///
/// Every list is in a fixed order, so the output is byte-identical for the same episodes in
/// any input order.
public struct Scorecard: Sendable, Hashable {
    /// A check and how many episodes it failed in.
    public struct CheckFailureCount: Sendable, Hashable {
        /// The check's name.
        public var name: String
        /// The number of episodes in which it failed.
        public var count: Int
    }

    /// A fault rule and how many times it fired across all episodes.
    public struct FaultCount: Sendable, Hashable {
        /// The fault rule's id.
        public var id: String
        /// The number of times it fired.
        public var count: Int
    }

    /// The episodes, ordered by scenario name, seed, then trial: all of them, or only the failing
    /// ones for a scorecard built from a `Tally` that keeps aggregates (`episodeCount` still
    /// counts every episode).
    public let episodes: [EpisodeSummary]
    /// The number of episodes.
    public let episodeCount: Int
    /// The distinct scenario names, in byte order.
    public let scenarios: [String]
    /// The number of episodes that passed.
    public let passedCount: Int
    /// The number of tasks (distinct scenario and seed pairs).
    public let taskCount: Int
    /// The number of tasks all of whose trials passed.
    public let tasksAllPassed: Int
    /// The smallest number of trials of any task: the k of pass^k (0 with no episodes).
    public let k: Int
    /// Whether every task has the same number of trials.
    public let trialsAreUniform: Bool
    /// The mean over tasks of each task's fraction of passed trials.
    public let passAt1: Double
    /// Failing checks with the number of episodes each failed in, most failures first, then by name.
    public let checkFailures: [CheckFailureCount]
    /// Faults with the number of times each fired, most first, then by id.
    public let faultCounts: [FaultCount]
    /// The number of tool calls across all episodes.
    public let callCount: Int
    /// The median (nearest-rank) virtual latency of a call, or `nil` without calls.
    public let latencyP50Ms: Int64?
    /// The 99th-percentile (nearest-rank) virtual latency of a call, or `nil` without calls.
    public let latencyP99Ms: Int64?

    /// Aggregates `episodes` (in any order), keeping every one.
    public init(episodes: [EpisodeSummary]) {
        let sorted = episodes.sorted { a, b in Tally.precedes(a, b) }
        var tally = Tally(keepsPassingEpisodes: true)
        for episode in sorted { tally.add(episode) }
        self.init(tally)
    }

    /// The scorecard of the episodes a tally was given.
    package init(_ tally: Tally) {
        episodes = tally.kept
        episodeCount = tally.episodeCount
        scenarios = tally.scenarios
        passedCount = tally.passedCount
        scenarioFaultCount = tally.scenarioFaultCount
        let taskTrials = tally.taskTrials
        taskCount = taskTrials.count
        tasksAllPassed = taskTrials.count { $0.passed == $0.trials }
        k = taskTrials.map(\.trials).min() ?? 0
        trialsAreUniform = Set(taskTrials.map(\.trials)).count <= 1
        passAt1 =
            taskTrials.isEmpty
            ? 0 : taskTrials.reduce(0.0) { $0 + Double($1.passed) / Double($1.trials) } / Double(taskTrials.count)
        self.taskTrials = taskTrials
        checkFailures = Self.ranked(tally.checkFailures).map { CheckFailureCount(name: $0.0, count: $0.1) }
        faultCounts = Self.ranked(tally.faults).map { FaultCount(id: $0.0, count: $0.1) }
        let latencies = tally.latencies.sorted { $0.key < $1.key }
        callCount = latencies.reduce(0) { $0 + $1.value }
        latencyP50Ms = Self.nearestRank(latencies, count: callCount, percent: 50)
        latencyP99Ms = Self.nearestRank(latencies, count: callCount, percent: 99)
    }

    /// Per task: trials and passes, in task order.
    struct TaskTally: Sendable, Hashable {
        var trials: Int
        var passed: Int
    }
    let taskTrials: [TaskTally]

    /// Failed episodes whose failure is the scenario's (see `EpisodeSummary.scenarioAtFault`):
    /// left out of `passRate`, shown on their own line.
    public let scenarioFaultCount: Int

    /// Passed episodes / episodes the agent is answerable for: episodes that failed because of
    /// the scenario are left out (0 with none).
    public var passRate: Double {
        let answerable = episodeCount - scenarioFaultCount
        return answerable == 0 ? 0 : Double(passedCount) / Double(answerable)
    }

    /// pass^k with k = `k`: tasks whose trials all passed / tasks (0 with no tasks).
    public var passHatK: Double { taskCount == 0 ? 0 : Double(tasksAllPassed) / Double(taskCount) }

    /// The unbiased estimate of pass^`k` for any `k` from 1 to the fewest trials of a task:
    /// the mean over tasks of C(passed, k) / C(trials, k). `passHat(k)` equals `passHatK`, and
    /// `passHat(1)` equals `passAt1`. `nil` when `k` is out of that range.
    public func passHat(_ k: Int) -> Double? {
        guard k >= 1, k <= self.k, !taskTrials.isEmpty else { return nil }
        var total = 0.0
        for task in taskTrials {
            // C(c, k) / C(n, k) = Π_{i<k} (c - i) / (n - i)
            var ratio = 1.0
            for i in 0..<k {
                ratio *= Double(max(task.passed - i, 0)) / Double(task.trials - i)
            }
            total += ratio
        }
        return total / Double(taskTrials.count)
    }

    /// The episodes that failed, in scenario, seed, trial order.
    public var failingEpisodes: [EpisodeSummary] { episodes.filter { !$0.passed } }

    /// The value at nearest rank ⌈p/100 · n⌉ of ascending `values`, or `nil` if empty.
    package static func nearestRank(_ ascending: [Int64], percent: Int) -> Int64? {
        guard !ascending.isEmpty else { return nil }
        let rank = (percent * ascending.count + 99) / 100
        return ascending[min(max(rank, 1), ascending.count) - 1]
    }

    /// The value at nearest rank ⌈p/100 · n⌉ of `count` values given as ascending (value,
    /// occurrences) pairs, or `nil` if there are none.
    static func nearestRank(_ histogram: [(key: Int64, value: Int)], count: Int, percent: Int) -> Int64? {
        guard count > 0 else { return nil }
        let rank = min(max((percent * count + 99) / 100, 1), count)
        var seen = 0
        for (value, occurrences) in histogram {
            seen += occurrences
            if seen >= rank { return value }
        }
        preconditionFailure("a latency histogram holds fewer values than it counts")
    }

    /// Occurrence counts, most first, ties by UTF-8 byte order of the name.
    static func ranked(_ counts: [String: Int]) -> [(String, Int)] {
        counts.map { ($0.key, $0.value) }.sorted { a, b in
            a.1 != b.1 ? a.1 > b.1 : a.0.utf8.lexicographicallyPrecedes(b.0.utf8)
        }
    }
}
