/// The run-time semantics of the operators, shared by compiled code and constant folding.
enum _ExpressionOperations {
    // MARK: Access

    /// `base.key`: the member, or `null` when the object lacks it or `base` is `null`.
    @inline(__always)
    static func member(_ base: JSON, _ key: String) throws(ExpressionRuntimeError) -> JSON {
        switch base {
        case .object(let object): return object[key] ?? .null
        case .null: return .null
        default: throw .typeMismatch("cannot read field '\(key)' of \(describe(base))")
        }
    }

    /// `slots[slot].key`, read in place so the object's storage is not retained.
    @inline(__always)
    static func member(ofSlot slot: Int, _ key: String, in slots: [JSON]) throws(ExpressionRuntimeError) -> JSON {
        try slots.withUnsafeBufferPointer { buffer throws(ExpressionRuntimeError) -> JSON in
            switch buffer[slot] {
            case .object(let object):
                guard let position = object.position(of: key) else { return .null }
                return object.values[position]
            case .null: return .null
            default: throw .typeMismatch("cannot read field '\(key)' of \(describe(buffer[slot]))")
            }
        }
    }

    /// `base[index]`: array by integer (out of range → `null`), object by string key
    /// (missing → `null`), `null` base → `null`.
    static func index(_ base: JSON, _ index: JSON) throws(ExpressionRuntimeError) -> JSON {
        switch (base, index) {
        case (.null, _): return .null
        case (.array(let elements), .number(let number)):
            guard let position = number.int64Value else {
                throw .typeMismatch("array index must be an integer, got \(number)")
            }
            guard position >= 0, position < Int64(elements.count) else { return .null }
            return elements[Int(position)]
        case (.object(let object), .string(let key)): return object[key] ?? .null
        case (.array, _): throw .typeMismatch("array index must be an integer, got \(describe(index))")
        case (.object, _): throw .typeMismatch("object key must be a string, got \(describe(index))")
        default: throw .typeMismatch("cannot index into \(describe(base))")
        }
    }

