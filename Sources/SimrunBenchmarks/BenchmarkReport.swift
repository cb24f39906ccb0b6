import WorldModel

/// The results of a benchmark run, rendered as a text table or as JSON.
package struct BenchmarkReport: Sendable {
    /// A measured speed ratio between two benchmarks.
    package struct Comparison: Sendable, Hashable {
        /// The group both benchmarks belong to.
        package let group: String
        /// What is compared.
        package let label: String
        /// The benchmark expected to be faster.
        package let candidate: BenchmarkResult
        /// The benchmark it is measured against.
        package let baseline: BenchmarkResult
        /// The speedup the candidate should reach, if any.
        package let target: Double?

        /// A comparison of two measured benchmarks.
        package init(
            group: String, label: String, candidate: BenchmarkResult, baseline: BenchmarkResult, target: Double?
        ) {
            self.group = group
            self.label = label
            self.candidate = candidate
            self.baseline = baseline
            self.target = target
        }

        /// Baseline time over candidate time: 3.0 means the candidate is three times faster.
        package var speedup: Double {
            candidate.nanosecondsPerOperation > 0
                ? baseline.nanosecondsPerOperation / candidate.nanosecondsPerOperation : 0
        }

        /// Whether the speedup reaches the target (true when there is none).
        package var meetsTarget: Bool { target.map { speedup >= $0 } ?? true }
    }

    /// Every benchmark's measurement, in run order.
    package let results: [BenchmarkResult]
    /// The ratios between benchmarks, in declaration order.
    package let comparisons: [Comparison]
    /// The absolute targets, in declaration order.
    package let thresholds: [ThresholdCheck]

    /// A report from results, comparisons and absolute targets.
    package init(results: [BenchmarkResult], comparisons: [Comparison], thresholds: [ThresholdCheck] = []) {
        self.results = results
        self.comparisons = comparisons
        self.thresholds = thresholds
    }

    /// Whether every comparison with a target and every absolute target is reached.
    package var meetsAllTargets: Bool { comparisons.allSatisfy(\.meetsTarget) && thresholds.allSatisfy(\.meetsTarget) }

    /// A table for people: one row per benchmark, then one line per comparison.
    package var text: String {
        var rows: [[String]] = [["group", "benchmark", "ns/op", "ops/s", "iterations"]]
        for result in results {
            rows.append([
                result.group, result.name, Self.fixed(result.nanosecondsPerOperation, digits: 0),
                Self.fixed(result.operationsPerSecond, digits: 0), String(result.iterations),
            ])
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines: [String] = []
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return column < 2 ? cell + padding : padding + cell
            }
            lines.append(cells.joined(separator: "  "))
            if index == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        if !comparisons.isEmpty {
            lines.append("")
            for comparison in comparisons {
                var line =
                    "\(comparison.group): \(comparison.label): \(Self.ratio(comparison.speedup))x as fast"
                if let target = comparison.target {
                    line +=
                        " (target \(Self.fixed(target, digits: target < 1 ? 2 : 0))x: \(comparison.meetsTarget ? "met" : "MISSED"))"
                }
                lines.append(line)
            }
        }
        if !thresholds.isEmpty {
            lines.append("")
            for check in thresholds {
                lines.append(
                    "\(check.result.group): \(check.result.name): \(Self.fixed(check.result.operationsPerSecond, digits: 0)) ops/s"
                        + " (target ops/s >= \(Self.fixed(check.threshold.minimumOperationsPerSecond, digits: 0)): "
                        + "\(check.meetsTarget ? "met" : "MISSED"))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON for programs:
    /// `{"benchmarks": [{"group", "name", "ns_per_op", "best_ns_per_op", "ops_per_s", "iterations"}],
    ///   "comparisons": [{"group", "label", "candidate", "baseline", "speedup", "target", "meets_target"}],
    ///   "meets_all_targets": Bool}`.
    package var json: JSON {
        let benchmarks: [JSON] = results.map { result in
            [
                "group": .string(result.group),
                "name": .string(result.name),
                "ns_per_op": .double(Self.rounded(result.nanosecondsPerOperation, digits: 1)),
                "best_ns_per_op": .double(Self.rounded(result.bestNanosecondsPerOperation, digits: 1)),
                "ops_per_s": .double(Self.rounded(result.operationsPerSecond, digits: 1)),
                "iterations": .int(result.iterations),
            ]
        }
        let ratios: [JSON] = comparisons.map { comparison in
            [
                "group": .string(comparison.group),
                "label": .string(comparison.label),
                "candidate": .string(comparison.candidate.name),
                "baseline": .string(comparison.baseline.name),
                "speedup": .double(Self.rounded(comparison.speedup, digits: 2)),
                "target": comparison.target.map { JSON.double($0) } ?? .null,
                "meets_target": .bool(comparison.meetsTarget),
            ]
        }
        let absolute: [JSON] = thresholds.map { check in
            [
                "group": .string(check.result.group),
                "name": .string(check.result.name),
                "ops_per_s": .double(Self.rounded(check.result.operationsPerSecond, digits: 1)),
                "target_ops_per_s": .double(Self.rounded(check.threshold.minimumOperationsPerSecond, digits: 1)),
                "meets_target": .bool(check.meetsTarget),
            ]
        }
        return [
            "benchmarks": .array(benchmarks), "comparisons": .array(ratios), "thresholds": .array(absolute),
            "meets_all_targets": .bool(meetsAllTargets),
        ]
    }

    static func rounded(_ value: Double, digits: Int) -> Double {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    /// A speedup with two decimals, or with two significant digits when it is below 0.1 (a
    /// traced step on a big world is thousands of times slower than an untraced one).
    package static func ratio(_ value: Double) -> String {
        var digits = 2
        var scaled = value.magnitude * 100
        while value != 0, value.isFinite, scaled < 10, digits < 9 {
            digits += 1
            scaled *= 10
        }
        return fixed(value, digits: digits)
    }

    /// `value` with exactly `digits` decimals, without Foundation's locale-aware formatting.
    static func fixed(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return String(describing: value) }
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((value.magnitude * Double(scale)).rounded())
        let whole = String(scaled / scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return sign + whole }
        let fraction = String(scaled % scale)
        return sign + whole + "." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}
