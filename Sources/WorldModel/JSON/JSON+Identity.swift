extension JSON {
    /// Whether `self` and `other` are the same value written the same way: structural equality
    /// (`==`), except that numbers must also be of the same kind and sign (`41` is not identical
    /// to `41.0`, nor `0.0` to `-0.0`), since they serialize differently. Object member order is
    /// ignored, as canonical serialization ignores it.
    ///
    /// A write keeps a row unchanged only when every value it would store is identical to the
    /// one there (`EffectEvaluator`): a numerically equal value of another kind is stored.
    package func isIdentical(to other: JSON) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)):
            switch (a, b) {
            case (.integer(let x), .integer(let y)): return x == y
            case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern
            case (.bigInteger(let x), .bigInteger(let y)): return x == y
            default: return false
            }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
        case (.object(let a), .object(let b)):
            return a.isIdentical(to: b)
        default:
            return self == other
        }
    }
}

extension JSONObject {
    /// Whether both objects have the same keys with identical values (`JSON.isIdentical(to:)`),
    /// in any order.
    package func isIdentical(to other: JSONObject) -> Bool {
        guard count == other.count else { return false }
        for (key, value) in members {
            guard let otherValue = other[key], value.isIdentical(to: otherValue) else { return false }
        }
        return true
    }
}
