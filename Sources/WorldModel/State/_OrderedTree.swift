/// An element of an `_OrderedTree`: ordered by its `key`, which never changes while it is stored.
protocol _TreeElement: Sendable {
    /// The element's place in the order (unique within a tree).
    var key: UInt64 { get }
}

extension UInt64: _TreeElement {
    /// A number is its own key.
    var key: UInt64 { self }
}

/// A persistent sequence of elements ordered by their `key`: a counted B+tree with structural
/// sharing. Copying one is O(1); the first write after a copy copies only the nodes on one path
/// (O(log n) nodes of at most `_TreeNode.capacity` slots), never the whole sequence.
///
/// Elements are found by rank (their index in key order) or by key, in O(log n). An element
/// whose key is above every stored key is appended (the rows of a collection: keys are
/// sequence numbers handed out in insertion order); other keys are inserted in place (the
/// members of a field index). Removal is O(log n) and renumbers nothing: a removed element's
/// later neighbours keep their keys, only their ranks drop by one.
///
/// Invariants (checked by `checkInvariants()` in tests): keys ascend strictly in rank order; an
/// internal node's `counts[i]` is `children[i].count` and `count` their sum; every key in
/// `children[i]` is at least `lowerKeys[i]` (except in the first child, whose bound is lowered
/// when a smaller key arrives) and below `lowerKeys[i + 1]`; no node is empty except an empty root.
struct _OrderedTree<Element: _TreeElement>: Sendable {
    /// The root; a leaf without elements when the tree is empty.
    private(set) var root: _TreeNode<Element>

    /// An empty tree.
    init() { root = _TreeNode(elements: []) }

    /// A tree of `elements`, whose keys must ascend strictly; O(n), packing nodes full.
    init(ascending elements: [Element]) {
        self.init(count: elements.count) { elements[$0] }
    }

    /// A tree of `count` elements, `element(rank)` for each rank in order, whose keys must ascend
    /// strictly; O(n), packing nodes full. The elements go straight into the leaves (a large
    /// collection is not held a second time in one array while its tree is built).
    init(count: Int, element: (Int) -> Element) {
        let width = _TreeNode<Element>.capacity
        guard count > 0 else {
            root = _TreeNode(elements: [])
            return
        }
        var level: [_TreeNode<Element>] = stride(from: 0, to: count, by: width).map { start in
            var elements: [Element] = []
            elements.reserveCapacity(Swift.min(width, count - start))
            for rank in start..<Swift.min(start + width, count) { elements.append(element(rank)) }
            return _TreeNode(elements: elements)
        }
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: width).map {
                _TreeNode(children: Array(level[$0..<Swift.min($0 + width, level.count)]))
            }
        }
        root = level[0]
    }

    /// The number of elements.
    var count: Int { root.count }

    /// Whether two trees share their root, so are equal without looking further.
    func sharesStorage(with other: _OrderedTree) -> Bool { root === other.root }

    /// The element at `rank` (0-based, in key order); `rank` must be below `count`.
    func element(at rank: Int) -> Element {
        precondition(rank >= 0 && rank < count, "_OrderedTree: rank \(rank) out of 0..<\(count)")
        var node = root
        var rank = rank
        while !node.isLeaf {
            var slot = 0
            while rank >= node.counts[slot] {
                rank -= node.counts[slot]
                slot += 1
            }
            node = node.children[slot]
        }
        return node.elements[rank]
    }

    /// The rank of the element with `key`, nil when there is none.
    func rank(of key: UInt64) -> Int? {
        var node = root
        var rank = 0
        while !node.isLeaf {
            let slot = node.childSlot(for: key)
            for earlier in 0..<slot { rank += node.counts[earlier] }
            node = node.children[slot]
        }
        let index = node.elements.firstIndex(atLeast: key)
        guard index < node.elements.count, node.elements[index].key == key else { return nil }
        return rank + index
    }

    /// The element with `key`, nil when there is none.
    func element(key: UInt64) -> Element? {
        var node = root
        while !node.isLeaf { node = node.children[node.childSlot(for: key)] }
        let index = node.elements.firstIndex(atLeast: key)
        guard index < node.elements.count, node.elements[index].key == key else { return nil }
        return node.elements[index]
    }

    /// The key of the last element, nil when the tree is empty.
    var lastKey: UInt64? {
        var node = root
        while !node.isLeaf { node = node.children[node.children.count - 1] }
        return node.elements.last?.key
    }

    /// Applies `body` to the element at `rank` in place (copying the nodes on its path that are
    /// shared); `body` must not change the element's key.
    mutating func modify<Result, Failure: Error>(
        at rank: Int, _ body: (inout Element) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        precondition(rank >= 0 && rank < count, "_OrderedTree: rank \(rank) out of 0..<\(count)")
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        return try root.modify(at: rank, body)
    }

    /// Inserts `element`, whose key must not be stored yet; O(log n).
    mutating func insert(_ element: Element) {
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        if let sibling = root.insert(element) { root = _TreeNode(children: [root, sibling]) }
    }

    /// Removes and returns the element at `rank`; O(log n).
    @discardableResult
    mutating func remove(at rank: Int) -> Element {
        precondition(rank >= 0 && rank < count, "_OrderedTree: rank \(rank) out of 0..<\(count)")
        if !isKnownUniquelyReferenced(&root) { root = root.copy() }
        let removed = root.remove(at: rank)
        while root.children.count == 1 { root = root.children[0] }
        return removed
    }

    /// Removes the element with `key`, if any; returns whether there was one.
    @discardableResult
    mutating func remove(key: UInt64) -> Bool {
        guard let rank = rank(of: key) else { return false }
        remove(at: rank)
        return true
    }

    /// Checks the invariants (see the type's documentation); traps when one fails. For tests.
    func checkInvariants() {
        var previous: UInt64?
        root.check(isRoot: true, lowerBound: nil, upperBound: nil, previous: &previous)
    }
}

