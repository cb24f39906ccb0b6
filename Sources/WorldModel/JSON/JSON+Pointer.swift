/// An RFC 6901 JSON Pointer: `""` is the whole document, `/a/b~1c/0` is member `a`, then
/// member `b/c`, then element (or member) `0`. `~0` stands for `~` and `~1` for `/`.
package struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens, outermost first.
    package var tokens: [String]

    /// A pointer from unescaped tokens.
    package init(tokens: [String]) {
        self.tokens = tokens
    }

    /// The pointer to the whole document.
    package static let root = JSONPointer(tokens: [])

    /// Parses pointer text; throws on text that is neither empty nor starts with `/`, and on a
    /// `~` not followed by `0` or `1`.
    package init(_ text: String) throws(JSONPointerError) {
        guard !text.isEmpty else {
            self.init(tokens: [])
            return
        }
        let bytes = Array(text.utf8)
        guard bytes[0] == UInt8(ascii: "/") else {
            throw .syntax(pointer: text, reason: "a non-empty pointer must start with '/'")
        }
        var tokens: [String] = []
        var token: [UInt8] = []
        var index = 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "/"):
                tokens.append(String(decoding: token, as: UTF8.self))
                token.removeAll(keepingCapacity: true)
            case UInt8(ascii: "~"):
                let next = index + 1 < bytes.count ? bytes[index + 1] : nil
                switch next {
                case UInt8(ascii: "0"): token.append(UInt8(ascii: "~"))
                case UInt8(ascii: "1"): token.append(UInt8(ascii: "/"))
                default:
                    throw .syntax(pointer: text, reason: "'~' at byte \(index) must be followed by '0' or '1'")
                }
                index += 1
            default:
                token.append(byte)
            }
            index += 1
        }
        tokens.append(String(decoding: token, as: UTF8.self))
        self.init(tokens: tokens)
    }

    /// The escaped pointer text, e.g. `/a/b~1c/0`.
    package var description: String {
        tokens.map { "/" + $0.replacing("~", with: "~0").replacing("/", with: "~1") }.joined()
    }

    /// The 0-based array index a token denotes: `0` or digits without a leading zero.
    static func arrayIndex(_ token: String) -> Int? {
        guard let first = token.utf8.first,
            token.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            first != UInt8(ascii: "0") || token.utf8.count == 1
        else { return nil }
        return Int(token)
    }
}

/// Why a JSON Pointer could not be parsed or followed.
package enum JSONPointerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pointer text is malformed.
    case syntax(pointer: String, reason: String)
    /// A token names nothing in the document: a missing member or an index out of range.
    case notFound(pointer: String, at: JSONPath)
    /// A token needs an array index but is not one (`-`, a leading zero, not digits).
    case invalidIndex(pointer: String, token: String, at: JSONPath)
    /// A token steps into a value that is neither an object nor an array.
    case notAContainer(pointer: String, at: JSONPath, found: String)

    /// A sentence naming the pointer, the place and the problem.
    package var description: String {
        switch self {
        case .syntax(let pointer, let reason):
            "invalid JSON Pointer \"\(pointer)\": \(reason)"
        case .notFound(let pointer, let path):
            "JSON Pointer \"\(pointer)\": nothing at \(path)"
        case .invalidIndex(let pointer, let token, let path):
            "JSON Pointer \"\(pointer)\": expected an array index at \(path), found \"\(token)\""
        case .notAContainer(let pointer, let path, let found):
            "JSON Pointer \"\(pointer)\": expected an object or array at \(path), found \(found)"
        }
    }
}

extension JSON {
    /// The value `pointer` refers to, or `nil` if there is none.
    package subscript(pointer pointer: JSONPointer) -> JSON? {
        try? value(at: pointer)
    }

    /// The value the pointer text refers to, or `nil` if the text is malformed or refers to nothing.
    package subscript(pointer text: String) -> JSON? {
        guard let pointer = try? JSONPointer(text) else { return nil }
        return self[pointer: pointer]
    }

    /// The value `pointer` refers to; throws naming the first token that does not resolve.
    package func value(at pointer: JSONPointer) throws(JSONPointerError) -> JSON {
        var current = self
        var path = JSONPath.root
        for token in pointer.tokens {
            switch current {
            case .object(let object):
                path = path.appending(key: token)
                guard let member = object[token] else { throw .notFound(pointer: pointer.description, at: path) }
                current = member
            case .array(let elements):
                guard let index = JSONPointer.arrayIndex(token) else {
                    throw .invalidIndex(pointer: pointer.description, token: token, at: path)
                }
                path = path.appending(index: index)
                guard index < elements.count else { throw .notFound(pointer: pointer.description, at: path) }
                current = elements[index]
            default:
                throw .notAContainer(pointer: pointer.description, at: path, found: current.typeName)
            }
        }
        return current
    }

    /// Sets the value `pointer` refers to. Missing object members along the way are created as
    /// empty objects; in arrays, an index equal to the count or `-` appends. Throws when a
    /// token steps into a scalar, or an array index is malformed or beyond the end.
    package mutating func setValue(_ newValue: JSON, at pointer: JSONPointer) throws(JSONPointerError) {
        try Self.set(newValue, in: &self, tokens: pointer.tokens[...], pointer: pointer, path: .root)
    }

    private static func set(
        _ newValue: JSON, in target: inout JSON, tokens: ArraySlice<String>, pointer: JSONPointer, path: JSONPath
    ) throws(JSONPointerError) {
        guard let token = tokens.first else {
            target = newValue
            return
        }
        let rest = tokens.dropFirst()
        switch target {
        case .object(var object):
            var child = object[token] ?? (rest.isEmpty ? .null : .object(JSONObject()))
            target = .null  // release the enum's reference so `object` stays uniquely owned
            defer { target = .object(object) }
            try set(newValue, in: &child, tokens: rest, pointer: pointer, path: path.appending(key: token))
            object[token] = child
        case .array(var elements):
            let index: Int
            if token == "-" {
                index = elements.count
            } else if let parsed = JSONPointer.arrayIndex(token) {
                index = parsed
            } else {
                throw .invalidIndex(pointer: pointer.description, token: token, at: path)
            }
            guard index <= elements.count else {
                throw .notFound(pointer: pointer.description, at: path.appending(index: index))
            }
            if index == elements.count && !rest.isEmpty {
                throw .notFound(pointer: pointer.description, at: path.appending(index: index))
            }
            target = .null
            defer { target = .array(elements) }
            if index == elements.count {
                elements.append(newValue)
            } else {
                try set(
                    newValue, in: &elements[index], tokens: rest, pointer: pointer, path: path.appending(index: index))
            }
        default:
            throw .notAContainer(pointer: pointer.description, at: path, found: target.typeName)
        }
    }
}
