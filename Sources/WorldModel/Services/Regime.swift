/// One hidden operating mode of a service (e.g. healthy, degraded, outage): how slow it is and
/// how often it fails while in that mode.
package struct Regime: Sendable, Hashable {
    /// The regime's name, unique within its service (`healthy`).
    package var name: String
    /// The latency of calls served in this regime.
    package var latency: LatencyDistribution
    /// The service-error probabilities of calls served in this regime.
    package var errors: ServiceErrorRates

    /// A regime; without `errors` it never fails.
    package init(name: String, latency: LatencyDistribution, errors: ServiceErrorRates = .none) {
        self.name = name
        self.latency = latency
        self.errors = errors
    }

    /// Checks the latency distribution and error rates; errors are located in this regime.
    package func validate() throws(ServiceModelError) {
        do throws(ServiceModelError) {
            try latency.validate()
            try errors.validate()
        } catch {
            throw error.inRegime(name)
        }
    }
}
