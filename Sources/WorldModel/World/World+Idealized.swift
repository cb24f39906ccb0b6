extension World {
    /// The same world with nothing going wrong: no fault rules, no service-level errors in any
    /// regime, no rate limits and no timeouts; latencies and regime changes stay as written.
    ///
    /// `simrun validate` proves a scenario's solution here: it shows the solution is right,
    /// independent of how hostile the scenario's world is.
    package func idealized() -> World {
        var spec = spec
        spec.faults = []
        // The same rows, with the field indexes this world already built (a large store's
        // indexes cost more to build than to share); `init` sets the history flags again.
        spec.initialData = initialState.data
        spec.services = spec.services.map { service in
            var service = service
            service.rateLimit = nil
            service.timeoutMs = Int64.max / 4
            let calm = service.regimes.regimes.map { Regime(name: $0.name, latency: $0.latency, errors: .none) }
            // The chain's structure is the valid chain's own; only error rates (which the
            // chain does not validate against anything) became zero, so this cannot fail.
            do throws(ServiceModelError) {
                service.regimes = try RegimeChain(
                    regimes: calm, initial: service.regimes.initial, transitions: service.regimes.transitions,
                    schedules: service.regimes.schedules)
            } catch {
                preconditionFailure("the calm copy of a valid regime chain was rejected: \(error)")
            }
            return service
        }
        // The same tools and services as this compiled world, fewer rules: compiling it again
        // cannot fail. (Falling back to `self` would hand back the faulty world as if it were calm.)
        do throws(WorldError) {
            return try World(spec, shortcuts: shortcuts)
        } catch {
            preconditionFailure("the idealized copy of a compiled world was rejected: \(error)")
        }
    }
}
