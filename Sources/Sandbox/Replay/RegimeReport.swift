import Scenarios
import WorldModel

/// What the world was doing underneath an episode, inferred the way an outside observer would:
/// for each service, the posterior over its hidden regimes from the statuses and latencies the
/// agent saw (the HMM forward algorithm of `RegimePosterior`), set against the regimes the trace
/// recorded.
package enum RegimeReport {
    /// One line per service that was called: the most likely regime after the last call, with
    /// its probability, the recorded regime, and on how many calls the most likely regime was the
    /// recorded one.
    package static func lines(scenario: Scenario, steps: [TraceStep]) -> [String] {
        var lines: [String] = []
        for service in scenario.world.spec.services {
            let calls = steps.filter { step in
                step.policy == .allowed || step.policy == .approved
            }.filter { scenario.world.tool(named: $0.tool)?.service == service.name && $0.status != 400 }
            guard !calls.isEmpty else { continue }
            var posterior = RegimePosterior(chain: service.regimes)
            var matches = 0
            for call in calls {
                posterior.observe(
                    ObservedCall(status: statusClass(call.status), latencyMs: call.latencyMs, timeMs: call.atMs))
                if service.regimes.regimes[posterior.mostLikely].name == call.regime { matches += 1 }
            }
            let likely = service.regimes.regimes[posterior.mostLikely].name
            let percent = Int((posterior.probabilities[posterior.mostLikely] * 100).rounded())
            lines.append(
                "\(service.name): most likely \(likely) (\(percent)%) after \(calls.count) call\(calls.count == 1 ? "" : "s"); "
                    + "recorded \(calls.last!.regime); the inference matched the hidden regime on \(matches) of \(calls.count) calls"
            )
        }
        return lines
    }

    /// The regime-level class of an answer's status (client errors are the service working).
    static func statusClass(_ status: Int) -> CallStatusClass {
        switch status {
        case 429: .rateLimited
        case 502: .badGateway
        case 504: .timeout
        case 500...599: .serverError
        default: .ok
        }
    }
}
