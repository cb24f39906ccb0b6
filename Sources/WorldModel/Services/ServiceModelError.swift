/// Why a service model (latency distribution, error rates, regime chain, rate limit) is
/// invalid.
///
/// Each case says where, in the model's terms (`ServiceModelLocation`); the scenario loader
/// spells that as the file's JSON path and prefixes the file name and `services.<name>`.
package enum ServiceModelError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A value is out of range or inconsistent with another one.
    case invalidValue(at: ServiceModelLocation, expected: String, found: String)
    /// A regime index or name does not name one of the chain's regimes.
    case unknownRegime(at: ServiceModelLocation, found: String, known: [String])
    /// Two regimes share a name.
    case duplicateRegime(at: ServiceModelLocation, name: String)

    /// Where the problem lies.
    package var location: ServiceModelLocation {
        switch self {
        case .invalidValue(let location, _, _), .unknownRegime(let location, _, _), .duplicateRegime(let location, _):
            location
        }
    }

    /// The same error located inside regime `name`.
    func inRegime(_ name: String) -> ServiceModelError {
        switch self {
        case .invalidValue(let location, let expected, let found):
            .invalidValue(at: location.inRegime(name), expected: expected, found: found)
        case .unknownRegime(let location, let found, let known):
            .unknownRegime(at: location.inRegime(name), found: found, known: known)
        case .duplicateRegime(let location, let duplicate):
            .duplicateRegime(at: location.inRegime(name), name: duplicate)
        }
    }

    /// A message for the scenario author.
    package var description: String {
        switch self {
        case .invalidValue(let location, let expected, let found):
            "\(location): expected \(expected), found \(found)"
        case .unknownRegime(let location, let found, let known):
            "\(location): unknown regime \(found) (known regimes: \(known.map { "'\($0)'" }.joined(separator: ", ")))"
        case .duplicateRegime(let location, let name):
            "\(location): regime '\(name)' is declared twice"
        }
    }
}

extension Double {
    /// Shortest round-trip text, for error messages (Swift's `description` is the same on
    /// every platform).
    var errorText: String { description }
}
