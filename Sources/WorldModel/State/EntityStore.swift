/// The data part D of the latent state: named collections of rows, in declaration order.
///
/// A value type with copy-on-write storage: holding the initial store and assigning it to an
/// episode is O(1), and a write copies only the collection it touches.
package struct EntityStore: Sendable, Hashable {
    /// The collections, in the order the scenario declares them.
    package private(set) var collections: [EntityCollection]
    private var positions: [String: Int]

    /// An empty store.
    package init() {
        collections = []
        positions = [:]
    }

    /// A store from named row lists, in the given order; with `perform`, large collections
    /// compute their rows' digest terms on several threads (`EntityCollection.init(name:rows:concurrently:)`).
    package init(_ data: [(name: String, rows: [JSONObject])], concurrently perform: ConcurrentPerform? = nil)
        throws(EntityStoreError)
    {
        self.init()
        for (name, rows) in data { try add(EntityCollection(name: name, rows: rows, concurrently: perform)) }
    }

    /// Adds a collection; its name must be new.
    package mutating func add(_ collection: EntityCollection) throws(EntityStoreError) {
        guard positions[collection.name] == nil else {
            throw .duplicateID(collection: "data", id: collection.name)
        }
        positions[collection.name] = collections.count
        collections.append(collection)
    }

    /// The collection names in declaration order.
    package var names: [String] { collections.map(\.name) }

    /// The position of a collection, for callers that resolve names once at load time.
    package func index(of name: String) -> Int? { position(of: name) }

    /// The collection named `name`.
    package subscript(name: String) -> EntityCollection? {
        guard let position = positions[name] else { return nil }
        return collections[position]
    }

    /// The position of the collection named `name`: a scan of the few names of a typical store
    /// (comparing short names is cheaper than hashing one), the index beyond that.
    @inline(__always)
    private func position(of name: String) -> Int? {
        if collections.count > 8 { return positions[name] }
        for index in collections.indices where collections[index].name == name { return index }
        return nil
    }

    /// The rows of the collection named `name` (O(1): no copy of the collection or its rows).
    func rows(of name: String) -> EntityRows? {
        guard let position = position(of: name) else { return nil }
        return collections[position].rows
    }

    /// The row with `id` of the collection named `name` (without copying the collection out).
    func row(of name: String, id: String) -> JSONObject? {
        guard let position = position(of: name) else { return nil }
        return collections[position].row(id: id)
    }

    /// Whether the collection named `name` has a row with `id`; nil when there is no such collection.
    func contains(_ name: String, id: String) -> Bool? {
        guard let position = position(of: name) else { return nil }
        return collections[position].contains(id: id)
    }

    /// The collection at `index` (from `index(of:)`), readable and writable in place.
    package subscript(index index: Int) -> EntityCollection {
        get { collections[index] }
        _modify { yield &collections[index] }
    }

    /// Applies `body` to the collection named `name` in place.
    package mutating func modify<T>(_ name: String, _ body: (inout EntityCollection) throws(EntityStoreError) -> T)
        throws(EntityStoreError) -> T
    {
        guard let position = position(of: name) else { throw .unknownCollection(name) }
        return try body(&collections[position])
    }

    /// The whole store as `{"collection": [rows…], …}`; canonical serialization sorts the names.
    package var json: JSON {
        var object = JSONObject(minimumCapacity: collections.count)
        for collection in collections { object[collection.name] = collection.json }
        return .object(object)
    }
}
