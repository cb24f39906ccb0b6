import WorldModel

/// One named, measured operation: `run` performs the operation once.
///
/// Benchmarks are the one place in simrun where wall-clock time is measured; results never
/// feed back into episodes or traces.
public struct Benchmark: Sendable {
    /// The name shown in reports, unique within its group, e.g. `parse 1 MB records (simrun)`.
    public let name: String
    /// Performs the operation once (or `operationsPerRun` times). Keep setup (input
    /// generation) outside: capture prepared inputs instead.
    public let run: @Sendable () -> Void
    /// How many operations one call of `run` performs (for example a batch of pipelined
    /// requests); times are reported per operation.
    public let operationsPerRun: Int

    /// A benchmark named `name` that measures `run`, which performs `operationsPerRun` operations.
    public init(_ name: String, operationsPerRun: Int = 1, run: @escaping @Sendable () -> Void) {
        self.name = name
        self.operationsPerRun = max(1, operationsPerRun)
        self.run = run
    }
}

/// A pair of benchmarks in the same group to report as a speed ratio, e.g. simrun against
/// Foundation's `JSONSerialization`.
public struct BenchmarkComparison: Sendable {
    /// What is compared, e.g. `parse 200 B object`.
    public let label: String
    /// The benchmark expected to be faster.
    public let candidate: String
    /// The benchmark it is measured against.
    public let baseline: String
    /// The speedup (baseline time / candidate time) the candidate should reach, if any.
    public let target: Double?

    /// A comparison of `candidate` against `baseline`.
    public init(_ label: String, candidate: String, baseline: String, target: Double? = nil) {
        self.label = label
        self.candidate = candidate
        self.baseline = baseline
        self.target = target
    }
}

/// Related benchmarks and the comparisons between them.
public struct BenchmarkGroup: Sendable {
    /// The group's name, e.g. `json`.
    public let name: String
    /// The benchmarks, run in this order.
    public let benchmarks: [Benchmark]
    /// Ratios to report between benchmarks of this group.
    public let comparisons: [BenchmarkComparison]
    /// Absolute targets (operations per second) for benchmarks of this group.
    public let thresholds: [BenchmarkThreshold]

    /// A group of benchmarks.
    public init(
        _ name: String, benchmarks: [Benchmark], comparisons: [BenchmarkComparison] = [],
        thresholds: [BenchmarkThreshold] = []
    ) {
        self.name = name
        self.benchmarks = benchmarks
        self.comparisons = comparisons
        self.thresholds = thresholds
    }
}

/// The benchmarks `simrun bench` runs.
public struct BenchmarkSuite: Sendable {
    /// The groups, run in this order.
    public var groups: [BenchmarkGroup]

    /// A suite of groups.
    public init(groups: [BenchmarkGroup]) {
        self.groups = groups
    }

    /// Everything `simrun bench` measures. To add benchmarks (world-model steps, MCP round
    /// trips), write a function returning a `BenchmarkGroup` and append it here.
    public static func standard() -> BenchmarkSuite {
        // Groups that need the shipped scenarios are skipped when run outside the project root.
        BenchmarkSuite(
            groups: [JSONBenchmarks.group(), WorldModelBenchmarks.group(), ValidationBenchmarks.group()]
                + [MCPBenchmarks.group()].compactMap { $0 })
    }
}

/// Keeps the optimizer from discarding a value computed only for measurement.
@inline(never)
public func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}