extension _OrderedTree: Sequence {
    /// Walks the elements in key order, a leaf at a time: O(1) per element.
    struct Iterator: IteratorProtocol {
        private var path: [(node: _TreeNode<Element>, slot: Int)] = []
        private var leaf: [Element] = []
        private var position = 0

        init(root: _TreeNode<Element>) { descend(from: root) }

        private mutating func descend(from start: _TreeNode<Element>) {
            var node = start
            while !node.isLeaf {
                path.append((node, 0))
                node = node.children[0]
            }
            leaf = node.elements
            position = 0
        }

        mutating func next() -> Element? {
            while position == leaf.count {
                guard let (node, slot) = path.popLast() else { return nil }
                if slot + 1 < node.children.count {
                    path.append((node, slot + 1))
                    descend(from: node.children[slot + 1])
                }
            }
            defer { position += 1 }
            return leaf[position]
        }
    }

    func makeIterator() -> Iterator { Iterator(root: root) }

    var underestimatedCount: Int { count }
}

/// A node of an `_OrderedTree`: a leaf holds elements, an internal node children. Nodes are
/// shared between trees and changed only while uniquely referenced (copy-on-write by path), so
/// a node reachable from more than one tree is never written: hence `@unchecked Sendable`.
final class _TreeNode<Element: _TreeElement>: @unchecked Sendable {
    /// The most elements of a leaf and children of an internal node.
    static var capacity: Int { 32 }

    /// A leaf's elements, in key order (empty in an internal node).
    var elements: [Element]
    /// An internal node's children (empty in a leaf).
    var children: [_TreeNode]
    /// Parallel to `children`: how many elements each holds.
    var counts: [Int]
    /// Parallel to `children`: the least key each may hold (see `_OrderedTree`).
    var lowerKeys: [UInt64]
    /// The elements under this node.
    private(set) var count: Int

    init(elements: [Element]) {
        self.elements = elements
        children = []
        counts = []
        lowerKeys = []
        count = elements.count
    }

    init(children: [_TreeNode]) {
        elements = []
        self.children = children
        counts = children.map(\.count)
        lowerKeys = children.map(\.lowestKey)
        count = counts.reduce(0, +)
    }

    private init(copying node: _TreeNode) {
        elements = node.elements
        children = node.children
        counts = node.counts
        lowerKeys = node.lowerKeys
        count = node.count
    }

    /// A copy sharing this node's children (and the elements' storage).
    func copy() -> _TreeNode { _TreeNode(copying: self) }

    /// Whether this is a leaf (an internal node left without children counts as an empty leaf).
    var isLeaf: Bool { children.isEmpty }

    /// The least key this node holds or may hold (a leaf's first key, an internal node's first bound).
    var lowestKey: UInt64 { isLeaf ? (elements.first?.key ?? 0) : lowerKeys[0] }

    /// The child that holds (or would hold) `key`: the last whose bound is at most `key`.
    func childSlot(for key: UInt64) -> Int {
        var low = 1
        var high = lowerKeys.count
        while low < high {
            let middle = (low + high) / 2
            if lowerKeys[middle] <= key { low = middle + 1 } else { high = middle }
        }
        return low - 1
    }