    /// A value's type for messages, with short strings and numbers shown: `string 'x'`.
    static func describe(_ value: JSON) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "boolean \(flag)"
        case .number(let number): return "\(value.typeName) \(number)"
        case .string(let text):
            return text.count <= 40 ? "string '\(text)'" : "string '\(text.prefix(40))…'"
        case .array(let elements): return "array of \(elements.count) elements"
        case .object: return "object"
        }
    }

    // MARK: Logic and comparison

    /// The Boolean of an operand of `&&`, `||`, `!` or a predicate.
    @inline(__always)
    static func boolean(_ value: JSON, for what: @autoclosure () -> String) throws(ExpressionRuntimeError) -> Bool {
        if case .bool(let flag) = value { return flag }
        throw .typeMismatch("\(what()) needs a boolean, got \(describe(value))")
    }

    /// `<`, `<=`, `>`, `>=` on two numbers, or two strings in UTF-8 byte order.
    static func compare(_ op: ExpressionSyntax.BinaryOperator, _ lhs: JSON, _ rhs: JSON) throws(ExpressionRuntimeError)
        -> Bool
    {
        let order: Int
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)):
            order = a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)):
            order = a == b ? 0 : (a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1)
        default:
            throw .typeMismatch(
                "'\(op.rawValue)' needs two numbers or two strings, got \(describe(lhs)) and \(describe(rhs))")
        }
        switch op {
        case .less: return order < 0
        case .lessEqual: return order <= 0
        case .greater: return order > 0
        default: return order >= 0
        }
    }

    /// `element in container`: an equal element of an array, a substring of a string, a key of
    /// an object.
    static func contains(_ container: JSON, _ element: JSON, what: String = "'in'") throws(ExpressionRuntimeError)
        -> Bool
    {
        switch (container, element) {
        case (.array(let elements), _): return elements.contains(element)
        case (.string(let text), .string(let part)): return part.isEmpty || text.contains(part)
        case (.object(let object), .string(let key)): return object[key] != nil
        case (.string, _), (.object, _):
            throw .typeMismatch("\(what) on \(describe(container)) needs a string, got \(describe(element))")
        default:
            throw .typeMismatch("\(what) needs an array, string or object, got \(describe(container))")
        }
    }

    // MARK: Arithmetic

    /// A double result, which must be finite to be JSON.
    @inline(__always)
    static func finite(_ value: Double, _ what: @autoclosure () -> String) throws(ExpressionRuntimeError) -> JSON {
        guard value.isFinite else { throw .numberOutOfRange(what()) }
        return .number(.double(value))
    }

    /// Two numeric operands, as the arithmetic sees them: two integers (exact integer
    /// arithmetic) or, when either is a float, two doubles.
    enum NumberOperands {
        case integers(Int64, Int64)
        case doubles(Double, Double)
    }

    /// The operands of an arithmetic operator. An integer beyond the 64-bit range (a data value
    /// such as `123456789012345678901`) only enters float arithmetic: with another integer it
    /// is an error rather than a silently rounded result.
    static func operands(_ op: String, _ lhs: JSON, _ rhs: JSON) throws(ExpressionRuntimeError) -> NumberOperands {
        guard case .number(let a) = lhs, case .number(let b) = rhs else {
            throw .typeMismatch("'\(op)' needs two numbers, got \(describe(lhs)) and \(describe(rhs))")
        }
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return .integers(x, y)
        case (.double, _), (_, .double): return .doubles(a.doubleValue, b.doubleValue)
        default:
            throw .numberOutOfRange(
                "\(a) \(op) \(b): an integer beyond the 64-bit range takes part only in float arithmetic"
                    + " (write 1.0 * x)")
        }
    }

    /// The error of an integer operation whose exact result does not fit in 64 bits.
    static func integerOverflow(_ a: Int64, _ op: String, _ b: Int64) -> ExpressionRuntimeError {
        .numberOutOfRange(
            "integer overflow: \(a) \(op) \(b) is beyond the 64-bit integer range"
                + " (a float operand, as in 1.0 * x, computes in floating point)")
    }

    /// `+`: numbers add (integer + integer is an integer, an error on overflow; a float operand
    /// gives a float), strings and arrays concatenate.
    static func add(_ lhs: JSON, _ rhs: JSON) throws(ExpressionRuntimeError) -> JSON {
        switch (lhs, rhs) {
        case (.number, .number):
            switch try operands("+", lhs, rhs) {
            case .integers(let a, let b):
                let (sum, overflow) = a.addingReportingOverflow(b)
                if overflow { throw integerOverflow(a, "+", b) }
                return .number(.integer(sum))
            case .doubles(let a, let b): return try finite(a + b, "\(a) + \(b)")
            }
        case (.string(let a), .string(let b)): return .string(a + b)
        case (.array(let a), .array(let b)): return .array(a + b)
        default:
            throw .typeMismatch(
                "'+' needs two numbers, two strings or two arrays, got \(describe(lhs)) and \(describe(rhs))")
        }
    }

    /// `-`: integer - integer is an integer (an error on overflow); a float operand gives a float.
    static func subtract(_ lhs: JSON, _ rhs: JSON) throws(ExpressionRuntimeError) -> JSON {
        switch try operands("-", lhs, rhs) {
        case .integers(let a, let b):
            let (difference, overflow) = a.subtractingReportingOverflow(b)
            if overflow { throw integerOverflow(a, "-", b) }
            return .number(.integer(difference))
        case .doubles(let a, let b): return try finite(a - b, "\(a) - \(b)")
        }
    }

    /// `*`: integer * integer is an integer (an error on overflow); a float operand gives a float.
    static func multiply(_ lhs: JSON, _ rhs: JSON) throws(ExpressionRuntimeError) -> JSON {
        switch try operands("*", lhs, rhs) {
        case .integers(let a, let b):
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            if overflow { throw integerOverflow(a, "*", b) }
            return .number(.integer(product))
        case .doubles(let a, let b): return try finite(a * b, "\(a) * \(b)")
        }
    }

    /// `/`: always a float, as in most services' JSON (`8 / 2` is `4.0`); by zero, an error.
    static func divide(_ lhs: JSON, _ rhs: JSON) throws(ExpressionRuntimeError) -> JSON {
        guard case .number(let a) = lhs, case .number(let b) = rhs else {
            throw .typeMismatch("'/' needs two numbers, got \(describe(lhs)) and \(describe(rhs))")
        }
        if b.doubleValue == 0 { throw .divisionByZero }
        return try finite(a.doubleValue / b.doubleValue, "\(a) / \(b)")
    }

    /// `%`: integer remainder for integers (sign of the dividend), else the truncating
    /// remainder of doubles.
    static func remainder(_ lhs: JSON, _ rhs: JSON) throws(ExpressionRuntimeError) -> JSON {
        switch try operands("%", lhs, rhs) {
        case .integers(let a, let b):
            if b == 0 { throw .divisionByZero }
            let (remainder, overflow) = a.remainderReportingOverflow(dividingBy: b)
            return .number(.integer(overflow ? 0 : remainder))
        case .doubles(let a, let b):
            if b == 0 { throw .divisionByZero }
            return try finite(a.truncatingRemainder(dividingBy: b), "\(a) % \(b)")
        }
    }

    /// Unary `-`.
    static func negate(_ operand: JSON) throws(ExpressionRuntimeError) -> JSON {
        switch operand {
        case .number(.integer(let value)):
            if value == .min { throw integerOverflow(0, "-", value) }
            return .number(.integer(-value))
        case .number(.bigInteger(let text)):
            return .number(.bigInteger(text.hasPrefix("-") ? String(text.dropFirst()) : "-" + text))
        case .number(let number): return try finite(-number.doubleValue, "-\(number)")
        default: throw .typeMismatch("unary '-' needs a number, got \(describe(operand))")
        }
    }
}
