/// Why a service model (latency distribution, error rates, regime chain, rate limit) is
/// invalid.
///
/// `path` is relative to the service's object in a scenario file, e.g.
/// `regimes.degraded.latency.p99_ms` or `transitions.healthy.outage`; the scenario loader
/// prefixes the file name and `services.<name>`.
package enum ServiceModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A value is out of range or inconsistent with another one.
    case invalidValue(path: String, expected: String, found: String)
    /// A regime index or name does not name one of the chain's regimes.
    case unknownRegime(path: String, found: String, known: [String])
    /// Two regimes share a name.
    case duplicateRegime(path: String, name: String)

    /// A message for the scenario author.
    package var description: String {
        switch self {
        case .invalidValue(let path, let expected, let found):
            "\(path): expected \(expected), found \(found)"
        case .unknownRegime(let path, let found, let known):
            "\(path): unknown regime \(found) (known regimes: \(known.map { "'\($0)'" }.joined(separator: ", ")))"
        case .duplicateRegime(let path, let name):
            "\(path): regime '\(name)' is declared twice"
        }
    }
}

extension Double {
    /// Shortest round-trip text, for error messages (Swift's `description` is the same on
    /// every platform).
    var errorText: String { description }
}
