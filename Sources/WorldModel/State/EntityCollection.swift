/// One collection of the entity store: JSON-object rows keyed by their `id`, in insertion order.
///
/// Invariants: every row has a string `id` unique in the collection (ids are compared by their
/// UTF-8 bytes, as JSON compares strings: `é` and `e` + U+0301 are two ids).
///
/// Storage is persistent, so a snapshot of a world costs nothing and the first write after it
/// costs O(log n), not a copy of the collection: the rows (with their history and digest terms)
/// live in an `_OrderedTree` keyed by a sequence number handed out in insertion order, the ids in
/// a `_HashTrie` mapping each to its row's sequence number, and the field index is built of the
/// same two structures. A delete removes one entry from each in O(log n) and renumbers nothing:
/// the rows after it keep their sequence numbers, only their positions (ranks in insertion
/// order, what `position(of:)` answers) drop by one.
///
/// The collection keeps its `digest` up to date on write: the sum (`StateDigest`) of one term
/// per row, the SHA-256 of the canonical JSON `[PREVIOUS_ID, ROW]` (`PREVIOUS_ID` is the id of the
/// row before it in insertion order, `null` for the first). The previous id makes the digest
/// depend on the order, yet a delete changes only its neighbour's term; `digestFromScratch`
/// computes the same sum from the rows alone (docs/trace-format.md, "The state hash").
package struct EntityCollection: Sendable, Hashable {
    /// The collection's name, e.g. `refunds`.
    package let name: String
    /// The rows in key (insertion) order, with their history and digest terms.
    private var tree: _OrderedTree<_RowEntry>
    /// Row id → the row's key in `tree`.
    private var keys: _HashTrie<_JSONKey, UInt64>
    /// The key the next inserted row gets (above every key in `tree`).
    private var nextKey: UInt64
    /// The bookkeeping behind `digest` (derived from the rows: not part of equality).
    private var digests: _RowDigests
    /// Indexes of the fields list filters compare with `==` (`index(field:)`), kept up to date on write.
    private var fieldIndex = FieldIndex()
    /// The id of the row created most recently by a step (not by the initial data).
    package private(set) var lastCreatedID: String?
    /// The next number the id counter hands out.
    private var nextNumber: Int
    /// Whether changed rows remember their previous versions. A world turns this off for
    /// collections no `stale_read` rule can read, so their updates can change rows in place.
    package internal(set) var keepsHistory = true

    /// How many earlier versions of a row are kept.
    package static let historyLimit = 4

    /// A collection holding `rows`; fails if a row lacks a string `id` or repeats one.
    package init(name: String, rows: some Sequence<JSONObject>) throws(EntityStoreError) {
        try self.init(name: name, rows: Array(rows), concurrently: nil)
    }

    /// A collection holding `rows`; fails if a row lacks a string `id` or repeats one (the first
    /// such row in order is named, as inserting the rows one at a time would find it).
    ///
    /// Built in bulk, O(n): the id map and the tree level by level, not by n inserts. The rows'
    /// digest terms are computed in chunks of `termChunk` rows; with `perform`, the chunks may run
    /// on several threads (each term depends on its row and its predecessor's id alone, and the
    /// digest is their sum, so the result is the same however they are spread).
    package init(name: String, rows: [JSONObject], concurrently perform: ConcurrentPerform?)
        throws(EntityStoreError)
    {
        self.name = name
        var ids: [_JSONKey] = []
        ids.reserveCapacity(rows.count)
        for row in rows {
            guard let id = row["id"]?.stringValue else { throw Self.firstProblem(name: name, rows: rows) }
            ids.append(_JSONKey(id))
        }
        guard let keys = _HashTrie(uniqueKeys: ids, values: ids.indices.map { UInt64($0) }) else {
            throw Self.firstProblem(name: name, rows: rows)
        }
        self.keys = keys
        let terms = Self.terms(of: rows, ids: ids, concurrently: perform)
        var settled = StateDigest.zero
        for term in terms { settled.add(term) }
        nextKey = UInt64(rows.count)
        nextNumber = Self.firstFreeNumber(prefix: Self.idPrefix(of: name), ids: ids.lazy.map(\.string))
        tree = _OrderedTree(count: rows.count) { rank in
            _RowEntry(key: UInt64(rank), id: ids[rank].string, row: rows[rank], term: terms[rank])
        }
        digests = _RowDigests()
        digests.settled = settled
        lastCreatedID = nil
    }

    /// How many rows' digest terms one task of `init(name:rows:concurrently:)` computes.
    static let termChunk = 4_096

    /// The digest term of every row (`ids`: the rows' ids), computed in chunks of `termChunk`,
    /// on several threads when `perform` is given and there is more than one chunk.
    private static func terms(of rows: [JSONObject], ids: [_JSONKey], concurrently perform: ConcurrentPerform?)
        -> [StateDigest]
    {
        let count = rows.count
        let chunks = (count + termChunk - 1) / termChunk
        return [StateDigest](unsafeUninitializedCapacity: count) { buffer, initialized in
            // Each chunk writes its own disjoint range of the buffer.
            nonisolated(unsafe) let terms = buffer
            let chunk: @Sendable (Int) -> Void = { index in
                var buffer: [UInt8] = []
                for position in index * termChunk..<Swift.min(count, (index + 1) * termChunk) {
                    let previousID = position == 0 ? nil : ids[position - 1].string
                    let term = term(previousID: previousID, row: rows[position], buffer: &buffer)
                    (terms.baseAddress! + position).initialize(to: term)
                }
            }
            if let perform, chunks > 1 {
                perform(chunks, chunk)
            } else {
                for index in 0..<chunks { chunk(index) }
            }
            initialized = count
        }
    }

    /// The error inserting `rows` one at a time meets first: a row without a string id, or the
    /// first repeated id. Called once the bulk build found there is one.
    private static func firstProblem(name: String, rows: [JSONObject]) -> EntityStoreError {
        var seen: Set<_JSONKey> = []
        for (index, row) in rows.enumerated() {
            guard let id = row["id"]?.stringValue else { return .missingID(collection: name, index: index) }
            guard seen.insert(_JSONKey(id)).inserted else { return .duplicateID(collection: name, id: id) }
        }
        preconditionFailure("\(name): the bulk build found a problem the rows do not have")
    }

    /// The number the id counter hands out next (part of the state hash).
    package var nextIDNumber: Int { nextNumber }

    /// Starts keeping an index of `field` (see `FieldIndex`), so `rows(whereField:equalTo:)` and
    /// `positions(whereField:equalTo:)` answer for it; a world turns it on for the fields its list filters compare.
    package mutating func index(field: String) {
        fieldIndex.add(field, rows: tree.lazy.map { (key: $0.key, row: $0.row) })
    }

    /// The positions (ascending: insertion order) of the rows whose `field` is the string
    /// `value`, from the field's index; nil when `field` is not indexed. O(k log n) for k rows;
    /// valid until the collection next changes.
    func positions(whereField field: String, equalTo value: String) -> [Int]? {
        guard let keys = fieldIndex.keys(of: field, equalTo: value) else { return nil }
        return keys.map { key in
            guard let rank = tree.rank(of: key) else { preconditionFailure("field index of \(name) lost a row") }
            return rank
        }
    }

    /// The rows whose `field` is the string `value`, in insertion order, from the field's index;
    /// nil when `field` is not indexed. O(k log n) for k rows, each found by its key.
    func rows(whereField field: String, equalTo value: String) -> [JSONObject]? {
        guard let keys = fieldIndex.keys(of: field, equalTo: value) else { return nil }
        return keys.map { key in
            guard let entry = tree.element(key: key) else { preconditionFailure("field index of \(name) lost a row") }
            return entry.row
        }
    }

    /// The rows in insertion order (O(1) to take; see `EntityRows`).
    package var rows: EntityRows { EntityRows(tree) }

    /// The number of rows.
    package var count: Int { tree.count }

    /// The row with `id`, if any.
    package func row(id: String) -> JSONObject? {
        guard let key = keys[_JSONKey(id)] else { return nil }
        return tree.element(key: key)?.row
    }

    /// The index in `rows` of the row with `id`, for callers that look a row up once and then
    /// read or replace it by position; valid until the collection next changes. O(log n).
    func position(of id: String) -> Int? {
        guard let key = keys[_JSONKey(id)] else { return nil }
        return tree.rank(of: key)
    }

    /// Whether a row with `id` exists.
    package func contains(id: String) -> Bool { keys[_JSONKey(id)] != nil }

    /// The row created most recently by a step.
    package var lastCreated: JSONObject? { lastCreatedID.flatMap(row(id:)) }

    /// The versions of row `id` before its latest change, oldest first.
    package func previousVersions(of id: String) -> [JSONObject] {
        guard let key = keys[_JSONKey(id)] else { return [] }
        return tree.element(key: key)?.history ?? []
    }

    /// The prefix of generated ids: the collection's first letter and the first consonant after
    /// it, upper-cased (`refunds` → `RF`, `charges` → `CH`, `notes` → `NT`).
    package var idPrefix: String { Self.idPrefix(of: name) }

    /// The prefix of the ids a collection named `name` generates (`records` → `RC`).
    package static func idPrefix(of name: String) -> String {
        let letters = Array(name.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic })
        guard let first = letters.first else { return "ID" }
        let vowels: Set<Unicode.Scalar> = ["A", "E", "I", "O", "U", "Y"]
        if let consonant = letters.dropFirst().first(where: { !vowels.contains($0) }) {
            return String(first) + String(consonant)
        }
        return String(first)
    }

    /// Hands out the next generated id (`RF-3`), skipping ids already taken.
    package mutating func generateID() -> String {
        while true {
            let id = "\(idPrefix)-\(nextNumber)"
            nextNumber += 1
            if keys[_JSONKey(id)] == nil { return id }
        }
    }

    /// Inserts a new row; it must carry a string `id` not yet taken. O(log n).
    package mutating func insert(_ row: JSONObject) throws(EntityStoreError) {
        guard let id = row["id"]?.stringValue else { throw .missingID(collection: name, index: count) }
        guard keys[_JSONKey(id)] == nil else { throw .duplicateID(collection: name, id: id) }
        let key = nextKey
        nextKey += 1
        keys.updateValue(key, forKey: _JSONKey(id))
        tree.insert(_RowEntry(key: key, id: id, row: row))
        if !fieldIndex.isEmpty { fieldIndex.inserted(row, key: key) }
        digests.unsettled.insert(key)  // Its term is computed when the digest is next settled.
        lastCreatedID = id
    }

    /// Replaces row `id`, remembering its previous version; the id itself cannot change.
    /// Returns whether the row changed (replacing a row by an equal one changes nothing).
    @discardableResult
    package mutating func replace(id: String, with row: JSONObject) throws(EntityStoreError) -> Bool {
        guard let position = position(of: id) else { throw .notFound(collection: name, id: id) }
        guard row["id"]?.stringValue == id else { throw .idChanged(collection: name, id: id) }
        if tree.element(at: position).row == row { return false }
        replace(at: position, with: row)
        return true
    }

    /// Replaces the row at `position` (from `position(of:)`) with `row`, which has the same id and
    /// differs from it, remembering the previous version (the newest `historyLimit` are kept).
    mutating func replace(at position: Int, with row: JSONObject) {
        let keepsHistory = keepsHistory
        let (key, old, term) = tree.modify(at: position) { entry in
            let old = entry.row
            entry.row = row
            if keepsHistory { Self.remember(old, in: &entry.history) }
            return (entry.key, old, entry.term)
        }
        if !fieldIndex.isEmpty { fieldIndex.changed(key: key, from: fieldIndex.values(in: old), to: row) }
        unsettle(key, term: term)
    }

    /// Changes the row at `position` (from `position(of:)`) through `body`, which keeps its `id`
    /// and returns whether it changed anything. Without history the row is changed in place (no
    /// copy when nothing else holds it); with history its previous version is remembered.
    mutating func modifyRow<Failure: Error>(
        at position: Int, _ body: (inout JSONObject) throws(Failure) -> Bool
    ) throws(Failure) -> Bool {
        let hasIndex = !fieldIndex.isEmpty
        let names = fieldIndex
        let keepsHistory = keepsHistory
        // What the body's run leaves behind: the entry's key, term and indexed values before.
        var key: UInt64 = 0
        var term = StateDigest.zero
        // The indexed fields' values only: holding the whole row would make the body copy it.
        var indexed: [JSON?] = []
        var after: JSONObject?
        let outcome: Result<Bool, Failure> = tree.modify(at: position) { entry in
            key = entry.key
            term = entry.term
            if hasIndex { indexed = names.values(in: entry.row) }
            guard keepsHistory else {
                do throws(Failure) {
                    let changed = try body(&entry.row)
                    if changed && hasIndex { after = entry.row }
                    return .success(changed)
                } catch {
                    if hasIndex { after = entry.row }  // The body may have written before it failed.
                    return .failure(error)
                }
            }
            let old = entry.row
            do throws(Failure) {
                guard try body(&entry.row) else { return .success(false) }
            } catch {
                entry.row = old  // With history a failed body changes nothing.
                return .failure(error)
            }
            Self.remember(old, in: &entry.history)
            if hasIndex { after = entry.row }
            return .success(true)
        }
        switch outcome {
        case .success(let changed):
            if changed { rowChanged(key: key, term: term, indexed: indexed, to: after) }
            return changed
        case .failure(let error):
            if !keepsHistory { rowChanged(key: key, term: term, indexed: indexed, to: after) }
            throw error
        }
    }

    /// Brings the field index and the digest up to date after the row under `key` changed
    /// (`indexed`: its indexed fields' values before; `row`: the row now, when indexed).
    private mutating func rowChanged(key: UInt64, term: StateDigest, indexed: [JSON?], to row: JSONObject?) {
        if let row, !fieldIndex.isEmpty { fieldIndex.changed(key: key, from: indexed, to: row) }
        unsettle(key, term: term)
    }

    /// Marks the digest term of the row under `key` stale after it (or its predecessor) changed:
    /// its stored `term` leaves `settled`, and the term is computed again when the digest is next
    /// read or settled. A write costs a set insertion, not a SHA-256, so untraced runs pay almost
    /// nothing for the digest.
    private mutating func unsettle(_ key: UInt64, term: StateDigest) {
        if digests.unsettled.insert(key).inserted { digests.settled.subtract(term) }
    }

    /// The collection's part of the state hash: the sum of every row's term (see the type's
    /// documentation). Costs a SHA-256 per row written since the last `settleDigest()`.
    package var digest: StateDigest {
        var sum = digests.settled
        for key in digests.unsettled {  // A sum: the order does not matter.
            if let position = tree.rank(of: key) { sum.add(term(at: position)) }
        }
        return sum
    }

    /// Whether every row's term is in the digest (no row written since the last `settleDigest()`).
    package var isDigestSettled: Bool { digests.unsettled.isEmpty }

    /// Computes the terms of the rows written since the last call, so that reading `digest`
    /// costs nothing more until the next write (a traced step settles after each call).
    package mutating func settleDigest() {
        guard !digests.unsettled.isEmpty else { return }
        for key in digests.unsettled {
            guard let position = tree.rank(of: key) else { continue }
            let term = term(at: position)
            tree.modify(at: position) { $0.term = term }
            digests.settled.add(term)
        }
        digests.unsettled.removeAll(keepingCapacity: true)
    }

    /// The term of the row at `position`, following its predecessor.
    private func term(at position: Int) -> StateDigest {
        let previousID = position == 0 ? nil : tree.element(at: position - 1).id
        return Self.term(previousID: previousID, row: tree.element(at: position).row)
    }

    /// Appends `version` to `history`, keeping the newest `historyLimit`.
    private static func remember(_ version: JSONObject, in history: inout [JSONObject]) {
        if history.count >= historyLimit { history.remove(at: 0) }
        history.append(version)
    }

    /// Removes row `id`; returns whether it existed. O(log n): later rows keep their keys.
    @discardableResult
    package mutating func remove(id: String) -> Bool {
        guard let key = keys.removeValue(forKey: _JSONKey(id)), let position = tree.rank(of: key) else {
            return false
        }
        let removed = tree.remove(at: position)
        // The next row now follows the removed row's predecessor: its term changes.
        if position < tree.count {
            let next = tree.element(at: position)
            unsettle(next.key, term: next.term)
        }
        if digests.unsettled.remove(key) == nil { digests.settled.subtract(removed.term) }
        if !fieldIndex.isEmpty { fieldIndex.removed(removed.row, key: key) }
        if lastCreatedID == id { lastCreatedID = nil }
        return true
    }

    /// The digest computed from the rows alone, ignoring what was kept up to date on write: the
    /// definition `digest` must always equal (tests compare them after every step).
    package var digestFromScratch: StateDigest {
        var sum = StateDigest.zero
        var previousID: String?
        for row in rows {
            sum.add(Self.term(previousID: previousID, row: row))
            previousID = row["id"]?.stringValue
        }
        return sum
    }

    /// The digest term of `row` following the row with id `previousID` (nil: the first row): the
    /// SHA-256 of the canonical JSON `[previousID or null, row]`.
    package static func term(previousID: String?, row: JSONObject) -> StateDigest {
        var bytes: [UInt8] = []
        return term(previousID: previousID, row: row, buffer: &bytes)
    }

    /// `term(previousID:row:)`, its bytes written into `buffer` (emptied first), so that a loop
    /// over many rows reuses one buffer.
    static func term(previousID: String?, row: JSONObject, buffer bytes: inout [UInt8]) -> StateDigest {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(UInt8(ascii: "["))
        if let previousID { JSON.writeEscaped(previousID, into: &bytes) } else { bytes += Array("null".utf8) }
        bytes.append(UInt8(ascii: ","))
        JSON.object(row).writeCanonical(into: &bytes)
        bytes.append(UInt8(ascii: "]"))
        return StateDigest(hashing: bytes)
    }

    /// The rows as a JSON array (insertion order).
    package var json: JSON { .array(rows.map(JSON.object)) }

    private static func firstFreeNumber(prefix: String, ids: some Sequence<String>) -> Int {
        var highest = 0
        let marker = prefix + "-"
        for id in ids where id.hasPrefix(marker) {
            if let number = Int(id.dropFirst(marker.count)), number > highest { highest = number }
        }
        return highest + 1
    }

    /// Checks the storage's invariants (the tree's, and that every id maps to its row); traps
    /// when one fails. For tests.
    package func checkInvariants() {
        tree.checkInvariants()
        precondition(keys.count == tree.count, "\(name): \(keys.count) ids for \(tree.count) rows")
        for entry in tree {
            precondition(keys[_JSONKey(entry.id)] == entry.key, "\(name): id \(entry.id) maps elsewhere")
            precondition(entry.row["id"]?.stringValue == entry.id, "\(name): row \(entry.id) changed its id")
            precondition(entry.key < nextKey, "\(name): key \(entry.key) not below the next key")
        }
    }
}

