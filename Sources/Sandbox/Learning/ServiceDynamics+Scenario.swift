import WorldModel

extension ServiceDynamics {
    /// The decimals learned probabilities are written with.
    package static let probabilityDigits = 4

    /// The service as a scenario file's `services` entry: `timeout_ms` (when learned), `regimes`
    /// (latency and `errors`), `initial`, per-call `transitions`, `schedule` (when windows of a
    /// forced regime were inferred) and `rate_limit` (when a token bucket was inferred).
    ///
    /// `initial` is the regime the model starts every sequence in (`initialRegime`); the
    /// simulator serves the first call one transition on from it, as the model does, so the
    /// scenario draws first calls as the fitted model does (up to the rounding of transitions).
    ///
    /// Written errors are the service errors the scenario format has: `server_error`, `timeout`
    /// and `rate_limited` (client errors are the caller's doing, not the service's, and a
    /// `bad_gateway` cannot be told from a `server_error` in recorded outcomes). Probabilities
    /// are rounded to four decimals; shares that round to 0 are left out.
    package var scenarioJSON: JSON {
        var service = JSONObject()
        if let timeoutMs { _ = service.updateValue(.int(Swift.max(timeoutMs, 1)), forKey: "timeout_ms") }
        var regimeObjects = JSONObject()
        for regime in regimes {
            var object = JSONObject()
            if let latency = regime.latency {
                _ = object.updateValue(Self.latencyJSON(latency.distribution), forKey: "latency")
            } else {
                _ = object.updateValue(["dist": "fixed", "ms": .int(0)], forKey: "latency")
            }
            var errors = JSONObject()
            for outcome in [OutcomeClass.serverError, .timeout, .rateLimited] {
                let p = LatencyFit.rounded(regime.share(outcome), digits: Self.probabilityDigits)
                if p > 0 { _ = errors.updateValue(.double(p), forKey: outcome.rawValue) }
            }
            if !errors.isEmpty { _ = object.updateValue(.object(errors), forKey: "errors") }
            _ = regimeObjects.updateValue(.object(object), forKey: regime.name)
        }
        _ = service.updateValue(.object(regimeObjects), forKey: "regimes")
        _ = service.updateValue(.string(regimes[initialRegime].name), forKey: "initial")
        if regimes.count > 1 {
            var transitions = JSONObject()
            for (i, from) in regimes.enumerated() {
                var row = JSONObject()
                for (j, to) in regimes.enumerated() where i != j {
                    let p = LatencyFit.rounded(model.transitions[i][j], digits: Self.probabilityDigits)
                    if p > 0 { _ = row.updateValue(.double(p), forKey: to.name) }
                }
                if !row.isEmpty { _ = transitions.updateValue(.object(row), forKey: from.name) }
            }
            if !transitions.isEmpty { _ = service.updateValue(.object(transitions), forKey: "transitions") }
        }
        if !schedule.isEmpty {
            let windows = schedule.map { window -> JSON in
                [
                    "from_ms": .int(window.fromMs), "to_ms": .int(window.toMs),
                    "regime": .string(regimes[window.regime].name),
                ]
            }
            _ = service.updateValue(.array(windows), forKey: "schedule")
        }
        if let rateLimit {
            _ = service.updateValue(
                ["capacity": .int(rateLimit.capacity), "refill_per_s": .double(rateLimit.refillPerSecond)],
                forKey: "rate_limit")
        }
        return .object(service)
    }

    /// The observations of `sequence` as this model sees them: calls inside the schedule's
    /// windows forced to their regime (as the simulator forces them), the others free.
    package func observations(_ sequence: [RecordedCall]) -> [CallObservation] {
        let free = sequence.map { CallObservation($0) }
        guard !schedule.isEmpty else { return free }
        return ScheduleInference.forcing([free], times: [sequence.map(\.atMs)], windows: schedule)[0]
    }

    /// A latency distribution in the scenario format.
    static func latencyJSON(_ distribution: LatencyDistribution) -> JSON {
        switch distribution {
        case .fixed(let ms): return ["dist": "fixed", "ms": .int(ms)]
        case .uniform(let low, let high): return ["dist": "uniform", "min_ms": .int(low), "max_ms": .int(high)]
        case .lognormal(let median, let p99):
            return ["dist": "lognormal", "median_ms": .double(median), "p99_ms": .double(p99)]
        case .empirical(let quantiles):
            return [
                "dist": "empirical",
                "quantiles": .array(quantiles.map { .array([.double($0.probability), .double($0.milliseconds)]) }),
            ]
        }
    }
}
