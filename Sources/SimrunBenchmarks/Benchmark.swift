/// One named, measured operation: `run` performs the operation once.
///
/// Benchmarks are the one place in simrun where wall-clock time is measured; results never
/// feed back into episodes or traces.
package struct Benchmark: Sendable {
    /// The name shown in reports, unique within its group, e.g. `parse 1 MB records (simrun)`.
    package let name: String
    /// Performs the operation once (or `operationsPerRun` times). Keep setup (input
    /// generation) outside: capture prepared inputs instead.
    package let run: @Sendable () -> Void
    /// How many operations one call of `run` performs (for example a batch of pipelined
    /// requests); times are reported per operation.
    package let operationsPerRun: Int

    /// A benchmark named `name` that measures `run`, which performs `operationsPerRun` operations.
    package init(_ name: String, operationsPerRun: Int = 1, run: @escaping @Sendable () -> Void) {
        self.name = name
        self.operationsPerRun = max(1, operationsPerRun)
        self.run = run
    }
}

/// A pair of benchmarks in the same group to report as a speed ratio, e.g. simrun against
/// Foundation's `JSONSerialization`.
package struct BenchmarkComparison: Sendable {
    /// What is compared, e.g. `parse 200 B object`.
    package let label: String
    /// The benchmark expected to be faster.
    package let candidate: String
    /// The benchmark it is measured against.
    package let baseline: String
    /// The speedup (baseline time / candidate time) the candidate should reach, if any (set from
    /// the thresholds file by `BenchmarkSuite.applying(_:)`).
    package var target: Double?

    /// A comparison of `candidate` against `baseline`.
    package init(_ label: String, candidate: String, baseline: String, target: Double? = nil) {
        self.label = label
        self.candidate = candidate
        self.baseline = baseline
        self.target = target
    }
}

/// Related benchmarks and the comparisons between them.
package struct BenchmarkGroup: Sendable {
    /// The group's name, e.g. `json`.
    package let name: String
    /// The benchmarks, run in this order.
    package let benchmarks: [Benchmark]
    /// Ratios to report between benchmarks of this group.
    package var comparisons: [BenchmarkComparison]
    /// Absolute targets (operations per second) for benchmarks of this group (set from the
    /// thresholds file by `BenchmarkSuite.applying(_:)`).
    package var thresholds: [BenchmarkThreshold]
    /// Run once after the group's benchmarks (for example to delete the traces they wrote).
    package let tearDown: (@Sendable () -> Void)?

    /// A group of benchmarks.
    package init(
        _ name: String, benchmarks: [Benchmark], comparisons: [BenchmarkComparison] = [],
        thresholds: [BenchmarkThreshold] = [], tearDown: (@Sendable () -> Void)? = nil
    ) {
        self.name = name
        self.benchmarks = benchmarks
        self.comparisons = comparisons
        self.thresholds = thresholds
        self.tearDown = tearDown
    }

    /// This group with only the benchmarks whose name contains `text`.
    package func filtered(nameContains text: String) -> BenchmarkGroup {
        BenchmarkGroup(
            name, benchmarks: benchmarks.filter { $0.name.contains(text) }, comparisons: comparisons,
            thresholds: thresholds, tearDown: tearDown)
    }
}

/// The benchmarks `simrun bench` runs.
package struct BenchmarkSuite: Sendable {
    /// The groups, run in this order.
    package var groups: [BenchmarkGroup]

    /// A suite of groups.
    package init(groups: [BenchmarkGroup]) {
        self.groups = groups
    }

    /// Everything `simrun bench` measures, reading the shipped scenarios from `directory`
    /// (groups that need them are empty, with a note on standard error, when they are missing),
    /// with no targets: apply them with `applying(_:)`. To add benchmarks, write a function
    /// returning a `BenchmarkGroup` and append it here, and give it targets in thresholds.json.
    package static func standard(scenarios directory: String = "scenarios") -> BenchmarkSuite {
        BenchmarkSuite(
            groups: [
                JSONBenchmarks.group(), WorldModelBenchmarks.group(directory: directory),
                ExpressionBenchmarks.group(directory: directory),
                ValidationBenchmarks.group(directory: directory), EpisodeBenchmarks.group(directory: directory),
                LargeWorldBenchmarks.group(directory: directory), LearningBenchmarks.group(),
            ]
                + [
                    MCPBenchmarks.group(scenarioPath: "\(directory)/crm-refund.json"),
                    RecordBenchmarks.group(scenarioPath: "\(directory)/crm-refund.json"),
                ].compactMap { $0 })
    }

    /// The names of the groups, in run order.
    package var groupNames: [String] { groups.map(\.name) }

    /// This suite with only the group named `name`, or `nil` when there is none.
    package func only(group name: String) -> BenchmarkSuite? {
        let kept = groups.filter { $0.name == name }
        return kept.isEmpty ? nil : BenchmarkSuite(groups: kept)
    }

    /// This suite with only the benchmarks whose name contains `text`.
    package func filtered(nameContains text: String) -> BenchmarkSuite {
        BenchmarkSuite(groups: groups.map { $0.filtered(nameContains: text) })
    }

    /// This suite held to `targets`: each ratio target sets the target of the comparison it names,
    /// each absolute target is added to its group. Targets naming nothing in the suite are left
    /// out (a test checks that every shipped target names a benchmark of the standard suite).
    package func applying(_ targets: BenchmarkTargets) -> BenchmarkSuite {
        var suite = self
        for index in suite.groups.indices {
            let name = suite.groups[index].name
            for ratio in targets.ratios where ratio.group == name {
                for comparison in suite.groups[index].comparisons.indices
                where suite.groups[index].comparisons[comparison].label == ratio.comparison {
                    suite.groups[index].comparisons[comparison].target = ratio.minimumSpeedup
                }
            }
            suite.groups[index].thresholds += targets.absolute.filter { $0.group == name }.map(\.threshold)
        }
        return suite
    }

    /// The targets of `targets` that name no comparison or benchmark of this suite, as
    /// `group: name` (empty when every target applies).
    package func unmatched(_ targets: BenchmarkTargets) -> [String] {
        var unmatched: [String] = []
        for ratio in targets.ratios {
            let group = groups.first { $0.name == ratio.group }
            if group?.comparisons.contains(where: { $0.label == ratio.comparison }) != true {
                unmatched.append("\(ratio.group): \(ratio.comparison)")
            }
        }
        for target in targets.absolute {
            let group = groups.first { $0.name == target.group }
            if group?.benchmarks.contains(where: { $0.name == target.threshold.benchmark }) != true {
                unmatched.append("\(target.group): \(target.threshold.benchmark)")
            }
        }
        return unmatched
    }
}

/// Keeps the optimizer from discarding a value computed only for measurement.
@inline(never)
package func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
