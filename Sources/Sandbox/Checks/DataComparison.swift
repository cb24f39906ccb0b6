import Scenarios
import WorldModel

/// Compares the rows of two entity stores for the `state` and `unchanged` checks, naming the
/// first places they differ as JSON paths: `orders["O-1"].items[0].status`,
/// `refunds["RF-2"] (only in the final data)`.
///
/// Rows are matched by id, so the order rows were created in does not matter; a collection
/// neither side changed compares in O(1) (its rows share storage).
package enum DataComparison {
    /// How many differing places evidence names.
    package static let shownDifferences = 5

    /// The places where `actual` differs from `expected` in `collections`, leaving out what
    /// `ignore` names; at most `limit`, plus whether there were more.
    package static func differences(
        _ actual: EntityStore, _ expected: EntityStore, collections: [String], ignore: [StateIgnore] = [],
        limit: Int = shownDifferences
    ) -> (paths: [String], more: Bool) {
        var paths: [String] = []
        var more = false
        func add(_ path: String) {
            if paths.count < limit { paths.append(path) } else { more = true }
        }
        for name in collections {
            let ignored = ignore.filter { $0.collection == name }.map(\.field)
            if ignored.contains([]) { continue }
            let actualRows = actual[name]?.rows ?? EntityRows([])
            let expectedRows = expected[name]?.rows ?? EntityRows([])
            if actualRows.elementsEqual(expectedRows) { continue }
            let root = JSONPath([.key(name)])
            let actualCollection = actual[name]
            let expectedCollection = expected[name]
            for row in expectedRows {
                guard let id = row["id"]?.stringValue else { continue }
                let path = root.appending(key: id)
                guard let other = actualCollection?.row(id: id) else {
                    add("\(path) (missing from the final data)")
                    continue
                }
                compare(.object(other), .object(row), at: path, ignored: ignored, add: add)
            }
            for row in actualRows {
                guard let id = row["id"]?.stringValue, expectedCollection?.contains(id: id) != true else { continue }
                add("\(root.appending(key: id)) (only in the final data)")
            }
            if more { break }
        }
        return (paths, more)
    }

    /// Compares two values below `path`; `ignored` are field paths relative to a row.
    private static func compare(
        _ actual: JSON, _ expected: JSON, at path: JSONPath, ignored: [[String]], add: (String) -> Void
    ) {
        if actual == expected { return }
        if !ignored.isEmpty, ignored.contains(relativeKeys(path)) { return }
        switch (actual, expected) {
        case (.object(let left), .object(let right)):
            for key in right.keys {
                let child = path.appending(key: key)
                if ignored.contains(relativeKeys(child)) { continue }
                guard let value = left[key] else {
                    add("\(child) (missing from the final data)")
                    continue
                }
                compare(value, right[key]!, at: child, ignored: ignored, add: add)
            }
            for key in left.keys where right[key] == nil {
                let child = path.appending(key: key)
                if !ignored.contains(relativeKeys(child)) { add("\(child) (only in the final data)") }
            }
        case (.array(let left), .array(let right)) where left.count == right.count:
            for (index, (value, other)) in zip(left, right).enumerated() {
                compare(value, other, at: path.appending(index: index), ignored: ignored, add: add)
            }
        default:
            add("\(path): \(short(actual)), expected \(short(expected))")
        }
    }

    /// The object keys of `path` below the row (collection and id dropped), array indexes left
    /// out: `orders.items.status` names the status of every item.
    private static func relativeKeys(_ path: JSONPath) -> [String] {
        path.components.dropFirst(2).compactMap { component in
            if case .key(let key) = component { key } else { nil }
        }
    }

    /// A value in canonical JSON, cut to 60 characters.
    static func short(_ value: JSON) -> String {
        let text = value.canonicalText
        return text.count > 60 ? String(text.prefix(57)) + "…" : text
    }

    /// `"a, b and 3 more"`-style evidence from `differences`.
    static func evidence(_ result: (paths: [String], more: Bool)) -> String {
        result.paths.joined(separator: "; ") + (result.more ? "; …" : "")
    }
}
