import Foundation
import SimrunBenchmarks
import Testing
import WorldModel

@Suite("Benchmarks")
struct BenchmarkTests {
    static func result(_ name: String, ns: Double) -> BenchmarkResult {
        BenchmarkResult(
            group: "g", name: name, iterations: 10, nanosecondsPerOperation: ns, bestNanosecondsPerOperation: ns)
    }

    @Test("the runner measures every benchmark and pairs comparisons by name")
    func runnerRunsSuite() {
        let counter = Counter()
        let suite = BenchmarkSuite(groups: [
            BenchmarkGroup(
                "g",
                benchmarks: [
                    Benchmark("fast") { counter.increment() },
                    Benchmark("slow") { blackHole((0..<200).reduce(0, &+)) },
                ],
                comparisons: [
                    BenchmarkComparison("fast vs slow", candidate: "fast", baseline: "slow", target: 1),
                    BenchmarkComparison("unknown", candidate: "nope", baseline: "slow"),
                ])
        ])
        let runner = BenchmarkRunner(
            budget: .milliseconds(5), warmUp: .milliseconds(2), minimumBatch: .microseconds(100))
        let report = runner.run(suite)
        #expect(report.results.map(\.name) == ["fast", "slow"])
        #expect(report.results.allSatisfy { $0.iterations > 0 && $0.nanosecondsPerOperation > 0 })
        #expect(counter.value > 0)
        #expect(report.comparisons.map(\.label) == ["fast vs slow"])
    }

    @Test("comparisons compute the speedup and whether the target is met")
    func comparisonTargets() {
        let met = BenchmarkReport.Comparison(
            group: "g", label: "x", candidate: Self.result("a", ns: 100), baseline: Self.result("b", ns: 250), target: 2
        )
        #expect(met.speedup == 2.5)
        #expect(met.meetsTarget)
        let missed = BenchmarkReport.Comparison(
            group: "g", label: "x", candidate: Self.result("a", ns: 100), baseline: Self.result("b", ns: 150), target: 2
        )
        #expect(!missed.meetsTarget)
        #expect(!BenchmarkReport(results: [], comparisons: [met, missed]).meetsAllTargets)
    }

    @Test("the text report is a table followed by the ratios")
    func textReport() {
        let a = Self.result("parse (simrun)", ns: 1000)
        let b = Self.result("parse (other)", ns: 4500)
        let report = BenchmarkReport(
            results: [a, b],
            comparisons: [.init(group: "g", label: "parse, simrun vs other", candidate: a, baseline: b, target: 2)])
        #expect(
            report.text == """
                group  benchmark       ns/op    ops/s  iterations
                -----  --------------  -----  -------  ----------
                g      parse (simrun)   1000  1000000          10
                g      parse (other)    4500   222222          10

                g: parse, simrun vs other: 4.50x as fast (target 2x: met)

                """)
    }

    @Test("a ratio below 0.1 keeps two significant digits in the text report")
    func smallRatios() {
        let fast = Self.result("untraced", ns: 4_226)
        let slow = Self.result("traced", ns: 22_411_341)
        let report = BenchmarkReport(
            results: [fast, slow],
            comparisons: [.init(group: "g", label: "traced vs untraced", candidate: slow, baseline: fast, target: nil)])
        #expect(report.text.hasSuffix("g: traced vs untraced: 0.00019x as fast\n"))
        #expect(BenchmarkReport.ratio(0.5) == "0.50")
        #expect(BenchmarkReport.ratio(0.05) == "0.050")
        #expect(BenchmarkReport.ratio(12.345) == "12.35")
        #expect(BenchmarkReport.ratio(0) == "0.00")
    }

    @Test("the JSON report carries every figure under stable keys")
    func jsonReport() throws {
        let a = Self.result("a", ns: 1234.56)
        let b = Self.result("b", ns: 2469.12)
        let report = BenchmarkReport(
            results: [a, b], comparisons: [.init(group: "g", label: "a vs b", candidate: a, baseline: b, target: nil)])
        let json = report.json
        #expect(json[pointer: "/benchmarks/0/name"] == "a")
        #expect(json[pointer: "/benchmarks/0/ns_per_op"] == .double(1234.6))
        #expect(json[pointer: "/benchmarks/1/iterations"] == 10)
        #expect(json[pointer: "/comparisons/0/speedup"] == .double(2))
        #expect(json[pointer: "/comparisons/0/target"] == .null)
        #expect(json[pointer: "/meets_all_targets"] == true)
        // The rendering is valid JSON that reads back to the same value.
        #expect(try JSON(parsing: json.prettyText) == json)
    }

    @Test("benchmark inputs are deterministic and of the promised size")
    func inputs() throws {
        let small = JSONBenchmarks.smallObjectText()
        #expect((150...260).contains(small.count))
        let records = JSONBenchmarks.recordsText(targetBytes: 50_000)
        #expect(records == JSONBenchmarks.recordsText(targetBytes: 50_000))
        #expect(records.count >= 50_000 && records.count < 52_000)
        let parsed = try JSON(parsing: records)
        #expect((parsed.arrayValue?.count ?? 0) > 100)
        // Keys are not written in canonical order, so serializing has to sort.
        #expect(parsed.canonicalBytes != records)
    }
}

/// A thread-safe counter for benchmark bodies.
final class Counter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
