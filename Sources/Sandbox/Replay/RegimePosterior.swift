import Foundation
import WorldModel

/// The status class of an observed call, as far as regimes are concerned: success or one of the
/// service errors.
package enum CallStatusClass: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The service answered normally (whatever the tool's own status, e.g. a 404 is still `ok`
    /// for the service).
    case ok
    /// HTTP 500 / 503 from the service.
    case serverError = "server_error"
    /// No answer before the timeout.
    case timeout
    /// HTTP 429 caused by the service's regime.
    case rateLimited = "rate_limited"
    /// HTTP 502.
    case badGateway = "bad_gateway"

    /// The class of a call that got `error` (`nil`: `ok`).
    package init(_ error: ServiceError?) {
        switch error {
        case nil: self = .ok
        case .serverError: self = .serverError
        case .timeout: self = .timeout
        case .rateLimited: self = .rateLimited
        case .badGateway: self = .badGateway
        }
    }

    /// The service error of this class (`nil` for `ok`).
    package var serviceError: ServiceError? {
        switch self {
        case .ok: nil
        case .serverError: .serverError
        case .timeout: .timeout
        case .rateLimited: .rateLimited
        case .badGateway: .badGateway
        }
    }

    /// The snake_case name (`server_error`).
    package var description: String { rawValue }
}

/// One call to a service as an observer saw it.
package struct ObservedCall: Sendable, Hashable {
    /// Success or which service error.
    package var status: CallStatusClass
    /// The observed latency in whole milliseconds.
    package var latencyMs: Int64
    /// The virtual time of the call, if known; needed to apply schedules.
    package var timeMs: Int64?

    /// An observed call.
    package init(status: CallStatusClass, latencyMs: Int64, timeMs: Int64? = nil) {
        self.status = status
        self.latencyMs = latencyMs
        self.timeMs = timeMs
    }
}

