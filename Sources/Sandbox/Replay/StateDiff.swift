import WorldModel

/// What changed in the entity store between two states, as lines for people:
/// `+ refunds RF-1 {…}`, `~ charges CH-2 status: "captured" → "refunded"`, `- customers C-7`.
package enum StateDiff {
    /// The changes from `before` to `after`, collection by collection in declaration order.
    package static func lines(from before: EntityStore, to after: EntityStore) -> [String] {
        var lines: [String] = []
        for collection in after.collections {
            let old = before[collection.name]
            for row in collection.rows {
                guard let id = row["id"]?.stringValue else { continue }
                guard let previous = old?.row(id: id) else {
                    lines.append("+ \(collection.name) \(id) \(JSON.object(row).canonicalText)")
                    continue
                }
                if previous == row { continue }
                var changes: [String] = []
                for key in row.keys where previous[key] != row[key] {
                    changes.append("\(key): \(previous[key]?.canonicalText ?? "(absent)") → \(row[key]!.canonicalText)")
                }
                for key in previous.keys where row[key] == nil {
                    changes.append("\(key): \(previous[key]!.canonicalText) → (absent)")
                }
                lines.append("~ \(collection.name) \(id) \(changes.joined(separator: ", "))")
            }
            for row in old?.rows ?? [] {
                if let id = row["id"]?.stringValue, !collection.contains(id: id) {
                    lines.append("- \(collection.name) \(id)")
                }
            }
        }
        return lines
    }
}
