import Dispatch
import Foundation
import WorldModel

/// Runs independent jobs on several threads and returns their results in job order, so the
/// output never depends on scheduling.
package enum Parallel {
    /// `body(0)…body(count - 1)` on up to `parallelism` threads, results in index order;
    /// `progress` gets (jobs done, count) after each job, from any thread.
    ///
    /// Each thread takes the next job not yet started, so a slow job never leaves a thread idle
    /// and jobs finish in close to index order (which keeps `TraceArchiveWriter`'s reordering
    /// window small).
    package static func map<Value: Sendable>(
        _ count: Int, parallelism: Int, progress: (@Sendable (Int, Int) -> Void)? = nil,
        _ body: @Sendable (Int) -> Value
    ) -> [Value] {
        let results = Slots<Value>(count: count)
        let workers = max(1, min(parallelism, count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            _ = worker
            while let index = results.claim() {
                let done = results.set(index, body(index))
                progress?(done, count)
            }
        }
        return results.values
    }

    /// One slot per job, each written by exactly one worker.
    private final class Slots<Value: Sendable>: @unchecked Sendable {
        private var slots: [Value?]
        private var finished = 0
        private var started = 0
        private let lock = NSLock()

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        /// The next job to start, or `nil` when every job has started.
        func claim() -> Int? {
            lock.withLock {
                guard started < slots.count else { return nil }
                started += 1
                return started - 1
            }
        }

        /// Stores a result and returns how many jobs are done.
        func set(_ index: Int, _ value: Value) -> Int {
            lock.withLock {
                slots[index] = value
                finished += 1
                return finished
            }
        }

        var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
    }
}