/// The observation encoder of a service's hidden regime: the posterior over regimes after each
/// observed call, by the HMM forward algorithm in log space.
///
/// ## Model
/// The belief before any call is all mass on `chain.initial`. For each call, in order:
/// 1. **Predict.** The belief moves one step through `chain.transitionMatrix` (a call is
///    served by the regime the chain steps to, exactly as `RegimeChain.next` does). If
///    `applySchedules` is on and the call has a `timeMs` inside a schedule window, the
///    prediction is instead all mass on the scheduled regime, as in the simulation; calls
///    without a time never use schedules.
/// 2. **Update.** Multiply by the emission likelihood
///    `P(status | regime) × P(latency bucket | regime)`, where the status probability comes from
///    the regime's `ServiceErrorRates` and the latency factor is
///    `LatencyDistribution.probability(ofSample:)`, the mass of the 1-ms bucket. Each factor
///    is floored at `floor` so an observation impossible under every regime does not zero out
///    the belief (it then leaves the prediction nearly unchanged). By default the latency
///    factor is used for `ok` calls only (`LatencyEvidence.okCalls`), because how long a
///    failed call takes depends on how the transition renders the failure (a timeout lasts the
///    service's timeout, not a latency draw).
/// 3. **Normalize** with log-sum-exp.
///
/// `logLikelihood` accumulates `log P(call_t | calls_<t)`, the floored sequence log-likelihood,
/// useful for comparing chains fitted to the same trace. The lognormal latency factor uses the
/// platform's `erfc`, so posteriors may differ between platforms in the last bits; they are an
/// analysis aid, never part of trace bytes.
package struct RegimePosterior: Sendable {
    /// Which calls' latencies count as evidence.
    package enum LatencyEvidence: Sendable, Hashable {
        /// Only successful calls' latencies (the default).
        case okCalls
        /// Every call's latency.
        case allCalls
        /// Latency is ignored; only the status counts.
        case none
    }

    /// The chain whose regimes are inferred.
    package let chain: RegimeChain
    /// Which latencies count as evidence.
    package let latencyEvidence: LatencyEvidence
    /// Whether calls with a time inside a schedule window force the scheduled regime.
    package let applySchedules: Bool
    /// The smallest probability any emission factor can have.
    package let floor: Double
    /// The natural log of the current posterior, one entry per regime (`-∞` for impossible).
    package private(set) var logProbabilities: [Double]
    /// The floored log-likelihood of all calls observed so far.
    package private(set) var logLikelihood: Double = 0
    /// How many calls have been observed.
    package private(set) var observedCount = 0

    private let logTransitions: [[Double]]

    /// A posterior with all mass on the chain's initial regime.
    package init(
        chain: RegimeChain, latencyEvidence: LatencyEvidence = .okCalls, applySchedules: Bool = true,
        floor: Double = 1e-9
    ) {
        self.chain = chain
        self.latencyEvidence = latencyEvidence
        self.applySchedules = applySchedules
        self.floor = floor > 0 && floor.isFinite ? floor : 1e-9
        logProbabilities = chain.regimes.indices.map { $0 == chain.initial ? 0 : -.infinity }
        logTransitions = chain.transitionMatrix.map { row in row.map { $0 > 0 ? Foundation.log($0) : -.infinity } }
    }

    /// The current posterior probabilities, one per regime, summing to 1.
    package var probabilities: [Double] {
        logProbabilities.map { Foundation.exp($0) }
    }

    /// The posterior probability of the regime called `name` (0 for an unknown name).
    package func probability(of name: String) -> Double {
        guard let index = chain.index(named: name) else { return 0 }
        return Foundation.exp(logProbabilities[index])
    }

    /// The index of the most probable regime (the first on ties).
    package var mostLikely: Int {
        var best = 0
        for index in logProbabilities.indices where logProbabilities[index] > logProbabilities[best] {
            best = index
        }
        return best
    }

    /// Updates the posterior with the next call (see the type's documentation).
    package mutating func observe(_ call: ObservedCall) {
        let count = chain.regimes.count
        var predicted: [Double]
        if applySchedules, let time = call.timeMs, let forced = chain.scheduledRegime(at: time) {
            predicted = (0..<count).map { $0 == forced ? 0 : -.infinity }
        } else {
            predicted = (0..<count).map { target in
                Self.logSumExp((0..<count).map { logProbabilities[$0] + logTransitions[$0][target] })
            }
        }
        var updated = predicted
        for index in 0..<count {
            updated[index] += logEmission(call, regime: chain.regimes[index])
        }
        let total = Self.logSumExp(updated)
        guard total.isFinite else {
            // Cannot happen with a positive floor; keep the prediction rather than NaNs.
            let norm = Self.logSumExp(predicted)
            logProbabilities = predicted.map { $0 - norm }
            observedCount += 1
            return
        }
        logProbabilities = updated.map { $0 - total }
        logLikelihood += total
        observedCount += 1
    }

    /// Observes every call in order.
    package mutating func observe(_ calls: some Sequence<ObservedCall>) {
        for call in calls { observe(call) }
    }

    /// The posterior probabilities after each call of `calls`: one row per call, one column per
    /// regime.
    package static func filter(
        chain: RegimeChain, calls: [ObservedCall], latencyEvidence: LatencyEvidence = .okCalls,
        applySchedules: Bool = true
    ) -> [[Double]] {
        var posterior = RegimePosterior(chain: chain, latencyEvidence: latencyEvidence, applySchedules: applySchedules)
        return calls.map { call in
            posterior.observe(call)
            return posterior.probabilities
        }
    }

    /// `log P(call | regime)`, each factor floored.
    package func logEmission(_ call: ObservedCall, regime: Regime) -> Double {
        var log = Foundation.log(Swift.max(regime.errors.probability(of: call.status.serviceError), floor))
        let useLatency: Bool =
            switch latencyEvidence {
            case .okCalls: call.status == .ok
            case .allCalls: true
            case .none: false
            }
        if useLatency {
            log += Foundation.log(Swift.max(regime.latency.probability(ofSample: call.latencyMs), floor))
        }
        return log
    }

    /// `log Σ exp(values)`, stable for large magnitudes; `-∞` when every value is `-∞`.
    static func logSumExp(_ values: [Double]) -> Double {
        guard let largest = values.max(), largest > -.infinity else { return -.infinity }
        if largest == .infinity { return .infinity }
        return largest + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - largest) })
    }
}
