import WorldModel

/// The recorded agent's retry policy, read from its recorded retries, so a fidelity replay can
/// retry where the simulation failed and the recording did not (`FidelityCheck.Retries.follow`).
///
/// Per tool and error class (server error, timeout, rate limited): whether the agent retried
/// such an error in at least half of the recorded cases where its sequence went on; per tool,
/// the longest recorded run of retries; and when it retried, after how long (`RecordedBackoff`:
/// by retry number and error class, and by the answer's `Retry-After`). An agent that never
/// retried a tool's timeouts (a write without an idempotency key) is never made to retry them.
struct RecordedRetryPolicy: Sendable {
    /// What the recording shows for one tool and error class.
    struct Rule: Sendable {
        /// Recorded errors of this kind followed by a retry.
        var retried = 0
        /// Recorded errors of this kind followed by any call.
        var followed = 0
    }

    /// Per tool, per error class.
    var rules: [String: [OutcomeClass: Rule]] = [:]
    /// Per tool, the longest run of consecutive recorded retries.
    var longestRun: [String: Int] = [:]
    /// The waits before retries.
    var backoff: RecordedBackoff

    /// The policy shown by `sequences` (recorded calls, in order, per sequence).
    init(sequences: [[RecordedCall]]) {
        backoff = RecordedBackoff(sequences: sequences)
        for calls in sequences {
            let retry = FidelityCheck.retries(calls)
            var run = 0
            for index in calls.indices {
                run = retry[index] ? run + 1 : 0
                if run > 0 { longestRun[calls[index].tool] = Swift.max(longestRun[calls[index].tool] ?? 0, run) }
                let call = calls[index]
                guard FidelityCheck.isError(call.outcome), index + 1 < calls.count else { continue }
                var rule = rules[call.tool, default: [:]][call.outcome, default: Rule()]
                rule.followed += 1
                if retry[index + 1] { rule.retried += 1 }
                rules[call.tool, default: [:]][call.outcome] = rule
            }
        }
    }

    /// The think time before retrying `call` (an answered call) after its `attempt`-th retry so
    /// far (0: none yet), or `nil` when the recorded agent would not retry it: not an error, a
    /// class it did not retry at least half of the time, or a run already as long as its
    /// longest recorded one.
    func retry(after call: RecordedCall, attempt: Int) -> Double? {
        guard FidelityCheck.isError(call.outcome), let rule = rules[call.tool]?[call.outcome],
            2 * rule.retried >= rule.followed, rule.retried > 0, attempt < (longestRun[call.tool] ?? 0)
        else { return nil }
        return backoff.wait(before: attempt + 1, of: call)
    }
}
