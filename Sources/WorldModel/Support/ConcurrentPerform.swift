/// Runs `body` once for each of `0..<iterations`, possibly several at a time on other threads,
/// and returns when all have finished (the shape of Dispatch's `concurrentPerform`).
///
/// WorldModel starts no threads of its own: a caller with cores to spare (the scenario loader)
/// passes one where a pure computation splits into independent parts, such as the digest terms
/// of a large collection's rows. Whatever it passes, the result is the same as running the
/// iterations in order on one thread.
package typealias ConcurrentPerform = @Sendable (_ iterations: Int, _ body: @escaping @Sendable (Int) -> Void) -> Void
