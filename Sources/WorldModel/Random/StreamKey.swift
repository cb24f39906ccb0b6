/// One part of the key that names a random stream: a string (a service, tool or decision
/// site) or an integer (a call index).
///
/// Written as literals: `RandomStream(seed: 42, "billing", 7, "latency")`. A string part and an
/// integer part never collide, even `"7"` and `7`. Use `StreamKey(index)` for a variable.
package enum StreamKey: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    CustomStringConvertible
{
    /// A text part, hashed by its UTF-8 bytes.
    case string(String)
    /// An integer part, hashed by its two's-complement bit pattern.
    case integer(Int64)

    /// A string part.
    package init(_ value: String) {
        self = .string(value)
    }

    /// An integer part.
    package init(_ value: Int) {
        self = .integer(Int64(value))
    }

    /// A string part from a literal.
    package init(stringLiteral value: String) {
        self = .string(value)
    }

    /// An integer part from a literal.
    package init(integerLiteral value: Int64) {
        self = .integer(value)
    }

    /// The part as written in a key path: strings quoted, integers plain (`"billing"`, `7`).
    package var description: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .integer(let value): String(value)
        }
    }
}
