/// Per-field indexes of one collection: for each indexed field, the row keys (the sequence
/// numbers `EntityCollection` gives its rows, ascending, so in insertion order) of the rows whose
/// value of that field is each string.
///
/// Kept up to date on every write by `EntityCollection`, so a list filter `row.f == args.x`
/// (`EqualityFilter`) finds its k candidate rows in O(k log n) instead of scanning. Only string
/// values are indexed (compared by their UTF-8 bytes, as JSON `==` compares strings): a row whose
/// field is missing or not a string never equals a string.
///
/// Persistent: the value → rows map is a `_HashTrie` and each value's rows an `_OrderedTree`, so
/// the first write after a snapshot copies O(log n) nodes, not the index; a removed row's later
/// rows keep their keys (nothing is renumbered).
///
/// Derived data: equal rows give equal indexes, so two indexes always compare equal and hash
/// alike, and a collection's equality stays that of its rows whatever it indexes.
struct FieldIndex: Sendable, Hashable {
    /// The indexed fields.
    private var names: [String] = []
    /// Parallel to `names`: string value → the keys of the rows holding it.
    private var entries: [_HashTrie<_JSONKey, _OrderedTree<UInt64>>] = []

    /// No fields indexed.
    init() {}

    /// Whether any field is indexed (writes skip the index work when none is).
    var isEmpty: Bool { names.isEmpty }

    /// Starts indexing `field` over `rows` (each with its key, in ascending key order).
    mutating func add(_ field: String, rows: some Sequence<(key: UInt64, row: JSONObject)>) {
        guard !names.contains(field) else { return }
        var lists: [_JSONKey: [UInt64]] = [:]
        var order: [_JSONKey] = []
        for (key, row) in rows {
            guard case .string(let value)? = row[field] else { continue }
            let slot = _JSONKey(value)
            if lists[slot] == nil { order.append(slot) }
            lists[slot, default: []].append(key)
        }
        // The values are distinct (the keys of `lists`), so the bulk build cannot fail.
        guard let table = _HashTrie(uniqueKeys: order, values: order.map { _OrderedTree(ascending: lists[$0]!) })
        else { preconditionFailure("field index of \(field): a value counted twice") }
        names.append(field)
        entries.append(table)
    }

    /// The keys of the rows whose `field` is the string `value`, ascending; nil when `field` is
    /// not indexed.
    func keys(of field: String, equalTo value: String) -> _OrderedTree<UInt64>? {
        guard let slot = names.firstIndex(of: field) else { return nil }
        return entries[slot][_JSONKey(value)] ?? _OrderedTree()
    }

    /// The indexed fields' values in `row` (what `changed` needs of a row about to change).
    func values(in row: JSONObject) -> [JSON?] { names.map { row[$0] } }

    /// Records `row`, stored under `key`.
    mutating func inserted(_ row: JSONObject, key: UInt64) {
        for slot in names.indices {
            if case .string(let value)? = row[names[slot]] { add(key, slot: slot, value: value) }
        }
    }

    /// Records that the row under `key`, whose indexed fields held `before` (from `values(in:)`),
    /// is now `row`.
    mutating func changed(key: UInt64, from before: [JSON?], to row: JSONObject) {
        for slot in names.indices {
            let after = row[names[slot]]
            if before[slot] == after { continue }
            if case .string(let value)? = before[slot] { remove(key, slot: slot, value: value) }
            if case .string(let value)? = after { add(key, slot: slot, value: value) }
        }
    }

    /// Records that `row`, stored under `key`, was removed.
    mutating func removed(_ row: JSONObject, key: UInt64) {
        for slot in names.indices {
            if case .string(let value)? = row[names[slot]] { remove(key, slot: slot, value: value) }
        }
    }

    private mutating func add(_ key: UInt64, slot: Int, value: String) {
        entries[slot].modifyValue(forKey: _JSONKey(value), default: _OrderedTree()) { $0.insert(key) }
    }

    private mutating func remove(_ key: UInt64, slot: Int, value: String) {
        let name = _JSONKey(value)
        guard entries[slot][name] != nil else { return }
        let empty = entries[slot].modifyValue(forKey: name, default: _OrderedTree()) { keys -> Bool in
            keys.remove(key: key)
            return keys.count == 0
        }
        if empty { entries[slot].removeValue(forKey: name) }
    }

    static func == (lhs: FieldIndex, rhs: FieldIndex) -> Bool { true }

    func hash(into hasher: inout Hasher) {}
}
