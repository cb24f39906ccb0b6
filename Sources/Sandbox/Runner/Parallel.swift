import Dispatch
import Synchronization
import WorldModel

/// Runs independent jobs on several threads and returns their results in job order, so the
/// output never depends on scheduling.
package enum Parallel {
    /// `body(0)…body(count - 1)` on up to `parallelism` threads, results in index order;
    /// `progress` gets (jobs done, count) after each job, from any thread.
    ///
    /// Each thread takes the next job not yet started, so a slow job never leaves a thread idle
    /// and jobs finish in close to index order (which keeps `TraceArchiveWriter`'s reordering
    /// window small). Taking a job and storing its result take no lock (an atomic counter, and a
    /// slot per job that only its worker writes), so workers never wait for one another here.
    package static func map<Value: Sendable>(
        _ count: Int, parallelism: Int, progress: (@Sendable (Int, Int) -> Void)? = nil,
        _ body: @Sendable (Int) -> Value
    ) -> [Value] {
        guard count > 0 else { return [] }
        let results = Slots<Value>(count: count)
        let workers = max(1, min(parallelism, count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = results.claim() {
                let done = results.set(index, body(index))
                progress?(done, count)
            }
        }
        return results.values
    }

    /// `first()` on the calling thread and `second()` beside it on another, and both results.
    ///
    /// Unlike two jobs of `map`, `first` may itself call `map` at full width: libdispatch runs a
    /// `concurrentPerform` nested in another one's job on one thread only.
    package static func pair<First, Second: Sendable>(
        _ first: () -> First, beside second: @escaping @Sendable () -> Second
    ) -> (First, Second) {
        let result = Slots<Second>(count: 1)
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { _ = result.set(0, second()) }
        let firstResult = first()
        group.wait()
        return (firstResult, result.values[0])
    }

    /// One slot per job, each written by exactly one worker, and read once every worker is done
    /// (`concurrentPerform` returning orders those writes before the read).
    private final class Slots<Value: Sendable>: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<Value?>
        private let started = Atomic<Int>(0)
        private let finished = Atomic<Int>(0)

        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }

        deinit {
            slots.deinitialize()
            slots.deallocate()
        }

        /// The next job to start, or `nil` when every job has started.
        func claim() -> Int? {
            let index = started.add(1, ordering: .relaxed).oldValue
            return index < slots.count ? index : nil
        }

        /// Stores a result (the worker that claimed `index` alone writes its slot) and returns
        /// how many jobs are done.
        func set(_ index: Int, _ value: Value) -> Int {
            slots[index] = value
            return finished.add(1, ordering: .relaxed).newValue
        }

        /// The results, in index order.
        var values: [Value] {
            slots.map { slot in
                guard let value = slot else { preconditionFailure("a parallel job finished without a result") }
                return value
            }
        }
    }
}
