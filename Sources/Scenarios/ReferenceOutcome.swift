import Foundation
import WorldModel

/// The data a scenario's reference solution reaches in the idealized world, computed once per
/// loaded scenario (by the first `{"state": "solution"}` check that needs it) and shared by every
/// episode and every copy of the scenario.
///
/// The Sandbox computes it (playing a solution needs an episode); this box only keeps it. A
/// scenario's data, tools and solution do not change after loading (fault selections and
/// `idealized()` change only faults and service errors, which the idealized world drops anyway),
/// so one value serves every copy.
package final class ReferenceOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var data: EntityStore?

    /// An empty box.
    package init() {}

    /// The reference data, computed by `compute` on first use; concurrent callers wait for the
    /// first computation rather than repeating it.
    package func data(computing compute: () -> EntityStore) -> EntityStore {
        lock.lock()
        defer { lock.unlock() }
        if let data { return data }
        let computed = compute()
        data = computed
        return computed
    }
}
