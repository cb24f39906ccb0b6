import WorldModel

/// An absolute target for one benchmark: at least so many operations per second (equivalently,
/// at most so many nanoseconds per operation), for benchmarks with no natural baseline.
public struct BenchmarkThreshold: Sendable, Hashable {
    /// The benchmark the threshold applies to (in the same group).
    public let benchmark: String
    /// The slowest acceptable median time per operation, in nanoseconds.
    public let maximumNanosecondsPerOperation: Double

    /// A threshold of at least `operationsPerSecond` for `benchmark`.
    public init(_ benchmark: String, operationsPerSecond: Double) {
        self.benchmark = benchmark
        maximumNanosecondsPerOperation = operationsPerSecond > 0 ? 1e9 / operationsPerSecond : .infinity
    }

    /// A threshold of at most `nanoseconds` per operation for `benchmark`.
    public init(_ benchmark: String, maximumNanoseconds nanoseconds: Double) {
        self.benchmark = benchmark
        maximumNanosecondsPerOperation = nanoseconds
    }

    /// The target as operations per second.
    public var minimumOperationsPerSecond: Double {
        maximumNanosecondsPerOperation > 0 ? 1e9 / maximumNanosecondsPerOperation : 0
    }
}

extension BenchmarkReport {
    /// A measured benchmark against its absolute threshold.
    public struct ThresholdCheck: Sendable, Hashable {
        /// The measurement.
        public let result: BenchmarkResult
        /// The threshold it is held to.
        public let threshold: BenchmarkThreshold

        /// A check of `result` against `threshold`.
        public init(result: BenchmarkResult, threshold: BenchmarkThreshold) {
            self.result = result
            self.threshold = threshold
        }

        /// Whether the median time per operation is within the threshold.
        public var meetsTarget: Bool { result.nanosecondsPerOperation <= threshold.maximumNanosecondsPerOperation }
    }
}
