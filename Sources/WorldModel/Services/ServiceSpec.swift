/// A simulated service: its hidden regime chain, its timeout and its rate limit.
package struct ServiceSpec: Sendable {
    /// The service's name, e.g. `billing`.
    package var name: String
    /// Calls slower than this time out (the agent sees 504 after `timeoutMs`).
    package var timeoutMs: Int64
    /// The hidden regimes and how they change.
    package var regimes: RegimeChain
    /// The token bucket that answers 429 when calls come too fast; `nil` means unlimited.
    package var rateLimit: TokenBucket?

    /// Creates a service.
    package init(name: String, timeoutMs: Int64 = 30_000, regimes: RegimeChain, rateLimit: TokenBucket? = nil) {
        self.name = name
        self.timeoutMs = timeoutMs
        self.regimes = regimes
        self.rateLimit = rateLimit
    }
}
