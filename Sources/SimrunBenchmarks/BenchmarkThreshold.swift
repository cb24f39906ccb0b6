import WorldModel

/// An absolute target for one benchmark: at least so many operations per second (equivalently,
/// at most so many nanoseconds per operation), for benchmarks with no natural baseline.
package struct BenchmarkThreshold: Sendable, Hashable {
    /// The benchmark the threshold applies to (in the same group).
    package let benchmark: String
    /// The slowest acceptable median time per operation, in nanoseconds.
    package let maximumNanosecondsPerOperation: Double

    /// A threshold of at least `operationsPerSecond` for `benchmark`.
    package init(_ benchmark: String, operationsPerSecond: Double) {
        self.benchmark = benchmark
        maximumNanosecondsPerOperation = operationsPerSecond > 0 ? 1e9 / operationsPerSecond : .infinity
    }

    /// A threshold of at most `nanoseconds` per operation for `benchmark`.
    package init(_ benchmark: String, maximumNanoseconds nanoseconds: Double) {
        self.benchmark = benchmark
        maximumNanosecondsPerOperation = nanoseconds
    }

    /// The target as operations per second.
    package var minimumOperationsPerSecond: Double {
        maximumNanosecondsPerOperation > 0 ? 1e9 / maximumNanosecondsPerOperation : 0
    }
}

extension BenchmarkReport {
    /// A measured benchmark against its absolute threshold.
    package struct ThresholdCheck: Sendable, Hashable {
        /// The measurement.
        package let result: BenchmarkResult
        /// The threshold it is held to.
        package let threshold: BenchmarkThreshold

        /// A check of `result` against `threshold`.
        package init(result: BenchmarkResult, threshold: BenchmarkThreshold) {
            self.result = result
            self.threshold = threshold
        }

        /// Whether the median time per operation is within the threshold.
        package var meetsTarget: Bool { result.nanosecondsPerOperation <= threshold.maximumNanosecondsPerOperation }
    }
}
