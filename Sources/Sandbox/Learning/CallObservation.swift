import WorldModel

/// One call as the dynamics model sees it: its outcome class and, when the latency says
/// something about the service's speed, the natural logarithm of that latency.
///
/// Timeouts and rate-limited answers carry no latency emission: a timeout's latency is the
/// service's `timeout_ms` (censored, not a service time) and a 429 is answered by the
/// rate limiter, not by the service. Latencies below 0.5 ms count as 0.5 ms so the logarithm
/// stays finite.
package struct CallObservation: Sendable, Hashable {
    /// The outcome class, as an index into `OutcomeClass.allCases`.
    package var outcome: Int
    /// `log(latency in ms)`, or `nil` when this call's latency is not a service time.
    package var logLatency: Double?

    /// An observation from its parts.
    package init(outcome: OutcomeClass, logLatency: Double?) {
        self.outcome = OutcomeClass.allCases.firstIndex(of: outcome)!
        self.logLatency = logLatency
    }

    /// The observation of a recorded call (see the type's documentation for which latencies count).
    package init(_ call: RecordedCall) {
        let carriesLatency = call.outcome != .timeout && call.outcome != .rateLimited
        let latency = carriesLatency ? call.latencyMs.map { DeterministicMath.log(Swift.max($0, 0.5)) } : nil
        self.init(outcome: call.outcome, logLatency: latency)
    }

    /// The number of outcome classes (the categorical emission's size).
    package static let classCount = OutcomeClass.allCases.count
}
