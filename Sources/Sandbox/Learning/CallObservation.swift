import WorldModel

/// One call as the dynamics model sees it: its outcome class and, when the latency says
/// something about the service's speed, the natural logarithm of that latency.
///
/// Timeouts and rate-limited answers carry no latency emission: a timeout's latency is the
/// service's `timeout_ms` (censored, not a service time) and a 429 is answered by the
/// rate limiter, not by the service. Latencies below 0.5 ms count as 0.5 ms so the logarithm
/// stays finite. A call refused by an inferred token bucket carries no evidence at all
/// (`outcome` is `nil`): it still takes a step of the regime chain, which moves per call, but
/// says nothing about the regime that served it. A call inside an inferred schedule window
/// (`ScheduleInference`) is *forced*: its regime is known, as the simulator's schedule overrides
/// the chain there, so no transition leads into it (its evidence still counts for the regime).
package struct CallObservation: Sendable, Hashable {
    /// The outcome class, as an index into `OutcomeClass.allCases`; `nil` when the call is not
    /// evidence of the regime (refused by a rate limiter).
    package var outcome: Int?
    /// `log(latency in ms)`, or `nil` when this call's latency is not a service time.
    package var logLatency: Double?
    /// The regime a schedule forces for this call (an index into the model's regimes), or `nil`
    /// when the regime chain chooses it. A forced call is served by that regime whatever the
    /// previous call's regime was: the move into it is not a transition of the chain, and a
    /// sequence whose first call is forced says nothing about the initial regime.
    package var forcedRegime: Int? = nil

    /// An observation from its parts.
    package init(outcome: OutcomeClass, logLatency: Double?) {
        self.outcome = OutcomeClass.allCases.firstIndex(of: outcome)!
        self.logLatency = logLatency
    }

    /// This observation with its regime forced to `regime` (a schedule window's).
    package func forced(to regime: Int) -> CallObservation {
        var copy = self
        copy.forcedRegime = regime
        return copy
    }

    /// A call that carries no evidence of the regime (refused by a rate limiter before the
    /// service saw it).
    package static let noEvidence = CallObservation(outcome: nil)

    private init(outcome: Int?) {
        self.outcome = outcome
        self.logLatency = nil
    }

    /// The observation of a recorded call (see the type's documentation for which latencies
    /// count); `refusedByLimiter` marks a 429 that an inferred token bucket explains.
    package init(_ call: RecordedCall, refusedByLimiter: Bool = false) {
        if refusedByLimiter {
            self = .noEvidence
            return
        }
        let carriesLatency = call.outcome != .timeout && call.outcome != .rateLimited
        let latency = carriesLatency ? call.latencyMs.map { DeterministicMath.log(Swift.max($0, 0.5)) } : nil
        self.init(outcome: call.outcome, logLatency: latency)
    }

    /// The number of outcome classes (the categorical emission's size).
    package static let classCount = OutcomeClass.allCases.count
}
