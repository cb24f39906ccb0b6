/// Per-field indexes of one collection: for each indexed field, the positions (in `rows`,
/// ascending, so in insertion order) of the rows whose value of that field is each string.
///
/// Kept up to date on every write by `EntityCollection`, so a list filter `row.f == args.x`
/// (`EqualityFilter`) finds its k candidate rows in O(k) after one hashed lookup instead of
/// scanning. Only string values are indexed (compared by their UTF-8 bytes, as JSON `==`
/// compares strings): a row whose field is missing or not a string never equals a string.
///
/// Derived data: equal rows give equal indexes, so two indexes always compare equal and hash
/// alike, and a collection's equality stays that of its rows whatever it indexes.
struct FieldIndex: Sendable, Hashable {
    /// The indexed fields.
    private var names: [String] = []
    /// Parallel to `names`: string value → ascending positions.
    private var entries: [[_JSONKey: [Int]]] = []

    /// No fields indexed.
    init() {}

    /// Whether any field is indexed (writes skip the index work when none is).
    var isEmpty: Bool { names.isEmpty }

    /// Starts indexing `field` over `rows`.
    mutating func add(_ field: String, rows: [JSONObject]) {
        guard !names.contains(field) else { return }
        var table: [_JSONKey: [Int]] = [:]
        for (position, row) in rows.enumerated() {
            if case .string(let value)? = row[field] { table[_JSONKey(value), default: []].append(position) }
        }
        names.append(field)
        entries.append(table)
    }

    /// The positions of the rows whose `field` is the string `value`, ascending; nil when
    /// `field` is not indexed.
    func positions(of field: String, equalTo value: String) -> [Int]? {
        guard let slot = names.firstIndex(of: field) else { return nil }
        return entries[slot][_JSONKey(value)] ?? []
    }

    /// The indexed fields' values in `row` (what `changed` needs of a row about to change).
    func values(in row: JSONObject) -> [JSON?] { names.map { row[$0] } }

    /// Records `row`, appended at `position` (the last).
    mutating func inserted(_ row: JSONObject, at position: Int) {
        for slot in names.indices {
            if case .string(let value)? = row[names[slot]] {
                entries[slot][_JSONKey(value), default: []].append(position)
            }
        }
    }

    /// Records that the row at `position`, whose indexed fields held `before` (from `values(in:)`),
    /// is now `row`.
    mutating func changed(at position: Int, from before: [JSON?], to row: JSONObject) {
        for slot in names.indices {
            let after = row[names[slot]]
            if before[slot] == after { continue }
            if case .string(let value)? = before[slot] { remove(position, slot: slot, value: value) }
            if case .string(let value)? = after {
                entries[slot][_JSONKey(value), default: []].insertSorted(position)
            }
        }
    }

    /// Records that `row`, at `position`, was removed: the rows after it move up by one.
    mutating func removed(_ row: JSONObject, at position: Int) {
        for slot in names.indices {
            if case .string(let value)? = row[names[slot]] { remove(position, slot: slot, value: value) }
            for key in Array(entries[slot].keys) {
                guard let last = entries[slot][key]?.last, last > position else { continue }
                entries[slot][key]!.shiftDown(after: position)
            }
        }
    }

    private mutating func remove(_ position: Int, slot: Int, value: String) {
        let key = _JSONKey(value)
        guard let index = entries[slot][key]?.firstIndex(atLeast: position), entries[slot][key]![index] == position
        else { return }
        entries[slot][key]!.remove(at: index)
        if entries[slot][key]!.isEmpty { entries[slot][key] = nil }
    }

    static func == (lhs: FieldIndex, rhs: FieldIndex) -> Bool { true }

    func hash(into hasher: inout Hasher) {}
}

extension [Int] {
    /// The first index whose element is at least `value`, in an ascending array (binary search).
    fileprivate func firstIndex(atLeast value: Int) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Inserts `value` keeping an ascending array ascending.
    fileprivate mutating func insertSorted(_ value: Int) {
        insert(value, at: firstIndex(atLeast: value))
    }

    /// Lowers by one every element greater than `position`, in an ascending array.
    fileprivate mutating func shiftDown(after position: Int) {
        var index = firstIndex(atLeast: position + 1)
        while index < count {
            self[index] -= 1
            index += 1
        }
    }
}
