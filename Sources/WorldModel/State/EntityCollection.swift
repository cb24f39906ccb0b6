/// One collection of the entity store: JSON-object rows keyed by their `id`, in insertion order.
///
/// Invariants: every row has a string `id` unique in the collection (ids are compared by their
/// UTF-8 bytes, as JSON compares strings: `é` and `e` + U+0301 are two ids); `positions` maps each id
/// to its row's index in `rows`. Storage is copy-on-write, so a snapshot of a world costs
/// nothing until a step writes, and a write copies only the collection it touches.
///
/// The collection keeps its `digest` up to date on write: the sum (`StateDigest`) of one term
/// per row, the SHA-256 of the canonical JSON `[PREVIOUS_ID, ROW]` (`PREVIOUS_ID` is the id of the
/// row before it in insertion order, `null` for the first). The previous id makes the digest
/// depend on the order, yet a delete changes only its neighbour's term; `digestFromScratch`
/// computes the same sum from the rows alone (docs/trace-format.md, "The state hash").
package struct EntityCollection: Sendable, Hashable {
    /// The collection's name, e.g. `refunds`.
    package let name: String
    /// The rows in insertion order.
    package private(set) var rows: [JSONObject]
    private var positions: [_JSONKey: Int]
    /// Parallel to `rows`: earlier versions of each row (newest last), at most `historyLimit`,
    /// for stale reads.
    private var history: [[JSONObject]]
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
    package init(name: String, rows: [JSONObject]) throws(EntityStoreError) {
        self.name = name
        self.rows = []
        self.rows.reserveCapacity(rows.count)
        positions = [:]
        history = []
        digests = _RowDigests()
        lastCreatedID = nil
        nextNumber = 1
        for (index, row) in rows.enumerated() {
            guard let id = row["id"]?.stringValue else {
                throw .missingID(collection: name, index: index)
            }
            guard positions[_JSONKey(id)] == nil else { throw .duplicateID(collection: name, id: id) }
            positions[_JSONKey(id)] = self.rows.count
            self.rows.append(row)
        }
        history = Array(repeating: [], count: self.rows.count)
        digests.terms = Self.terms(of: self.rows)
        for term in digests.terms { digests.settled.add(term) }
        nextNumber = Self.firstFreeNumber(prefix: idPrefix, ids: self.rows.lazy.compactMap { $0["id"]?.stringValue })
    }

    /// The number the id counter hands out next (part of the state hash).
    package var nextIDNumber: Int { nextNumber }

    /// Starts keeping an index of `field` (see `FieldIndex`), so `positions(whereField:equalTo:)`
    /// answers for it; a world turns it on for the fields its list filters compare.
    package mutating func index(field: String) { fieldIndex.add(field, rows: rows) }

    /// The positions (ascending: insertion order) of the rows whose `field` is the string
    /// `value`, from the field's index; nil when `field` is not indexed. Valid until the
    /// collection next changes.
    func positions(whereField field: String, equalTo value: String) -> [Int]? {
        fieldIndex.positions(of: field, equalTo: value)
    }

    /// The number of rows.
    @inlinable package var count: Int { rows.count }

    /// The row with `id`, if any.
    package func row(id: String) -> JSONObject? {
        guard let position = positions[_JSONKey(id)] else { return nil }
        return rows[position]
    }

    /// The index in `rows` of the row with `id`, for callers that look a row up once and then
    /// read or replace it by position; valid until the collection next changes.
    func position(of id: String) -> Int? { positions[_JSONKey(id)] }

    /// Whether a row with `id` exists.
    package func contains(id: String) -> Bool { positions[_JSONKey(id)] != nil }

    /// The row created most recently by a step.
    package var lastCreated: JSONObject? { lastCreatedID.flatMap(row(id:)) }

    /// The versions of row `id` before its latest change, oldest first.
    package func previousVersions(of id: String) -> [JSONObject] {
        guard let position = positions[_JSONKey(id)] else { return [] }
        return history[position]
    }

    /// The prefix of generated ids: the collection's first letter and the first consonant after
    /// it, upper-cased (`refunds` → `RF`, `charges` → `CH`, `notes` → `NT`).
    package var idPrefix: String {
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
            if positions[_JSONKey(id)] == nil { return id }
        }
    }

    /// Inserts a new row; it must carry a string `id` not yet taken.
    package mutating func insert(_ row: JSONObject) throws(EntityStoreError) {
        guard let id = row["id"]?.stringValue else { throw .missingID(collection: name, index: rows.count) }
        guard positions[_JSONKey(id)] == nil else { throw .duplicateID(collection: name, id: id) }
        positions[_JSONKey(id)] = rows.count
        rows.append(row)
        if !fieldIndex.isEmpty { fieldIndex.inserted(row, at: rows.count - 1) }
        history.append([])
        digests.terms.append(.zero)  // Unsettled: not in `settled` until `settleDigest()`.
        digests.unsettled.insert(_JSONKey(id))
        lastCreatedID = id
    }

    /// Replaces row `id`, remembering its previous version; the id itself cannot change.
    /// Returns whether the row changed (replacing a row by an equal one changes nothing).
    @discardableResult
    package mutating func replace(id: String, with row: JSONObject) throws(EntityStoreError) -> Bool {
        guard let position = positions[_JSONKey(id)] else { throw .notFound(collection: name, id: id) }
        guard row["id"]?.stringValue == id else { throw .idChanged(collection: name, id: id) }
        if rows[position] == row { return false }
        replace(at: position, with: row)
        return true
    }

    /// Replaces the row at `position` (from `position(of:)`) with `row`, which has the same id and
    /// differs from it, remembering the previous version (the newest `historyLimit` are kept).
    mutating func replace(at position: Int, with row: JSONObject) {
        let old = rows[position]
        rows[position] = row
        if !fieldIndex.isEmpty { fieldIndex.changed(at: position, from: fieldIndex.values(in: old), to: row) }
        refreshTerm(at: position)
        remember(old, at: position)
    }

    /// Changes the row at `position` (from `position(of:)`) through `body`, which keeps its `id`
    /// and returns whether it changed anything. Without history the row is changed in place (no
    /// copy when nothing else holds it); with history its previous version is remembered.
    mutating func modifyRow<Failure: Error>(
        at position: Int, _ body: (inout JSONObject) throws(Failure) -> Bool
    ) throws(Failure) -> Bool {
        // The indexed fields' values only: holding the whole row would make the body copy it.
        let indexed = fieldIndex.isEmpty ? [] : fieldIndex.values(in: rows[position])
        guard keepsHistory else {
            let changed: Bool
            do throws(Failure) {
                changed = try body(&rows[position])
            } catch {
                rowChanged(at: position, indexed: indexed)  // The body may have written before it failed.
                throw error
            }
            if changed { rowChanged(at: position, indexed: indexed) }
            return changed
        }
        let old = rows[position]
        guard try body(&rows[position]) else { return false }
        rowChanged(at: position, indexed: indexed)
        remember(old, at: position)
        return true
    }

    /// Brings the field index and the digest up to date after the row at `position` changed
    /// in place (`indexed`: its indexed fields' values before).
    private mutating func rowChanged(at position: Int, indexed: [JSON?]) {
        if !fieldIndex.isEmpty { fieldIndex.changed(at: position, from: indexed, to: rows[position]) }
        refreshTerm(at: position)
    }

    /// Marks the digest term of the row at `position` stale after it (or its predecessor)
    /// changed: its stored term leaves `settled`, and the term is computed again when the digest
    /// is next read or settled. A write costs a set insertion, not a SHA-256, so untraced runs
    /// pay almost nothing for the digest.
    private mutating func refreshTerm(at position: Int) {
        guard let id = rows[position]["id"]?.stringValue else { return }
        if digests.unsettled.insert(_JSONKey(id)).inserted { digests.settled.subtract(digests.terms[position]) }
    }

    /// The collection's part of the state hash: the sum of every row's term (see the type's
    /// documentation). Costs a SHA-256 per row written since the last `settleDigest()`.
    package var digest: StateDigest {
        var sum = digests.settled
        for key in digests.unsettled {  // A sum: the order does not matter.
            if let position = positions[key] { sum.add(term(at: position)) }
        }
        return sum
    }

    /// Computes the terms of the rows written since the last call, so that reading `digest`
    /// costs nothing more until the next write (a traced step settles after each call).
    package mutating func settleDigest() {
        guard !digests.unsettled.isEmpty else { return }
        for key in digests.unsettled {
            guard let position = positions[key] else { continue }
            digests.terms[position] = term(at: position)
            digests.settled.add(digests.terms[position])
        }
        digests.unsettled.removeAll(keepingCapacity: true)
    }

    /// The term of the row at `position`, following its predecessor.
    private func term(at position: Int) -> StateDigest {
        Self.term(previousID: previousID(before: position), row: rows[position])
    }

    /// The id of the row before `position`, nil for the first.
    private func previousID(before position: Int) -> String? {
        position == 0 ? nil : rows[position - 1]["id"]?.stringValue
    }

    /// Appends `version` to the history of the row at `position`, keeping the newest
    /// `historyLimit`, when the collection keeps history.
    private mutating func remember(_ version: JSONObject, at position: Int) {
        guard keepsHistory else { return }
        if history[position].count >= Self.historyLimit { history[position].remove(at: 0) }
        history[position].append(version)
    }

    /// Removes row `id`; returns whether it existed.
    @discardableResult
    package mutating func remove(id: String) -> Bool {
        guard let position = positions.removeValue(forKey: _JSONKey(id)) else { return false }
        // The next row will follow the removed row's predecessor: its term changes.
        if position + 1 < rows.count { refreshTerm(at: position + 1) }
        if digests.unsettled.remove(_JSONKey(id)) == nil { digests.settled.subtract(digests.terms[position]) }
        if !fieldIndex.isEmpty { fieldIndex.removed(rows[position], at: position) }
        rows.remove(at: position)
        history.remove(at: position)
        digests.terms.remove(at: position)
        for index in position..<rows.count {
            if let moved = rows[index]["id"]?.stringValue { positions[_JSONKey(moved)] = index }
        }
        if lastCreatedID == id { lastCreatedID = nil }
        return true
    }

    /// The digest computed from the rows alone, ignoring what was kept up to date on write: the
    /// definition `digest` must always equal (tests compare them after every step).
    package var digestFromScratch: StateDigest {
        var sum = StateDigest.zero
        for term in Self.terms(of: rows) { sum.add(term) }
        return sum
    }

    /// The digest term of `row` following the row with id `previousID` (nil: the first row): the
    /// SHA-256 of the canonical JSON `[previousID or null, row]`.
    package static func term(previousID: String?, row: JSONObject) -> StateDigest {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        if let previousID { JSON.writeEscaped(previousID, into: &bytes) } else { bytes += Array("null".utf8) }
        bytes.append(UInt8(ascii: ","))
        JSON.object(row).writeCanonical(into: &bytes)
        bytes.append(UInt8(ascii: "]"))
        return StateDigest(hashing: bytes)
    }

    /// The terms of `rows` in order, each following the one before.
    private static func terms(of rows: [JSONObject]) -> [StateDigest] {
        var previousID: String?
        return rows.map { row in
            defer { previousID = row["id"]?.stringValue }
            return term(previousID: previousID, row: row)
        }
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

/// What `EntityCollection.digest` is kept from: the rows' terms (`terms`, parallel to the rows),
/// the sum of the settled ones (`settled`), and the ids of the rows whose term is stale
/// (`unsettled`: their stored term is not in `settled`). Derived from the rows, so two always
/// compare equal: a collection's equality is that of its rows, settled or not.
struct _RowDigests: Sendable, Hashable {
    var terms: [StateDigest] = []
    var settled = StateDigest.zero
    var unsettled: Set<_JSONKey> = []

    static func == (lhs: _RowDigests, rhs: _RowDigests) -> Bool { true }

    func hash(into hasher: inout Hasher) {}
}
