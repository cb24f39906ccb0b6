/// A JSON object: unique string keys in insertion order.
///
/// Invariants: `keys` has no duplicates and `keys.count == values.count`. Keys are compared by
/// their UTF-8 bytes, as JSON requires (not by Swift's Unicode canonical equivalence, under
/// which `"é"` and `"e\u{301}"` would be the same key). Lookup is linear for the small objects
/// that dominate (rows, arguments, bodies) and hashed once an object grows past
/// `indexThreshold` keys. Equality and hashing ignore key order.
public struct JSONObject: Sendable {
    /// The keys, in insertion order.
    public private(set) var keys: [String]
    /// The values, parallel to `keys`.
    public private(set) var values: [JSON]
    /// Key → position, kept only for large objects.
    private var index: [_JSONKey: Int]?

    @usableFromInline static let indexThreshold = 12

    /// An empty object.
    public init() {
        keys = []
        values = []
        index = nil
    }

    /// An object with room for `capacity` members.
    package init(minimumCapacity capacity: Int) {
        self.init()
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    /// An object from keys the caller has checked to be unique (by bytes), with parallel values.
    init(uniqueKeys keys: [String], values: [JSON]) {
        self.keys = keys
        self.values = values
        self.index = keys.count > Self.indexThreshold ? Self.buildIndex(keys) : nil
    }

    /// An object from key–value pairs; a repeated key keeps its first position and last value.
    public init(_ pairs: some Sequence<(String, JSON)>) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// The number of members.
    @inlinable
    public var count: Int { keys.count }

    /// Whether the object has no members.
    @inlinable
    public var isEmpty: Bool { keys.isEmpty }

    /// The position of `key` in `keys`, if present.
    package func position(of key: String) -> Int? {
        if let index { return index[_JSONKey(key)] }
        // Lengths first (stored in the string, so comparing them is nearly free and rules out
        // most keys), then `==`, which is fast and never false for byte-equal strings.
        let length = key.utf8.count
        return keys.firstIndex { $0.utf8.count == length && $0 == key && _JSONKey.sameBytes($0, key) }
    }

    /// The value for `key`; assigning `nil` removes the member, assigning a value to a new key
    /// appends it.
    public subscript(key: String) -> JSON? {
        get {
            guard let position = position(of: key) else { return nil }
            return values[position]
        }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets the value for `key`, appending the key if it is new; returns the old value.
    @discardableResult
    public mutating func updateValue(_ value: JSON, forKey key: String) -> JSON? {
        if let position = position(of: key) {
            let old = values[position]
            values[position] = value
            return old
        }
        appendNew(key: key, value: value)
        return nil
    }

    /// Appends a member whose key the caller knows is not present yet; returns `false` (and
    /// changes nothing) if it was present after all.
    @discardableResult
    package mutating func insertNew(key: String, value: JSON) -> Bool {
        if position(of: key) != nil { return false }
        appendNew(key: key, value: value)
        return true
    }

    private mutating func appendNew(key: String, value: JSON) {
        keys.append(key)
        values.append(value)
        if index != nil {
            index?[_JSONKey(key)] = keys.count - 1
        } else if keys.count > Self.indexThreshold {
            index = Self.buildIndex(keys)
        }
    }

    private static func buildIndex(_ keys: [String]) -> [_JSONKey: Int] {
        var built = [_JSONKey: Int](minimumCapacity: keys.count * 2)
        for (position, key) in keys.enumerated() { built[_JSONKey(key)] = position }
        return built
    }

    /// Removes the member for `key`, keeping the order of the others; returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSON? {
        guard let position = position(of: key) else { return nil }
        keys.remove(at: position)
        let old = values.remove(at: position)
        if index != nil {
            if keys.count > Self.indexThreshold {
                index = Self.buildIndex(keys)
            } else {
                index = nil
            }
        }
        return old
    }

    /// The members in insertion order.
    public var members: some RandomAccessCollection<(key: String, value: JSON)> {
        keys.indices.lazy.map { (key: keys[$0], value: values[$0]) }
    }

    /// The positions of the members in canonical order: keys sorted by their UTF-8 bytes.
    package var sortedPositions: [Int] {
        if keysAreSorted { return Array(keys.indices) }
        return keys.indices.sorted { _JSONKey.precedes(keys[$0], keys[$1]) }
    }

    /// Whether `keys` is already in canonical order (true for documents written canonically),
    /// so serializers can skip sorting.
    package var keysAreSorted: Bool {
        var position = 1
        while position < keys.count {
            if !_JSONKey.precedes(keys[position - 1], keys[position]) { return false }
            position += 1
        }
        return true
    }
}

extension JSONObject: Equatable {
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.keys.elementsEqual(rhs.keys, by: { $0 == $1 && _JSONKey.sameBytes($0, $1) }) {
            return lhs.values == rhs.values
        }
        for (position, key) in lhs.keys.enumerated() {
            guard let other = rhs[key], other == lhs.values[position] else { return false }
        }
        return true
    }
}

extension JSONObject: Hashable {
    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine the members' own hashes commutatively.
        var sum = 0
        for position in keys.indices {
            var member = Hasher()
            member.combine(keys[position])
            member.combine(values[position])
            sum &+= member.finalize()
        }
        hasher.combine(count)
        hasher.combine(sum)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// An object literal; keys keep the order they are written in.
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self.init(elements)
    }
}

/// An object key compared by its UTF-8 bytes.
package struct _JSONKey: Hashable {
    /// The key.
    package let string: String

    /// Wraps `string`.
    package init(_ string: String) { self.string = string }

    /// Byte equality of the UTF-8 forms.
    package static func == (lhs: _JSONKey, rhs: _JSONKey) -> Bool {
        // Hashed lookups compare keys that hash alike, which are nearly always equal: the byte
        // comparison alone decides (`String.==` first would only repeat its work).
        sameBytes(lhs.string, rhs.string)
    }

    /// String's hash (consistent with byte equality).
    package func hash(into hasher: inout Hasher) {
        // Byte-equal strings are canonically equivalent, so String's hash is consistent with `==`.
        hasher.combine(string)
    }

    /// Whether two strings have the same UTF-8 bytes.
    @inline(__always)
    static func sameBytes(_ lhs: String, _ rhs: String) -> Bool {
        let fast = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right -> Bool in
                guard left.count == right.count else { return false }
                if left.baseAddress == right.baseAddress { return true }
                var index = 0
                while index < left.count {
                    if left[index] != right[index] { return false }
                    index += 1
                }
                return true
            }
        }
        if let fast, let result = fast { return result }
        return lhs.utf8.count == rhs.utf8.count && lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// Whether `lhs` sorts before `rhs` by UTF-8 bytes (the canonical key order).
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        let fast = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right -> Bool in
                let shared = Swift.min(left.count, right.count)
                var index = 0
                while index < shared {
                    let a = left[index]
                    let b = right[index]
                    if a != b { return a < b }
                    index += 1
                }
                return left.count < right.count
            }
        }
        if let fast, let result = fast { return result }
        return lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
