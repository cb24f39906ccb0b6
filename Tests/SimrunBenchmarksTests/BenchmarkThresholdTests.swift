import Foundation
import SimrunBenchmarks
import Testing
import WorldModel

@Suite("Benchmark thresholds")
struct BenchmarkThresholdTests {
    static func result(_ name: String, ns: Double) -> BenchmarkResult {
        BenchmarkResult(
            group: "g", name: name, iterations: 10, nanosecondsPerOperation: ns, bestNanosecondsPerOperation: ns)
    }

    @Test("an ops/s threshold is met at or above the target and reported in text and JSON")
    func thresholds() throws {
        let fast = BenchmarkReport.ThresholdCheck(
            result: Self.result("fast", ns: 500), threshold: BenchmarkThreshold("fast", operationsPerSecond: 1_000_000))
        let slow = BenchmarkReport.ThresholdCheck(
            result: Self.result("slow", ns: 20_000), threshold: BenchmarkThreshold("slow", maximumNanoseconds: 10_000))
        #expect(fast.meetsTarget)
        #expect(!slow.meetsTarget)
        #expect(slow.threshold.minimumOperationsPerSecond == 100_000)
        let report = BenchmarkReport(results: [fast.result, slow.result], comparisons: [], thresholds: [fast, slow])
        #expect(!report.meetsAllTargets)
        #expect(report.text.contains("g: fast: 2000000 ops/s (target ops/s >= 1000000: met)"))
        #expect(report.text.contains("g: slow: 50000 ops/s (target ops/s >= 100000: MISSED)"))
        #expect(report.json[pointer: "/thresholds/1/meets_target"] == false)
        #expect(report.json[pointer: "/thresholds/0/target_ops_per_s"] == .double(1_000_000))
    }

    @Test("the runner checks a group's thresholds against its measurements")
    func runnerChecksThresholds() {
        let suite = BenchmarkSuite(groups: [
            BenchmarkGroup(
                "g", benchmarks: [Benchmark("noop") { blackHole(1) }],
                thresholds: [
                    BenchmarkThreshold("noop", operationsPerSecond: 1),
                    BenchmarkThreshold("missing", operationsPerSecond: 1),
                ])
        ])
        let report = BenchmarkRunner(
            budget: .milliseconds(3), warmUp: .milliseconds(1), minimumBatch: .microseconds(100)
        ).run(suite)
        #expect(report.thresholds.map(\.result.name) == ["noop"])
        #expect(report.meetsAllTargets)
    }

    @Test("the world-model group skips with no shipped scenarios, and builds from the project's scenarios")
    func worldModelGroup() {
        #expect(WorldModelBenchmarks.group(directory: "/nonexistent").benchmarks.isEmpty)
        let group = WorldModelBenchmarks.group(directory: ProjectPaths.scenarios)
        #expect(group.benchmarks.count == 8)
        // Targets come from thresholds.json, not from the code.
        #expect(group.thresholds.isEmpty)
        for benchmark in group.benchmarks { benchmark.run() }
    }
}
