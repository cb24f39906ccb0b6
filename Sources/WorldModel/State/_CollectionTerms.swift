/// Each collection's term of the state hash (`StateHashEncoder.collectionTerm`) as last computed,
/// with what it was computed from, so that a step that leaves a collection alone pays a
/// comparison for it, not a SHA-256. A memo: a term is used only while its collection's name,
/// digest, id counter and last created id are the ones it was computed from, so a stale entry
/// can never give a wrong hash. Derived from the collections, so two always compare equal.
struct _CollectionTerms: Sendable, Hashable {
    private struct Entry: Sendable {
        var name: String
        var digest: StateDigest
        var nextID: Int
        var lastCreatedID: String?
        var term: StateDigest

        /// Whether this entry was computed from exactly these values.
        func matches(_ collection: EntityCollection, digest: StateDigest) -> Bool {
            self.digest == digest && nextID == collection.nextIDNumber && lastCreatedID == collection.lastCreatedID
                && name == collection.name
        }
    }

    /// By collection index in the store.
    private var entries: [Entry] = []

    /// The term of `collection` (at `index` in the store): the remembered one when it still
    /// applies, computed otherwise.
    func term(of collection: EntityCollection, at index: Int) -> StateDigest {
        let digest = collection.digest
        if index < entries.count, entries[index].matches(collection, digest: digest) { return entries[index].term }
        return Self.computeTerm(of: collection, digest: digest)
    }

    /// Like `term(of:at:)`, remembering a term it had to compute.
    mutating func settle(_ collection: EntityCollection, at index: Int) -> StateDigest {
        let digest = collection.digest
        if index < entries.count, entries[index].matches(collection, digest: digest) { return entries[index].term }
        let entry = Entry(
            name: collection.name, digest: digest, nextID: collection.nextIDNumber,
            lastCreatedID: collection.lastCreatedID, term: Self.computeTerm(of: collection, digest: digest))
        if index < entries.count {
            entries[index] = entry
        } else {
            // Collections are only ever appended to a store, so the entries before exist or are
            // filled with placeholders that match nothing real (their digest check is redone).
            while entries.count < index {
                entries.append(Entry(name: "", digest: .zero, nextID: -1, lastCreatedID: nil, term: .zero))
            }
            entries.append(entry)
        }
        return entry.term
    }

    private static func computeTerm(of collection: EntityCollection, digest: StateDigest) -> StateDigest {
        StateHashEncoder.collectionTerm(
            name: collection.name, digest: digest, nextID: collection.nextIDNumber,
            lastCreatedID: collection.lastCreatedID)
    }

    static func == (lhs: _CollectionTerms, rhs: _CollectionTerms) -> Bool { true }

    func hash(into hasher: inout Hasher) {}
}
