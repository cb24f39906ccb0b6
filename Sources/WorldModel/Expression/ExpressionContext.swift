/// The world state an expression reads through `count`, `exists`, `sum`, `get`,
/// `last_created`, `now`, `calls` and `regime`. The latent state implements it.
///
/// Conforming types should be small (a reference, or a struct of at most three words that holds
/// its storage by reference) so that passing one to `CompiledExpression.evaluate` does not allocate.
package protocol ExpressionContext {
    /// The rows of a collection in insertion order, or `nil` when there is no such collection.
    func rows(in collection: String) -> [JSONObject]?
    /// The rows of a collection in insertion order, or `nil` when there is no such collection,
    /// without copying them into an array: what the engine reads (`count`, `exists`, `sum`, …).
    /// Default: `rows(in:)` wrapped.
    func entityRows(in collection: String) -> EntityRows?
    /// The row of a collection whose `id` equals `id`, or `nil`.
    func row(in collection: String, id: JSON) -> JSONObject?
    /// The row most recently created in a collection, or `nil`.
    func lastCreated(in collection: String) -> JSONObject?
    /// Current virtual time in milliseconds.
    var nowMilliseconds: Int64 { get }
    /// The current regime of a service, or `nil` when there is no such service.
    func regime(of service: String) -> String?
    /// How many times a tool has been called so far in the episode.
    func callCount(of tool: String) -> Int
    /// Whether every row of every collection has a string `id`, unique in its collection (as a
    /// Swift `String`), and `row(in:id:)` with a string finds the row whose id equals it. Lets the
    /// engine answer predicates `row.id == value` through `row(in:id:)` instead of scanning.
    /// Default: `false` (always scan).
    var rowsAreIndexedByID: Bool { get }
}

extension ExpressionContext {
    /// Default: `rows(in:)` wrapped (contexts that keep their rows in an array).
    package func entityRows(in collection: String) -> EntityRows? { rows(in: collection).map(EntityRows.init) }

    /// Default: a linear scan of `rows(in:)` comparing each row's `id` structurally.
    package func row(in collection: String, id: JSON) -> JSONObject? {
        rows(in: collection)?.first { $0["id"] == id }
    }

    /// Default: no index guarantee; collection functions scan every row.
    package var rowsAreIndexedByID: Bool { false }
}

/// The context used when none is given: no collections, time zero, no calls.
struct _NoExpressionContext: ExpressionContext {
    func rows(in collection: String) -> [JSONObject]? { nil }
    func lastCreated(in collection: String) -> JSONObject? { nil }
    var nowMilliseconds: Int64 { 0 }
    func regime(of service: String) -> String? { nil }
    func callCount(of tool: String) -> Int { 0 }
}
