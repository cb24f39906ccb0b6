/// A persistent hash map: a hash array mapped trie (32 slots a level, bitmap-compressed) with
/// structural sharing. Copying one is O(1); the first write after a copy copies only the nodes
/// on one path (about log₃₂ n of them), never the whole map.
///
/// Its layout depends on `Hasher`'s per-process seed, so nothing observable may depend on the
/// order of its members: it offers lookups and writes only, no iteration.
struct _HashTrie<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var root = _TrieNode<Key, Value>()
    /// The number of members.
    private(set) var count = 0

    /// An empty map.
    init() {}

    /// The map of `keys[i]` → `values[i]`, built level by level in O(n log₃₂ n) without a
    /// path copy per member (what inserting them one at a time costs); nil when two keys are
    /// equal. Lookups and writes behave exactly as on the map the same members inserted one at
    /// a time give (tests compare them).
    init?(uniqueKeys keys: [Key], values: [Value]) {
        precondition(keys.count == values.count, "_HashTrie: \(keys.count) keys for \(values.count) values")
        guard !keys.isEmpty else { return }
        let hashes = keys.map { UInt(bitPattern: $0.hashValue) }
        var order = Array(keys.indices)
        var scratch = order
        guard
            let root = _TrieNode<Key, Value>.build(
                keys: keys, values: values, hashes: hashes, order: &order, scratch: &scratch, range: 0..<keys.count,
                shift: 0)
        else { return nil }
        self.root = root
        count = keys.count
    }

    /// The value for `key`, if any.
    subscript(key: Key) -> Value? {
        var node = root
        var hash = UInt(bitPattern: key.hashValue)
        var shift = 0
        while shift < UInt.bitWidth {
            let bit = _TrieNode<Key, Value>.bit(hash)
            if node.dataMap & bit != 0 {
                let index = _TrieNode<Key, Value>.index(node.dataMap, bit)
                return node.members[index].key == key ? node.members[index].value : nil
            }
            guard node.nodeMap & bit != 0 else { return nil }
            node = node.children[_TrieNode<Key, Value>.index(node.nodeMap, bit)]
            hash >>= 5
            shift += 5
        }
        return node.members.first { $0.key == key }?.value
    }

    /// Sets the value for `key`; returns the value it replaced.
    @discardableResult
    mutating func updateValue(_ value: Value, forKey key: Key) -> Value? {
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        let old = root.update(key, value, hash: UInt(bitPattern: key.hashValue), shift: 0)
        if old == nil { count += 1 }
        return old
    }

    /// Applies `body` to the value for `key` in place (`initial()` first when there is none).
    mutating func modifyValue<Result>(
        forKey key: Key, default initial: @autoclosure () -> Value, _ body: (inout Value) -> Result
    ) -> Result {
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        var inserted = false
        let result = root.modify(key, hash: UInt(bitPattern: key.hashValue), shift: 0, inserted: &inserted) {
            (value: inout Value?) in
            if value == nil { value = initial() }
            return body(&value!)
        }
        if inserted { count += 1 }
        return result
    }

    /// Removes `key`; returns its value.
    @discardableResult
    mutating func removeValue(forKey key: Key) -> Value? {
        guard self[key] != nil else { return nil }
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        let old = root.remove(key, hash: UInt(bitPattern: key.hashValue), shift: 0)
        if old != nil { count -= 1 }
        return old
    }
}

