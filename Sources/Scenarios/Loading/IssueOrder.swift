import WorldModel

/// Puts issues in the order their places appear in the document, so that an author reading
/// the list top to bottom walks the file top to bottom (the reader checks some things, such as
/// unknown keys, before it descends, which would otherwise report a late key first).
enum IssueOrder {
    /// `issues` sorted stably by where their path points in `document`.
    static func sorted(_ issues: [ScenarioIssue], in document: JSON) -> [ScenarioIssue] {
        let keyed = issues.enumerated().map {
            (position: position(of: $0.element.path, in: document), index: $0.offset, issue: $0.element)
        }
        return keyed.sorted { lhs, rhs in
            if lhs.position != rhs.position { return lhs.position.lexicographicallyPrecedes(rhs.position) }
            return lhs.index < rhs.index
        }.map(\.issue)
    }

    /// The member and element indices along `path` (`tools[2].effects[0].set.status`); a
    /// segment that does not resolve ends the walk.
    static func position(of path: String, in document: JSON) -> [Int] {
        var result: [Int] = []
        var current: JSON? = document
        for segment in segments(path) {
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

    /// Parses a path rendered by `JSONPath.Component.render`.
    static func segments(_ path: String) -> [JSONPath.Component] {
        var result: [JSONPath.Component] = []
        let bytes = Array(path.utf8)
        var i = 0
        var name: [UInt8] = []
        func flush() {
            if !name.isEmpty { result.append(.key(String(decoding: name, as: UTF8.self))) }
            name = []
        }
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "."):
                flush()
                i += 1
            case UInt8(ascii: "["):
                flush()
                if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") {
                    // A quoted key: a JSON string up to the closing quote.
                    var j = i + 2
                    while j < bytes.count, bytes[j] != UInt8(ascii: "\"") {
                        j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    let literal = Array(bytes[(i + 1)...min(j, bytes.count - 1)])
                    if case .string(let key)? = try? JSON(parsing: literal) { result.append(.key(key)) }
                    i = j + 2
                } else {
                    var j = i + 1
                    var number = 0
                    while j < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[j]) {
                        number = number &* 10 &+ Int(bytes[j] - UInt8(ascii: "0"))
                        j += 1
                    }
                    result.append(.index(number))
                    i = j + 1
                }
            default:
                name.append(bytes[i])
                i += 1
            }
        }
        flush()
        return result
    }
}
