/// Run-time implementations of the built-in functions that do not iterate.
enum _ExpressionBuiltins {
    typealias Ops = _ExpressionOperations

    /// `len(x)`: Unicode scalars of a string, elements of an array, members of an object.
    static func len(_ value: JSON) throws(ExpressionRuntimeError) -> JSON {
        switch value {
        case .string(let text): return .int(text.unicodeScalars.count)
        case .array(let elements): return .int(elements.count)
        case .object(let object): return .int(object.count)
        default: throw .typeMismatch("len() needs a string, array or object, got \(Ops.describe(value))")
        }
    }

    /// `lower(s)` / `upper(s)`.
    static func changeCase(_ value: JSON, upper: Bool) throws(ExpressionRuntimeError) -> JSON {
        guard case .string(let text) = value else {
            throw .typeMismatch("\(upper ? "upper" : "lower")() needs a string, got \(Ops.describe(value))")
        }
        return .string(upper ? text.uppercased() : text.lowercased())
    }

    /// `round(x)` and `round(x, digits)`: the exact binary value of `x` rounded half to even
    /// (`_ExactDecimal`). `round(x)` is an integer (as in most languages' one-argument round); with
    /// `digits`, a float `x` gives a float and an integer `x` an integer (rounded to tens,
    /// hundreds… for negative `digits`, unchanged otherwise).
    static func round(_ value: JSON, _ digits: JSON?) throws(ExpressionRuntimeError) -> JSON {
        guard case .number(let number) = value else {
            throw .typeMismatch("round() needs a number, got \(Ops.describe(value))")
        }
        var places: Int64 = 0
        if let digits {
            guard case .number(let digitsNumber) = digits, let exact = digitsNumber.int64Value,
                (-15...15).contains(exact)
            else {
                throw .invalidArgument(
                    "round() digits must be an integer from -15 to 15, got \(Ops.describe(digits))")
            }
            places = exact
        }
        switch number {
        case .integer(let integer):
            return places >= 0 ? value : .int(try roundInteger(integer, places: Int(places)))
        case .bigInteger:
            guard places >= 0 else {
                throw .numberOutOfRange("round(\(number), \(places)): the integer is beyond the 64-bit range")
            }
            return value
        case .double(let x):
            let decimal = _ExactDecimal(x)
            guard let kept = decimal.roundedDigits(places: Int(places)) else {
                // Nothing to round; round(x) still gives an integer.
                return digits == nil ? integer(fromDigits: decimal.digits, negative: decimal.isNegative) : value
            }
            if digits == nil { return integer(fromDigits: kept, negative: decimal.isNegative) }
            let text = _ExactDecimal.text(kept) + "e" + String(-places)
            guard let magnitude = Double(text) else {
                throw .numberOutOfRange("round(\(number), \(places))")
            }
            if magnitude == 0 { return .double(0) }
            return try Ops.finite(decimal.isNegative ? -magnitude : magnitude, "round(\(number), \(places))")
        }
    }

    /// An integer from the decimal digits of its magnitude: `integer` within 64 bits, else
    /// `bigInteger` (exact either way).
    private static func integer(fromDigits digits: [UInt8], negative: Bool) -> JSON {
        let text = _ExactDecimal.text(digits)
        if digits == [0] { return .int(0) }
        if let value = Int64((negative ? "-" : "") + text) { return .int(value) }
        return .number(.bigInteger((negative ? "-" : "") + text))
    }

    /// `integer` rounded to a multiple of `10^-places` (`places` < 0), half to even.
    private static func roundInteger(_ integer: Int64, places: Int) throws(ExpressionRuntimeError) -> Int64 {
        var unit: UInt64 = 1
        for _ in 0..<(-places) { unit *= 10 }
        let magnitude = integer.magnitude
        var quotient = magnitude / unit
        let remainder = magnitude % unit
        if remainder * 2 > unit || (remainder * 2 == unit && quotient % 2 == 1) { quotient += 1 }
        let (rounded, overflow) = quotient.multipliedReportingOverflow(by: unit)
        guard !overflow, rounded <= UInt64(Int64.max) + (integer < 0 ? 1 : 0) else {
            throw .numberOutOfRange("round(\(integer), \(places)) is beyond the 64-bit integer range")
        }
        return integer < 0 ? Int64(truncatingIfNeeded: 0 &- rounded) : Int64(rounded)
    }

    /// `abs(x)`.
    static func abs(_ value: JSON) throws(ExpressionRuntimeError) -> JSON {
        switch value {
        case .number(.integer(let x)):
            if x == .min { throw Ops.integerOverflow(0, "-", x) }
            return .int(x < 0 ? -x : x)
        case .number(.bigInteger(let text)):
            return .number(.bigInteger(text.hasPrefix("-") ? String(text.dropFirst()) : text))
        case .number(let number): return .double(Swift.abs(number.doubleValue))
        default: throw .typeMismatch("abs() needs a number, got \(Ops.describe(value))")
        }
    }

    /// `min(a, b)` / `max(a, b)`, or `min(xs)` / `max(xs)` of an array of numbers (`null` when
    /// empty). The chosen operand is returned as it is (an integer stays an integer).
    static func extreme(_ values: [JSON], max: Bool) throws(ExpressionRuntimeError) -> JSON {
        let name = max ? "max" : "min"
        var best: JSONNumber?
        var bestValue = JSON.null
        for value in values {
            guard case .number(let number) = value else {
                throw .typeMismatch("\(name)() needs numbers, got \(Ops.describe(value))")
            }
            if let current = best, max ? !(current < number) : !(number < current) { continue }
            best = number
            bestValue = value
        }
        return bestValue
    }

    /// `contains(hay, needle)`: like `needle in hay`.
    static func contains(_ hay: JSON, _ needle: JSON) throws(ExpressionRuntimeError) -> JSON {
        .bool(try Ops.contains(hay, needle, what: "contains()"))
    }

    /// Adds `value` to a running sum (integers stay integers until they overflow).
    static func accumulate(_ total: inout JSON, _ value: JSON) throws(ExpressionRuntimeError) {
        guard case .number = value else {
            throw .typeMismatch("sum() needs numbers, got \(Ops.describe(value))")
        }
        total = try Ops.add(total, value)
    }

    /// A string argument naming a collection, tool or service.
    static func name(_ value: JSON, for function: String) throws(ExpressionRuntimeError) -> String {
        guard case .string(let text) = value else {
            throw .typeMismatch("\(function)() needs a name string, got \(Ops.describe(value))")
        }
        return text
    }

    /// An array argument of a quantifier.
    static func elements(_ value: JSON, for function: String) throws(ExpressionRuntimeError) -> [JSON] {
        guard case .array(let elements) = value else {
            throw .typeMismatch("\(function)() needs an array, got \(Ops.describe(value))")
        }
        return elements
    }
}