    /// The slot of the child holding `rank`, and the rank within it.
    private func childSlot(forRank rank: Int) -> (slot: Int, rank: Int) {
        var slot = 0
        var rank = rank
        while rank >= counts[slot] {
            rank -= counts[slot]
            slot += 1
        }
        return (slot, rank)
    }

    /// Makes the child at `slot` uniquely referenced (copying it if shared) and returns it.
    private func uniqueChild(_ slot: Int) -> _TreeNode {
        if !isKnownUniquelyReferenced(&children[slot]) { children[slot] = children[slot].copy() }
        return children[slot]
    }

    func modify<Result, Failure: Error>(
        at rank: Int, _ body: (inout Element) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        if isLeaf {
            let key = elements[rank].key
            defer { precondition(elements[rank].key == key, "_OrderedTree: an element's key changed in place") }
            return try body(&elements[rank])
        }
        let (slot, inner) = childSlot(forRank: rank)
        return try uniqueChild(slot).modify(at: inner, body)
    }

    /// Inserts `element` into this (uniquely referenced) node; returns the new right sibling
    /// when the node had to split.
    func insert(_ element: Element) -> _TreeNode? {
        let key = element.key
        count += 1
        if isLeaf {
            let index = elements.firstIndex(atLeast: key)
            precondition(
                index == elements.count || elements[index].key != key, "_OrderedTree: key \(key) inserted twice")
            elements.insert(element, at: index)
            guard elements.count > Self.capacity else { return nil }
            // Appending (rows in insertion order) leaves full nodes behind; otherwise split in halves.
            let cut = index == elements.count - 1 ? elements.count - 1 : elements.count / 2
            let right = _TreeNode(elements: Array(elements[cut...]))
            elements.removeSubrange(cut...)
            count = elements.count
            return right
        }
        let slot = childSlot(for: key)
        if key < lowerKeys[slot] { lowerKeys[slot] = key }
        let child = uniqueChild(slot)
        let split = child.insert(element)
        counts[slot] = child.count
        guard let split else { return nil }
        children.insert(split, at: slot + 1)
        counts.insert(split.count, at: slot + 1)
        lowerKeys.insert(split.lowestKey, at: slot + 1)
        guard children.count > Self.capacity else { return nil }
        let cut = slot + 1 == children.count - 1 ? children.count - 1 : children.count / 2
        let right = _TreeNode(children: Array(children[cut...]))
        children.removeSubrange(cut...)
        counts.removeSubrange(cut...)
        lowerKeys.removeSubrange(cut...)
        count = counts.reduce(0, +)
        return right
    }

    /// Removes the element at `rank` from this (uniquely referenced) node; a child left empty
    /// is dropped.
    func remove(at rank: Int) -> Element {
        count -= 1
        if isLeaf { return elements.remove(at: rank) }
        let (slot, inner) = childSlot(forRank: rank)
        let child = uniqueChild(slot)
        let removed = child.remove(at: inner)
        if child.count == 0 {
            children.remove(at: slot)
            counts.remove(at: slot)
            lowerKeys.remove(at: slot)
        } else {
            counts[slot] = child.count
        }
        return removed
    }

    func check(isRoot: Bool, lowerBound: UInt64?, upperBound: UInt64?, previous: inout UInt64?) {
        if isLeaf {
            precondition(isRoot || !elements.isEmpty, "empty leaf")
            precondition(elements.count <= Self.capacity && count == elements.count, "leaf count")
            for element in elements {
                if let previous { precondition(previous < element.key, "keys out of order") }
                if let lowerBound { precondition(element.key >= lowerBound, "key below its bound") }
                if let upperBound { precondition(element.key < upperBound, "key above its bound") }
                previous = element.key
            }
            return
        }
        precondition(!children.isEmpty && children.count <= Self.capacity, "internal node width")
        precondition(counts == children.map(\.count) && count == counts.reduce(0, +), "internal counts")
        precondition(lowerKeys.count == children.count, "bounds")
        for slot in children.indices {
            let upper = slot + 1 < children.count ? lowerKeys[slot + 1] : upperBound
            if let lowerBound { precondition(lowerKeys[slot] >= lowerBound, "bound below the parent's") }
            children[slot].check(isRoot: false, lowerBound: lowerKeys[slot], upperBound: upper, previous: &previous)
        }
    }
}

extension Array where Element: _TreeElement {
    /// The first index whose key is at least `key`, in an array ascending by key.
    func firstIndex(atLeast key: UInt64) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
