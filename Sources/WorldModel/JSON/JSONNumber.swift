/// A JSON number, kept exactly.
///
/// Integers written without a fraction or exponent stay integers: within `Int64` they are
/// `integer`, beyond it they keep their decimal text in `bigInteger` rather than being rounded
/// to the nearest `Double`. Everything else is a `Double`, printed as the shortest text that
/// reads back to the same value on every platform.
///
/// Equality is numeric: `integer(1) == double(1.0)`.
public enum JSONNumber: Sendable {
    /// An integer in `Int64` range.
    case integer(Int64)
    /// A binary floating-point number; always finite.
    case double(Double)
    /// An integer outside `Int64` range, as its exact decimal text (optional `-`, digits,
    /// no leading zeros).
    case bigInteger(String)

    /// Whether the value was written or computed as an integer.
    @inlinable
    public var isInteger: Bool {
        switch self {
        case .integer, .bigInteger: true
        case .double: false
        }
    }

    /// The nearest `Double` (exact for `double`, rounded for very large integers).
    @inlinable
    public var doubleValue: Double {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        case .bigInteger(let text): Double(text) ?? .nan
        }
    }

    /// The value as an `Int64`, if it is an exact integer in range (`2.0` counts, `2.5` does not).
    @inlinable
    public var int64Value: Int64? {
        switch self {
        case .integer(let value): return value
        case .double(let value):
            guard value.rounded(.towardZero) == value, value >= -9.223_372_036_854_775_808e18,
                value < 9.223_372_036_854_775_808e18
            else { return nil }
            return Int64(value)
        case .bigInteger: return nil
        }
    }
}

extension JSONNumber: Equatable {
    @inlinable
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .integer(let b)): return a == b
        case (.bigInteger(let a), .bigInteger(let b)): return a == b
        case (.bigInteger, _), (_, .bigInteger): return false
        case (.integer(let a), .double(let b)), (.double(let b), .integer(let a)):
            return Double(a) == b && Int64(exactly: b) == a
        case (.double(let a), .double(let b)): return a == b
        }
    }
}

extension JSONNumber: Hashable {
    @inlinable
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .integer(let value): hasher.combine(Double(value))
        case .double(let value): hasher.combine(value == 0 ? 0 : value)
        case .bigInteger(let text): hasher.combine(text)
        }
    }
}

extension JSONNumber: Comparable {
    /// Numeric order; big integers compare by their rounded `Double` value.
    @inlinable
    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if case .integer(let a) = lhs, case .integer(let b) = rhs { return a < b }
        return lhs.doubleValue < rhs.doubleValue
    }
}

extension JSONNumber: CustomStringConvertible {
    /// The number as JSON text: integers as digits, doubles as the shortest round-trip text
    /// (`120.0`, `0.1`, `1e-07`, `1.5e+300`), identical on every platform.
    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .bigInteger(let text): return text
        case .double(let value):
            // Swift's own shortest round-trip algorithm; platform- and locale-independent.
            // Non-finite values cannot be represented in JSON and print as null.
            guard value.isFinite else { return "null" }
            return value.description
        }
    }
}
