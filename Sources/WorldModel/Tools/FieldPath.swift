/// Where a `set` or `append` writes inside a row: a field name, then `.field` and `[expr]`
/// segments, e.g. `payment_methods[args.payment_method_id].balance` or `address.zip`.
///
/// Parsed when the scenario is loaded (`FieldPath.parse`); a `[expr]` segment is compiled there
/// too. At run time an index whose value is a string is an object key and an integer is an array
/// index; writing through a missing key, a value of the wrong kind or an index out of range is
/// the scenario's error (`EffectEvaluator`), never a reshaping of the row.
package struct FieldPath: Sendable {
    /// One step of the path.
    package enum Segment: Sendable {
        /// A member named in the path text (`.field`, or the leading field).
        case field(String)
        /// A member or element chosen by an expression's value (`[expr]`).
        case index(CompiledExpression)
    }

    /// The path as written, for messages.
    package var text: String
    /// The leading field of the row, then the remaining segments in order.
    package var segments: [Segment]

    /// Creates a path from its segments; `text` is how it reads in the scenario file.
    package init(text: String, segments: [Segment]) {
        precondition(
            { if case .field? = segments.first { true } else { false } }(), "a field path starts with a field name")
        self.text = text
        self.segments = segments
    }

    /// A path of field names only, given as dotted text (`address.zip`).
    package init(dotted text: String) {
        self.init(
            text: text,
            segments: text.split(separator: ".", omittingEmptySubsequences: false).map { .field(String($0)) })
    }

    /// The row's field the path starts at.
    package var first: String {
        guard case .field(let name) = segments[0] else { preconditionFailure("a field path starts with a field name") }
        return name
    }

    /// The field names, when every segment is one (`address.zip` → `["address", "zip"]`); nil
    /// when a segment is an `[expr]`.
    package var keys: [String]? {
        var keys: [String] = []
        keys.reserveCapacity(segments.count)
        for segment in segments {
            guard case .field(let name) = segment else { return nil }
            keys.append(name)
        }
        return keys
    }

    /// The expressions of the `[expr]` segments, in order.
    package var indexExpressions: [CompiledExpression] {
        segments.compactMap { if case .index(let expression) = $0 { expression } else { nil } }
    }
}

/// A field path's text split into segments, before its `[expr]` parts are compiled.
package enum FieldPathSyntax: Equatable, Sendable {
    /// A `.field` (or the leading field).
    case field(String)
    /// The source of an `[expr]` segment.
    case index(String)
}

/// Why a field path's text does not parse.
package struct FieldPathSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, written for a scenario author.
    package var message: String

    package var description: String { message }
}

extension FieldPath {
    /// Splits `text` into segments: an identifier, then `.identifier` or `[expression]` any
    /// number of times. Brackets nest and may hold quoted strings (`items[index_of(row.items,
    /// i -> i.sku == 'A[1]')]`). A dotted segment that is not an identifier is an error that
    /// says how to write it (`items.0.price` → `items[0].price`, `meta.first-name` →
    /// `meta['first-name']`).
    package static func parse(_ text: String) throws(FieldPathSyntaxError) -> [FieldPathSyntax] {
        let bytes = Array(text.utf8)
        var segments: [FieldPathSyntax] = []
        var position = 0
        func identifier() -> String {
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "."), bytes[position] != UInt8(ascii: "[") {
                position += 1
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
        /// Checks the segment `name` that ends at `position`; `dotted` when a `.` precedes it.
        func check(_ name: String, dotted: Bool) throws(FieldPathSyntaxError) {
            if name.isEmpty {
                throw FieldPathSyntaxError(
                    message: "expected a field name \(dotted ? "after '.'" : "at the start") of '\(text)'")
            }
            guard isIdentifier(name) else {
                let kind = "letters, digits and '_', not starting with a digit"
                guard dotted else {
                    throw FieldPathSyntaxError(message: "'\(name)' in '\(text)' is not a field name (\(kind))")
                }
                let start = position - name.utf8.count - 1
                let digits = name.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                let index = digits ? "[\(name)]" : "[\(quoted(name))]"
                let fix =
                    String(decoding: bytes[..<start], as: UTF8.self) + index
                    + String(decoding: bytes[position...], as: UTF8.self)
                throw FieldPathSyntaxError(
                    message: digits
                        ? "'\(name)' in '\(text)' is not a field name; to address element \(name) of an array write '\(fix)'"
                        : "'\(name)' in '\(text)' is not a field name (\(kind)); for a key like this write '\(fix)'")
            }
        }
        let leading = identifier()
        try check(leading, dotted: false)
        segments.append(.field(leading))
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: ".") {
                position += 1
                let name = identifier()
                try check(name, dotted: true)
                segments.append(.field(name))
                continue
            }
            // `[`: find the matching `]`, skipping quoted strings.
            let open = position
            var depth = 0
            var quoted = false
            var close: Int?
            while position < bytes.count {
                let byte = bytes[position]
                if quoted {
                    if byte == UInt8(ascii: "\\") {
                        position += 1
                    } else if byte == UInt8(ascii: "'") {
                        quoted = false
                    }
                } else if byte == UInt8(ascii: "'") {
                    quoted = true
                } else if byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 {
                        close = position
                        break
                    }
                }
                position += 1
            }
            guard let close else {
                throw FieldPathSyntaxError(message: "a '[' in '\(text)' is not closed with ']'")
            }
            let source = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
            if source.allSatisfy(\.isWhitespace) {
                throw FieldPathSyntaxError(message: "expected an expression between '[' and ']' in '\(text)'")
            }
            segments.append(.index(source))
            position = close + 1
            if position < bytes.count, bytes[position] != UInt8(ascii: "."), bytes[position] != UInt8(ascii: "[") {
                throw FieldPathSyntaxError(
                    message:
                        "expected '.' or '[' after ']' in '\(text)', found '\(String(decoding: bytes[position...], as: UTF8.self))'"
                )
            }
        }
        return segments
    }

    /// Whether `name` is a field name a dotted path may hold: a letter or `_`, then letters,
    /// digits and `_` (ASCII).
    package static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    /// `text` as a single-quoted expression string (`\\` and `\'` escaped).
    private static func quoted(_ text: String) -> String {
        var result = "'"
        for character in text {
            if character == "\\" || character == "'" { result.append("\\") }
            result.append(character)
        }
        return result + "'"
    }
}
