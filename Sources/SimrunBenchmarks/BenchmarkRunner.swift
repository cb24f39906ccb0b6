import WorldModel

/// Runs benchmarks for a time budget each, after a warm-up, and measures time per operation.
package struct BenchmarkRunner: Sendable {
    /// Measuring time per benchmark (after warm-up).
    package var budget: Duration
    /// Warm-up time per benchmark, not measured.
    package var warmUp: Duration
    /// The shortest batch: operations are timed in batches at least this long so that clock
    /// reads do not distort fast operations.
    package var minimumBatch: Duration

    /// A runner; the defaults keep a full `simrun bench` under about ten seconds.
    package init(
        budget: Duration = .milliseconds(500), warmUp: Duration = .milliseconds(100),
        minimumBatch: Duration = .milliseconds(5)
    ) {
        self.budget = budget
        self.warmUp = warmUp
        self.minimumBatch = minimumBatch
    }

    /// Runs every group of `suite` in order.
    package func run(_ suite: BenchmarkSuite) -> BenchmarkReport {
        var results: [BenchmarkResult] = []
        var comparisons: [BenchmarkReport.Comparison] = []
        var thresholds: [BenchmarkReport.ThresholdCheck] = []
        for group in suite.groups {
            var groupResults: [String: BenchmarkResult] = [:]
            for benchmark in group.benchmarks {
                let result = run(benchmark, group: group.name)
                results.append(result)
                groupResults[benchmark.name] = result
            }
            for comparison in group.comparisons {
                guard let candidate = groupResults[comparison.candidate],
                    let baseline = groupResults[comparison.baseline]
                else { continue }
                comparisons.append(
                    BenchmarkReport.Comparison(
                        group: group.name, label: comparison.label, candidate: candidate, baseline: baseline,
                        target: comparison.target))
            }
            for threshold in group.thresholds {
                guard let result = groupResults[threshold.benchmark] else { continue }
                thresholds.append(BenchmarkReport.ThresholdCheck(result: result, threshold: threshold))
            }
            group.tearDown?()
        }
        return BenchmarkReport(results: results, comparisons: comparisons, thresholds: thresholds)
    }

    /// Measures one benchmark: warm-up, batch-size calibration, then timed batches until the
    /// budget is spent. The reported time per operation is the median over batches.
    package func run(_ benchmark: Benchmark, group: String) -> BenchmarkResult {
        let clock = ContinuousClock()
        // Warm-up, which also calibrates how many operations make a batch.
        var batchSize = 1
        let warmUpEnd = clock.now.advanced(by: warmUp)
        repeat {
            let elapsed = clock.measure { for _ in 0..<batchSize { benchmark.run() } }
            if elapsed < minimumBatch { batchSize *= 2 }
        } while clock.now < warmUpEnd
        var perOperation: [Double] = []
        var iterations = 0
        let end = clock.now.advanced(by: budget)
        repeat {
            let elapsed = clock.measure { for _ in 0..<batchSize { benchmark.run() } }
            perOperation.append(Self.nanoseconds(elapsed) / Double(batchSize * benchmark.operationsPerRun))
            iterations += batchSize * benchmark.operationsPerRun
        } while clock.now < end
        perOperation.sort()
        return BenchmarkResult(
            group: group, name: benchmark.name, iterations: iterations,
            nanosecondsPerOperation: perOperation[perOperation.count / 2],
            bestNanosecondsPerOperation: perOperation[0])
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}

/// The measurement of one benchmark.
package struct BenchmarkResult: Sendable, Hashable {
    /// The benchmark's group.
    package let group: String
    /// The benchmark's name.
    package let name: String
    /// How many operations were timed (warm-up excluded).
    package let iterations: Int
    /// Median time per operation over the timed batches, in nanoseconds.
    package let nanosecondsPerOperation: Double
    /// Fastest batch's time per operation, in nanoseconds.
    package let bestNanosecondsPerOperation: Double

    /// A measurement.
    package init(
        group: String, name: String, iterations: Int, nanosecondsPerOperation: Double,
        bestNanosecondsPerOperation: Double
    ) {
        self.group = group
        self.name = name
        self.iterations = iterations
        self.nanosecondsPerOperation = nanosecondsPerOperation
        self.bestNanosecondsPerOperation = bestNanosecondsPerOperation
    }

    /// Operations per second at the median time.
    package var operationsPerSecond: Double {
        nanosecondsPerOperation > 0 ? 1e9 / nanosecondsPerOperation : 0
    }
}
