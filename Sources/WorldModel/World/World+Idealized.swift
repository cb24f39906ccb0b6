extension World {
    /// The same world with nothing going wrong: no fault rules, no service-level errors in any
    /// regime, no rate limits and no timeouts; latencies and regime changes stay as written.
    ///
    /// `simrun validate` proves a scenario's solution here: it shows the solution is right,
    /// independent of how hostile the scenario's world is.
    package func idealized() -> World {
        var spec = spec
        spec.faults = []
        spec.services = spec.services.map { service in
            var service = service
            service.rateLimit = nil
            service.timeoutMs = Int64.max / 4
            let calm = service.regimes.regimes.map { Regime(name: $0.name, latency: $0.latency, errors: .none) }
            if let chain = try? RegimeChain(
                regimes: calm, initial: service.regimes.initial, transitions: service.regimes.transitions,
                schedules: service.regimes.schedules)
            {
                service.regimes = chain
            }
            return service
        }
        // The specification came from a valid world, so compiling it again cannot fail.
        return (try? World(spec)) ?? self
    }
}