extension EntityCollection {
    /// Equal when the rows, their histories, the id counter, the last created id and the
    /// history setting are; what is derived from the rows (keys, digests, indexes) is not compared.
    package static func == (lhs: EntityCollection, rhs: EntityCollection) -> Bool {
        guard lhs.name == rhs.name, lhs.lastCreatedID == rhs.lastCreatedID, lhs.nextNumber == rhs.nextNumber,
            lhs.keepsHistory == rhs.keepsHistory, lhs.count == rhs.count
        else { return false }
        if lhs.tree.sharesStorage(with: rhs.tree) { return true }
        return lhs.tree.elementsEqual(rhs.tree) { $0.row == $1.row && $0.history == $1.history }
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(lastCreatedID)
        hasher.combine(nextNumber)
        hasher.combine(keepsHistory)
        hasher.combine(count)
        for entry in tree {
            hasher.combine(entry.row)
            hasher.combine(entry.history)
        }
    }
}

/// A structural problem in the entity store: a row without id, a duplicate id, a missing row.
package enum EntityStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Row `index` of `collection` has no string `id`.
    case missingID(collection: String, index: Int)
    /// Two rows of `collection` share `id`.
    case duplicateID(collection: String, id: String)
    /// No row `id` in `collection`.
    case notFound(collection: String, id: String)
    /// An update tried to change a row's id.
    case idChanged(collection: String, id: String)
    /// No collection of that name.
    case unknownCollection(String)

    package var description: String {
        switch self {
        case .missingID(let collection, let index): "\(collection)[\(index)]: every row needs a string 'id'"
        case .duplicateID(let collection, let id): "\(collection): duplicate id '\(id)'"
        case .notFound(let collection, let id): "\(collection): no row with id '\(id)'"
        case .idChanged(let collection, let id): "\(collection): the id of '\(id)' cannot be changed"
        case .unknownCollection(let name): "unknown collection '\(name)'"
        }
    }
}

/// What `EntityCollection.digest` is kept from, beside the terms stored with the rows: the sum
/// of the settled terms (`settled`) and the keys of the rows whose term is stale (`unsettled`:
/// their stored term is not in `settled`). Derived from the rows, so two always compare equal.
struct _RowDigests: Sendable, Hashable {
    var settled = StateDigest.zero
    var unsettled: Set<UInt64> = []

    static func == (lhs: _RowDigests, rhs: _RowDigests) -> Bool { true }

    func hash(into hasher: inout Hasher) {}
}
