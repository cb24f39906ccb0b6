import WorldModel

/// Puts issues in the order their places appear in the document, so that an author reading
/// the list top to bottom walks the file top to bottom (the reader checks some things, such as
/// unknown keys, before it descends, which would otherwise report a late key first).
enum IssueOrder {
    /// `issues` sorted stably by where their path points in `document`.
    static func sorted(_ issues: [ScenarioIssue], in document: JSON) -> [ScenarioIssue] {
        let keyed = issues.enumerated().map {
            (position: position(of: $0.element.jsonPath, in: document), index: $0.offset, issue: $0.element)
        }
        return keyed.sorted { lhs, rhs in
            if lhs.position != rhs.position { return lhs.position.lexicographicallyPrecedes(rhs.position) }
            return lhs.index < rhs.index
        }.map(\.issue)
    }

    /// The member and element indices along `path` (`tools[2].effects[0].set.status`); a
    /// segment that does not resolve ends the walk.
    static func position(of path: JSONPath, in document: JSON) -> [Int] {
        var result: [Int] = []
        var current: JSON? = document
        for segment in path.components {
            guard let value = current else { break }
            switch (segment, value) {
            case (.key(let key), .object(let object)):
                guard let index = object.position(of: key) else { return result + [Int.max] }
                result.append(index)
                current = object[key]
            case (.index(let index), .array):
                result.append(index)
                current = value[index]
            default:
                return result
            }
        }
        return result
    }
}
