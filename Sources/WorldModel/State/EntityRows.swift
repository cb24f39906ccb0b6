/// The rows of a collection in insertion order: a read-only view of `EntityCollection`'s
/// persistent storage (or of a plain array, for expression contexts that are not a world).
///
/// Taking it costs O(1) and it stays valid, unchanged, whatever is written to the collection
/// afterwards (it shares the storage the write copies a path of). Iteration costs O(1) a row;
/// `subscript(position)` costs O(log n); `count` O(1). Positions are ranks in insertion order.
package struct EntityRows: RandomAccessCollection, Sendable {
    private enum Storage: Sendable {
        case tree(_OrderedTree<_RowEntry>)
        case array([JSONObject])
    }

    private let storage: Storage

    /// The rows of `tree`.
    init(_ tree: _OrderedTree<_RowEntry>) { storage = .tree(tree) }

    /// The rows of a plain array (for expression contexts that keep their rows in one).
    package init(_ rows: [JSONObject]) { storage = .array(rows) }

    package var startIndex: Int { 0 }

    package var endIndex: Int {
        switch storage {
        case .tree(let tree): tree.count
        case .array(let rows): rows.count
        }
    }

    /// The row at `position` (its rank in insertion order).
    package subscript(position: Int) -> JSONObject {
        switch storage {
        case .tree(let tree): tree.element(at: position).row
        case .array(let rows): rows[position]
        }
    }

    /// Walks the rows in insertion order.
    package struct Iterator: IteratorProtocol {
        fileprivate var tree: _OrderedTree<_RowEntry>.Iterator?
        fileprivate var array: IndexingIterator<[JSONObject]>?

        package mutating func next() -> JSONObject? {
            if tree != nil { return tree!.next()?.row }
            return array!.next()
        }
    }

    package func makeIterator() -> Iterator {
        switch storage {
        case .tree(let tree): Iterator(tree: tree.makeIterator(), array: nil)
        case .array(let rows): Iterator(tree: nil, array: rows.makeIterator())
        }
    }

    package var underestimatedCount: Int { count }
}

extension EntityRows: ExpressibleByArrayLiteral {
    /// Rows written out, for tests and expression contexts.
    package init(arrayLiteral rows: JSONObject...) { self.init(rows) }
}

/// One stored row of an `EntityCollection`, with what is kept beside it: its sequence number
/// (`key`: its place in insertion order, never renumbered), id, earlier versions and digest term.
struct _RowEntry: _TreeElement {
    /// The row's sequence number: rows are ordered by it.
    let key: UInt64
    /// The row's `id`.
    let id: String
    /// The row.
    var row: JSONObject
    /// Earlier versions of the row (newest last), at most `EntityCollection.historyLimit`, for
    /// stale reads.
    var history: [JSONObject] = []
    /// The row's digest term, valid while the row is settled (see `EntityCollection.digest`).
    var term = StateDigest.zero
}