/// A node of a `_HashTrie`: members whose hash slot at this level is taken by one key (`dataMap`,
/// `members`) and children for slots shared by several (`nodeMap`). Below the
/// last level (the hash used up) a node is a plain list of colliding keys. Changed only while
/// uniquely referenced, hence `@unchecked Sendable`.
final class _TrieNode<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    var dataMap: UInt32 = 0
    var nodeMap: UInt32 = 0
    /// Each with its key's hash shifted to this level (to push a member down without hashing
    /// it again); one array, so copying a node copies one buffer of members.
    var members: [(key: Key, value: Value, hash: UInt)] = []
    var children: [_TrieNode] = []

    init() {}

    private init(copying node: _TrieNode) {
        dataMap = node.dataMap
        nodeMap = node.nodeMap
        members = node.members
        children = node.children
    }

    func copy() -> _TrieNode { _TrieNode(copying: self) }

    /// The node holding the members `order[range]` (indices into `keys`, `values` and their full
    /// `hashes`), all sharing their hash's slots above `shift`: members alone in their slot here
    /// are stored in it, the others in a child built the same way one level down; below the last
    /// level a plain list. Reorders `order[range]` (by slot) using `scratch`; nil when two keys
    /// are equal.
    static func build(
        keys: [Key], values: [Value], hashes: [UInt], order: inout [Int], scratch: inout [Int], range: Range<Int>,
        shift: Int
    ) -> _TrieNode? {
        let node = _TrieNode()
        if shift >= UInt.bitWidth {
            // Every member has the same full hash: a list of distinct keys.
            for position in range {
                let member = order[position]
                if node.members.contains(where: { $0.key == keys[member] }) { return nil }
                node.members.append((keys[member], values[member], 0))
            }
            return node
        }
        // A counting sort of the members by their slot at this level.
        var starts = [Int](repeating: 0, count: 33)
        for position in range { starts[Int((hashes[order[position]] >> UInt(shift)) & 31) + 1] += 1 }
        for slot in 0..<32 { starts[slot + 1] += starts[slot] }
        var next = starts
        for position in range {
            let member = order[position]
            let slot = Int((hashes[member] >> UInt(shift)) & 31)
            scratch[range.lowerBound + next[slot]] = member
            next[slot] += 1
        }
        for position in range { order[position] = scratch[position] }
        for slot in 0..<32 {
            let size = starts[slot + 1] - starts[slot]
            guard size > 0 else { continue }
            let bit = UInt32(1) << UInt32(slot)
            let lower = range.lowerBound + starts[slot]
            if size == 1 {
                let member = order[lower]
                node.dataMap |= bit
                node.members.append((keys[member], values[member], hashes[member] >> UInt(shift)))
            } else {
                guard
                    let child = build(
                        keys: keys, values: values, hashes: hashes, order: &order, scratch: &scratch,
                        range: lower..<lower + size, shift: shift + 5)
                else { return nil }
                node.nodeMap |= bit
                node.children.append(child)
            }
        }
        return node
    }

    /// The bitmap bit of the slot `hash` (shifted to the level) falls in.
    @inline(__always)
    static func bit(_ hash: UInt) -> UInt32 { 1 << UInt32(truncatingIfNeeded: hash & 31) }

    /// The index, among the members of `map`, of the one at `bit`.
    @inline(__always)
    static func index(_ map: UInt32, _ bit: UInt32) -> Int { (map & (bit &- 1)).nonzeroBitCount }

    private func uniqueChild(_ index: Int) -> _TrieNode {
        if !isKnownUniquelyReferenced(&children[index]) { children[index] = children[index].copy() }
        return children[index]
    }

    func update(_ key: Key, _ value: Value, hash: UInt, shift: Int) -> Value? {
        var inserted = false
        return modify(key, hash: hash, shift: shift, inserted: &inserted) { (stored: inout Value?) in
            defer { stored = value }
            return stored
        }
    }

    /// Applies `body` to the value of `key` (nil when absent, in which case `body` must set one).
    func modify<Result>(
        _ key: Key, hash: UInt, shift: Int, inserted: inout Bool, _ body: (inout Value?) -> Result
    ) -> Result {
        if shift >= UInt.bitWidth {
            if let index = members.firstIndex(where: { $0.key == key }) {
                var value: Value? = members[index].value
                defer { members[index].value = value! }
                return body(&value)
            }
            var value: Value?
            let result = body(&value)
            members.append((key, value!, 0))
            inserted = true
            return result
        }
        let bit = Self.bit(hash)
        if dataMap & bit != 0 {
            let index = Self.index(dataMap, bit)
            if members[index].key == key {
                var value: Value? = members[index].value
                defer { members[index].value = value! }
                return body(&value)
            }
            // Two keys share this slot: move the one here into a new child with the new one.
            let child = _TrieNode()
            var ignored = false
            let moved = members.remove(at: index)
            _ = child.update(moved.key, moved.value, hash: moved.hash >> 5, shift: shift + 5)
            let result = child.modify(key, hash: hash >> 5, shift: shift + 5, inserted: &ignored, body)
            dataMap ^= bit
            nodeMap |= bit
            children.insert(child, at: Self.index(nodeMap, bit))
            inserted = true
            return result
        }
        if nodeMap & bit != 0 {
            return uniqueChild(Self.index(nodeMap, bit)).modify(
                key, hash: hash >> 5, shift: shift + 5, inserted: &inserted, body)
        }
        var value: Value?
        let result = body(&value)
        members.insert((key, value!, hash), at: Self.index(dataMap, bit))
        dataMap |= bit
        inserted = true
        return result
    }

    func remove(_ key: Key, hash: UInt, shift: Int) -> Value? {
        if shift >= UInt.bitWidth {
            guard let index = members.firstIndex(where: { $0.key == key }) else { return nil }
            return members.remove(at: index).value
        }
        let bit = Self.bit(hash)
        if dataMap & bit != 0 {
            let index = Self.index(dataMap, bit)
            guard members[index].key == key else { return nil }
            dataMap ^= bit
            return members.remove(at: index).value
        }
        guard nodeMap & bit != 0 else { return nil }
        let index = Self.index(nodeMap, bit)
        let child = uniqueChild(index)
        let old = child.remove(key, hash: hash >> 5, shift: shift + 5)
        if child.members.isEmpty && child.children.isEmpty {
            children.remove(at: index)
            nodeMap ^= bit
        }
        return old
    }
}
