/// A location inside a JSON document, for error messages and lookups.
///
/// Rendered in the dotted form scenario authors read: `tools[2].effects[0].set.status`. Keys
/// that are not identifier-like (letters, digits and `_`, not starting with a digit) use the
/// bracket form `["weird key"]`. The root renders as `(root)`.
package struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// One step: an object member or an array element.
    package enum Component: Sendable, Hashable {
        /// The member named by the key.
        case key(String)
        /// The element at a 0-based index.
        case index(Int)
    }

    /// The steps from the root, outermost first.
    package var components: [Component]

    /// A path from its components.
    package init(_ components: [Component] = []) {
        self.components = components
    }

    /// The document itself.
    package static let root = JSONPath()

    /// The path a dotted rendering (`tools[2].effects[0]["odd key"]`, see `description`) names;
    /// the empty text is the root. The inverse of `JSONPath.Component.render(_:under: "")`.
    package init(rendered text: String) {
        var result: [Component] = []
        let bytes = Array(text.utf8)
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
        self.init(result)
    }

    /// Whether this is the root.
    package var isRoot: Bool { components.isEmpty }

    /// This path extended by an object member.
    package func appending(key: String) -> JSONPath {
        var path = self
        path.components.append(.key(key))
        return path
    }

    /// This path extended by an array element.
    package func appending(index: Int) -> JSONPath {
        var path = self
        path.components.append(.index(index))
        return path
    }

    /// The path without its last step (the root stays the root).
    package var parent: JSONPath {
        var path = self
        if !path.components.isEmpty { path.components.removeLast() }
        return path
    }

    /// The same location as an RFC 6901 JSON Pointer.
    package var pointer: JSONPointer {
        JSONPointer(
            tokens: components.map { component in
                switch component {
                case .key(let key): key
                case .index(let index): String(index)
                }
            })
    }

    /// Dotted form, e.g. `tools[2].effects[0].set.status`, `data["order id"]`, `[0].name`;
    /// `(root)` for the root.
    package var description: String {
        components.isEmpty ? "(root)" : Component.render(components, under: "")
    }
}

extension JSONPath.Component {
    /// Renders `components` after `root` (which may be empty): `root.key[3]["odd key"]`.
    package static func render(_ components: some Sequence<JSONPath.Component>, under root: String) -> String {
        var text = root
        for component in components { component.append(to: &text) }
        return text
    }

    /// Appends this step to a rendered path: `.key`, `[3]`, or `["odd key"]` for keys that are
    /// not identifier-like.
    package func append(to text: inout String) {
        switch self {
        case .index(let index):
            text += "[\(index)]"
        case .key(let key) where Self.isIdentifierLike(key):
            if !text.isEmpty { text += "." }
            text += key
        case .key(let key):
            text += "[\(JSON.string(key).canonicalText)]"
        }
    }

    /// Whether `key` can be written after a dot: ASCII letters, digits, `_` and `$`, not
    /// starting with a digit.
    static func isIdentifierLike(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return key.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"):
                true
            default: false
            }
        }
    }
}
