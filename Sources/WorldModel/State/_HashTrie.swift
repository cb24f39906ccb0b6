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
