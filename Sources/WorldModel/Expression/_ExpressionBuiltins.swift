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

    /// `round(x, digits)`: half away from zero; integers are returned unchanged for digits ≥ 0,
    /// `digits` ≤ 0 gives an integer when it fits.
    static func round(_ value: JSON, _ digits: JSON) throws(ExpressionRuntimeError) -> JSON {
        guard case .number(let number) = value else {
            throw .typeMismatch("round() needs a number, got \(Ops.describe(value))")
        }
        guard case .number(let digitsNumber) = digits, let places = digitsNumber.int64Value, (-15...15).contains(places)
        else {
            throw .invalidArgument("round() digits must be an integer from -15 to 15, got \(Ops.describe(digits))")
        }
        if number.isInteger, places >= 0 { return value }
        var scale = 1.0
        for _ in 0..<Swift.abs(places) { scale *= 10 }
        let x = number.doubleValue
        let rounded =
            places >= 0
            ? (x * scale).rounded(.toNearestOrAwayFromZero) / scale
            : (x / scale).rounded(.toNearestOrAwayFromZero) * scale
        if places <= 0, let exact = Int64(exactly: rounded) { return .int(exact) }
        return try Ops.finite(rounded, "round(\(number), \(places))")
    }

    /// `abs(x)`.
    static func abs(_ value: JSON) throws(ExpressionRuntimeError) -> JSON {
        switch value {
        case .number(.integer(let x)) where x != .min: return .int(x < 0 ? -x : x)
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
