/// What calling a tool does to the entity store.
package enum ToolOperation: Sendable {
    /// Returns the row of `collection` whose id is `key` (404 if none).
    case get(collection: String, key: CompiledExpression)
    /// Returns the rows of `collection` matching `filter`, ordered, a page at a time.
    case list(collection: String, filter: CompiledExpression?, orderBy: OrderBy?, pageSize: Int?)
    /// Creates a row of `collection` from `value`; its id comes from `key` or the collection's counter.
    case create(collection: String, value: [FieldAssignment], key: CompiledExpression?)
    /// Changes the selected rows of `collection`.
    case update(collection: String, selector: RowSelector, set: [FieldAssignment], append: [FieldAssignment])
    /// Removes the selected rows of `collection`.
    case delete(collection: String, selector: RowSelector)
    /// Applies `effects` in order, atomically, and answers `returns` (or `{"ok": true}`).
    case custom(effects: [Effect], returns: CompiledExpression?)
    /// Answers what was recorded for the same canonical arguments (`RecordedAnswers`); changes nothing.
    case recorded(RecordedAnswers)

    /// The collection the operation works on, if it has a single one.
    package var collection: String? {
        switch self {
        case .get(let collection, _), .list(let collection, _, _, _), .create(let collection, _, _),
            .update(let collection, _, _, _), .delete(let collection, _):
            collection
        case .custom, .recorded: nil
        }
    }

    /// `get`, `list` and `recorded` never change the world.
    package var isReadOnly: Bool {
        switch self {
        case .get, .list, .recorded: true
        default: false
        }
    }

    /// `delete`, `update` and `custom` operations that delete may remove or overwrite data.
    package var isDestructive: Bool {
        switch self {
        case .get, .list, .create, .recorded: false
        case .update, .delete: true
        case .custom(let effects, _): effects.contains { $0.isDestructive }
        }
    }

    /// Operations whose repetition with the same arguments changes nothing more: deletes, and
    /// updates that only `set` values not computed from the row itself (`row.on_hand + 1` is not
    /// safe to repeat, `'refunded'` is).
    package var isNaturallyIdempotent: Bool {
        switch self {
        case .update(_, _, let set, let append):
            append.isEmpty
                && set.allSatisfy { assignment in
                    !assignment.value.referencedVariables.contains("row")
                        && assignment.path.indexExpressions.allSatisfy { !$0.referencedVariables.contains("row") }
                }
        case .delete: true
        default: false
        }
    }
}

/// How a list is ordered: by a field, ascending or descending; ties keep insertion order.
package struct OrderBy: Sendable, Hashable {
    /// The field name (a dotted path is allowed: `address.zip`).
    package var field: [String]
    /// Whether the order is descending (`-field`).
    package var descending: Bool

    /// Parses `field` or `-field`.
    package init(_ text: String) {
        descending = text.hasPrefix("-")
        field = (descending ? String(text.dropFirst()) : text).split(separator: ".").map(String.init)
    }
}

/// Which rows an update or delete touches: the row whose id is `key`, or every row where the
/// predicate holds.
package enum RowSelector: Sendable {
    /// The row whose id is the expression's value (404 if none).
    case key(CompiledExpression)
    /// Every row for which the predicate (over `row`) is true; zero rows is not an error.
    case matching(CompiledExpression)
    /// `matching` for a predicate `row.id == key [&& …]` (`RowIDKey`): the same rows, found by
    /// looking the one row whose id is `key` up (the scan without shortcuts).
    case matchingID(CompiledExpression, key: CompiledExpression)

    /// The selector of a `where` predicate: `matchingID` when its shape allows, else `matching`.
    package static func selecting(where predicate: CompiledExpression) -> RowSelector {
        RowIDKey(predicate: predicate).map { .matchingID(predicate, key: $0.key) } ?? .matching(predicate)
    }
}

/// One field assignment: where it writes (a field, a nested path, or a path with `[expr]`
/// segments) and the expression giving its value.
package struct FieldAssignment: Sendable {
    /// Where the value goes.
    package var path: FieldPath
    /// The value.
    package var value: CompiledExpression

    /// Creates an assignment to `path`.
    package init(path: FieldPath, value: CompiledExpression) {
        self.path = path
        self.value = value
    }

    /// Creates an assignment to a dotted path of field names (e.g. `address.zip`).
    package init(path: String, value: CompiledExpression) {
        self.init(path: FieldPath(dotted: path), value: value)
    }

    /// The field names of a path without `[expr]` segments; nil otherwise.
    var keys: [String]? { path.keys }

    /// Whether the assignment writes one top-level field named in the path (`status`, not
    /// `address.zip` or `items[0]`).
    var isTopLevel: Bool { path.segments.count == 1 }
}
