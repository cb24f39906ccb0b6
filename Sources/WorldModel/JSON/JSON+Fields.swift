extension JSON {
    /// The value at a path of object member names (`["address", "zip"]`), or `nil` where a
    /// member is missing or a step is not an object.
    package func value(at path: some Collection<String>) -> JSON? {
        var current = self
        for key in path {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        return current
    }

    /// A copy with `newValue` at a path of member names, creating objects for missing members
    /// and replacing non-object steps by objects.
    package func setting(_ newValue: JSON, at path: some Collection<String>) -> JSON {
        guard let key = path.first else { return newValue }
        var object = objectValue ?? JSONObject()
        let child = object[key] ?? .null
        object[key] = child.setting(newValue, at: path.dropFirst())
        return .object(object)
    }

    /// A total order over JSON values for sorting: null < booleans < numbers < strings < arrays
    /// < objects; numbers numerically, strings by UTF-8 bytes, arrays element-wise, objects by
    /// canonical text. Returns -1, 0 or 1; `nil` sorts as null.
    package static func order(_ lhs: JSON?, _ rhs: JSON?) -> Int {
        let lhs = lhs ?? .null
        let rhs = rhs ?? .null
        func rank(_ value: JSON) -> Int {
            switch value {
            case .null: 0
            case .bool: 1
            case .number: 2
            case .string: 3
            case .array: 4
            case .object: 5
            }
        }
        switch (lhs, rhs) {
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.number(let a), .number(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.string(let a), .string(let b)):
            if a == b { return 0 }
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        case (.array(let a), .array(let b)):
            for (x, y) in zip(a, b) {
                let order = JSON.order(x, y)
                if order != 0 { return order }
            }
            return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
        case (.object, .object):
            let (a, b) = (lhs.canonicalBytes, rhs.canonicalBytes)
            if a == b { return 0 }
            return a.lexicographicallyPrecedes(b) ? -1 : 1
        default:
            let (a, b) = (rank(lhs), rank(rhs))
            return a == b ? 0 : (a < b ? -1 : 1)
        }
    }
}
