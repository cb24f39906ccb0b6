import Foundation
import SimrunBenchmarks
import Testing
import WorldModel

@Suite("Benchmark targets file")
struct BenchmarkTargetsTests {
    static func load(_ text: String) throws(BenchmarkTargetsError) -> BenchmarkTargets {
        try BenchmarkTargets.load(bytes: Array(text.utf8), file: "t.json")
    }

    static func message(_ text: String) -> String {
        do {
            _ = try load(text)
            return "(no error)"
        } catch {
            return error.description
        }
    }

    @Test("the shipped thresholds file is the one of the source tree, and every entry parses")
    func shippedParses() throws {
        let shipped = try BenchmarkTargets.shipped()
        #expect(shipped == (try BenchmarkTargets.load(contentsOf: ProjectPaths.thresholds)))
        #expect(shipped.ratios.count == 11)
        #expect(shipped.absolute.count == 14)
        let fullStep = shipped.absolute.first { $0.threshold.benchmark.hasPrefix("full step") }
        #expect(fullStep?.threshold.minimumOperationsPerSecond == 200_000)
        let reset = shipped.absolute.first { $0.threshold.benchmark == "episode reset (crm-refund)" }
        #expect(reset?.threshold.maximumNanosecondsPerOperation == 10_000)
    }

    @Test("every shipped target names a comparison or benchmark of the standard suite")
    func shippedTargetsNameBenchmarks() throws {
        let suite = BenchmarkSuite.standard(scenarios: ProjectPaths.scenarios)
        #expect(
            suite.groupNames == [
                "json", "world-model", "expression", "validation", "episode", "large-world", "learn", "mcp", "record",
            ])
        #expect(suite.groups.allSatisfy { !$0.benchmarks.isEmpty })
        #expect(suite.unmatched(try BenchmarkTargets.shipped()) == [])
        // The check can fail: a target naming nothing is listed.
        let stray = BenchmarkTargets(
            ratios: [.init(group: "json", comparison: "parse 3 B, simrun vs nobody", minimumSpeedup: 2)],
            absolute: [
                .init(
                    group: "nope", threshold: BenchmarkThreshold("episode reset (crm-refund)", operationsPerSecond: 1))
            ])
        #expect(
            suite.unmatched(stray) == ["json: parse 3 B, simrun vs nobody", "nope: episode reset (crm-refund)"])
    }

    @Test("applying targets sets comparison targets and adds thresholds to the named group only")
    func applying() {
        let suite = BenchmarkSuite(groups: [
            BenchmarkGroup(
                "a", benchmarks: [Benchmark("x") {}, Benchmark("y") {}],
                comparisons: [BenchmarkComparison("x vs y", candidate: "x", baseline: "y")]),
            BenchmarkGroup("b", benchmarks: [Benchmark("x") {}]),
        ])
        let targets = BenchmarkTargets(
            ratios: [.init(group: "a", comparison: "x vs y", minimumSpeedup: 3)],
            absolute: [.init(group: "b", threshold: BenchmarkThreshold("x", maximumNanoseconds: 50))])
        let applied = suite.applying(targets)
        #expect(applied.groups[0].comparisons[0].target == 3)
        #expect(applied.groups[0].thresholds.isEmpty)
        #expect(applied.groups[1].thresholds == [BenchmarkThreshold("x", maximumNanoseconds: 50)])
    }

    @Test("a well-formed file reads ratios and both kinds of absolute target, notes allowed")
    func wellFormed() throws {
        let targets = try Self.load(
            """
            {"simrun_benchmark_thresholds": 1,
             "ratios": [{"group": "g", "comparison": "c", "min_speedup": 2.5, "note": "why"}],
             "absolute": [{"group": "g", "benchmark": "b", "min_ops_per_s": 1000},
                          {"group": "g", "benchmark": "r", "max_ns_per_op": 10000}]}
            """)
        #expect(targets.ratios == [.init(group: "g", comparison: "c", minimumSpeedup: 2.5)])
        #expect(targets.absolute.map(\.threshold.maximumNanosecondsPerOperation) == [1_000_000, 10_000])
        #expect(try Self.load(#"{"simrun_benchmark_thresholds": 1}"#) == BenchmarkTargets())
    }

    @Test(
        "a malformed file is an error naming the file, the JSON pointer, what was expected and what was found",
        arguments: [
            ("{", "t.json: expected JSON text, found invalid JSON at line 1, column 2"),
            ("[]", "t.json: expected an object, found array []"),
            (#"{"ratios": []}"#, #"t.json: expected a member "simrun_benchmark_thresholds": 1, found none"#),
            (
                #"{"simrun_benchmark_thresholds": 2}"#,
                "t.json: simrun_benchmark_thresholds: expected 1, found integer 2"
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "absolute": {}}"#,
                "t.json: absolute: expected an array, found object {}"
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "absolute": [{"group": "g", "benchmark": "b", "min_ops_per_s": "fast"}]}"#,
                #"t.json: absolute[0].min_ops_per_s: expected a positive number, found string "fast""#
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "absolute": [{"group": "g", "benchmark": "b", "max_ns_per_op": 0}]}"#,
                "t.json: absolute[0].max_ns_per_op: expected a positive number, found integer 0"
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "absolute": [{"group": "g", "benchmark": "b", "min_ops_per_s": 1, "max_ns_per_op": 1}]}"#,
                #"t.json: absolute[0]: expected one of "min_ops_per_s" and "max_ns_per_op", found both"#
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "absolute": [{"group": "g", "benchmark": "b"}]}"#,
                #"t.json: absolute[0]: expected a member "min_ops_per_s" or "max_ns_per_op", found neither"#
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "absolute": [{"group": "g", "benchmark": "b", "min_ops_per_sec": 1}]}"#,
                #"found "min_ops_per_sec" (did you mean "min_ops_per_s"?)"#
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "ratios": [{"comparison": "c", "min_speedup": 2}]}"#,
                #"t.json: ratios[0]: expected a member "group", found none"#
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "ratios": [{"group": "", "comparison": "c", "min_speedup": 2}]}"#,
                #"t.json: ratios[0].group: expected a non-empty string, found string """#
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "ratios": [{"group": "g", "comparison": "c", "min_speedup": 2}, {"group": "g", "comparison": "c", "min_speedup": 3}]}"#,
                "t.json: ratios[1]: expected one target per comparison, found a second target for g: c (the first is ratios[0])"
            ),
            (
                #"{"simrun_benchmark_thresholds": 1, "limits": []}"#,
                #"t.json: expected only the members simrun_benchmark_thresholds, ratios, absolute, found "limits""#
            ),
        ])
    func malformed(text: String, expected: String) {
        let message = Self.message(text)
        #expect(message.contains(expected), "\(message)")
    }

    @Test("a missing thresholds file is an error naming it")
    func missingFile() {
        #expect(throws: BenchmarkTargetsError.self) { try BenchmarkTargets.load(contentsOf: "/nonexistent/t.json") }
        do {
            _ = try BenchmarkTargets.load(contentsOf: "/nonexistent/t.json")
        } catch {
            #expect(error.description == "/nonexistent/t.json: expected a readable thresholds file, found no such file")
        }
    }
}
