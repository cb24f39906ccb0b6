/// Where in a service model a problem lies, in the model's own terms. The world model knows no
/// file format: the scenario loader spells a location as the file's JSON path
/// (`regimes.degraded.latency.p99_ms`).
package struct ServiceModelLocation: Sendable, Hashable, CustomStringConvertible {
    /// The regime the problem lies in; nil for the service as a whole.
    package var regime: String?
    /// The part of the model, within the regime when there is one.
    package var field: Field

    /// A location in the regime `regime` (or the service, for nil).
    package init(regime: String? = nil, _ field: Field) {
        self.regime = regime
        self.field = field
    }

    /// A part of a service model.
    package enum Field: Sendable, Hashable {
        /// The list of regimes.
        case regimes
        /// The regime the chain starts in.
        case initialRegime
        /// The transition table as a whole.
        case transitions
        /// The moves out of one regime.
        case transitionsFrom(String)
        /// The probability of one move.
        case transition(from: String, to: String)
        /// The regime a schedule window forces (windows counted from 0).
        case scheduleRegime(window: Int)
        /// The end of a schedule window.
        case scheduleEnd(window: Int)
        /// A fixed latency.
        case latencyFixed
        /// A uniform latency's lower bound.
        case latencyMinimum
        /// A uniform latency's upper bound.
        case latencyMaximum
        /// A lognormal latency's median.
        case latencyMedian
        /// A lognormal latency's 99th percentile.
        case latencyP99
        /// An empirical latency's list of quantiles.
        case latencyQuantiles
        /// One quantile of an empirical latency (counted from 0).
        case latencyQuantile(Int)
        /// The error rates as a whole.
        case errorRates
        /// The rate of one kind of service error.
        case errorRate(ServiceError)
        /// A rate limit's capacity.
        case rateLimitCapacity
        /// A rate limit's refill rate.
        case rateLimitRefill
    }

    /// The location in words: `regime 'degraded', latency 99th percentile`.
    package var description: String {
        let part: String =
            switch field {
            case .regimes: "regimes"
            case .initialRegime: "initial regime"
            case .transitions: "transitions"
            case .transitionsFrom(let source): "transitions from '\(source)'"
            case .transition(let source, let target): "transition from '\(source)' to '\(target)'"
            case .scheduleRegime(let window): "schedule window \(window) regime"
            case .scheduleEnd(let window): "schedule window \(window) end"
            case .latencyFixed: "latency"
            case .latencyMinimum: "latency minimum"
            case .latencyMaximum: "latency maximum"
            case .latencyMedian: "latency median"
            case .latencyP99: "latency 99th percentile"
            case .latencyQuantiles: "latency quantiles"
            case .latencyQuantile(let index): "latency quantile \(index)"
            case .errorRates: "error rates"
            case .errorRate(let error): "\(error.rawValue) rate"
            case .rateLimitCapacity: "rate limit capacity"
            case .rateLimitRefill: "rate limit refill rate"
            }
        return regime.map { "regime '\($0)', \(part)" } ?? part
    }

    /// The same location inside regime `name`.
    func inRegime(_ name: String) -> ServiceModelLocation {
        ServiceModelLocation(regime: name, field)
    }
}
