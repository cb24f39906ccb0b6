import Scenarios
import WorldModel

extension Scenario {
    /// The most rows a scenario's world may hold for `workerCopy()` to copy it: above this, one
    /// more copy per worker costs more (load time and memory) than the sharing it saves.
    package static let workerCopyMaximumRows = 10_000

    /// The same scenario compiled again from its document, sharing no storage with `self`, or
    /// `nil` when it cannot be rebuilt exactly (or is too large to be worth it).
    ///
    /// Why: two threads playing episodes of one `Scenario` both retain and release the same
    /// objects (tool and service tables, compiled expressions and schemas, the initial world's
    /// storage) on every step, and each atomic reference-count update pulls the object's cache
    /// line over from the other core. A sweep gives each worker its own copy, so the workers
    /// touch only their own memory. The copy is made on the worker's thread, so its storage also
    /// comes from that thread's allocator arena.
    ///
    /// The copy is `ScenarioLoader.load` of `document` (which has its world file merged in), with
    /// the original's file identity, path, fault selection and shortcuts put back; fault rules
    /// chosen by a selection other than the scenario's own are taken over from the original (its
    /// overlay is not read again). It is checked against the original wherever a caller could
    /// have changed the compiled world after loading (`idealized()`, `replacingFaults`,
    /// `with(shortcuts:)`): services, fault rules, tool names and initial data must be equal, or
    /// there is no copy and the caller shares the original, which is always correct.
    package func workerCopy() -> Scenario? {
        let rows = world.initialState.data.collections.reduce(0) { $0 + $1.count }
        guard rows <= Self.workerCopyMaximumRows else { return nil }
        var copy: Scenario
        do throws(ScenarioLoadError) {
            copy = try ScenarioLoader.load(document, file: path ?? name)
        } catch {
            return nil
        }
        // Assigned only where they differ: an equal value from the copy shares nothing.
        copy.path = path
        if sha256 != copy.sha256 { copy.sha256 = sha256 }
        if worldFile != copy.worldFile { copy.worldFile = worldFile }
        if faultProvenance != copy.faultProvenance { copy.faultProvenance = faultProvenance }
        if name != copy.name { copy.name = name }
        if title != copy.title { copy.title = title }
        if description != copy.description { copy.description = description }
        if task != copy.task { copy.task = task }
        if faultProvenance.selection != .scenario {
            do throws(WorldError) {
                copy.world = try copy.world.replacingFaults(world.spec.faults)
            } catch {
                return nil
            }
        }
        if copy.world.shortcuts != world.shortcuts { copy.world = copy.world.with(shortcuts: world.shortcuts) }
        guard Self.sameCompiledWorld(copy.world, world), copy.checks.count == checks.count,
            copy.checks.map(\.name) == checks.map(\.name), copy.solution.count == solution.count
        else { return nil }
        return copy
    }

    /// Whether `a` and `b` agree on everything that can be changed in a compiled world after
    /// loading: services (regimes, error rates, timeouts, rate limits), fault rules, tool names,
    /// shortcuts and initial data.
    private static func sameCompiledWorld(_ a: World, _ b: World) -> Bool {
        guard a.shortcuts == b.shortcuts, a.spec.tools.map(\.name) == b.spec.tools.map(\.name),
            a.spec.services.count == b.spec.services.count, a.spec.faults.count == b.spec.faults.count,
            a.spec.initialData == b.spec.initialData, a.initialState.data == b.initialState.data
        else { return false }
        for (x, y) in zip(a.spec.services, b.spec.services)
        where x.name != y.name || x.timeoutMs != y.timeoutMs || x.regimes != y.regimes || x.rateLimit != y.rateLimit {
            return false
        }
        for (x, y) in zip(a.spec.faults, b.spec.faults)
        where x.id != y.id || x.target != y.target || x.kind != y.kind || x.calls != y.calls
            || x.probability != y.probability || (x.when == nil) != (y.when == nil)
        {
            return false
        }
        return true
    }
}
