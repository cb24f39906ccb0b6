/// Why an expression does not compile, and where.
///
/// The scenario loader prefixes the file and JSON path; `description` reads
/// `column 7: unknown field 'stauts' of row (did you mean 'status'?)` followed by the source and
/// a caret under the offending column.
package struct ExpressionCompileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The whole expression source.
    package var source: String
    /// 0-based UTF-8 offset of the offending token.
    package var offset: Int
    /// What is wrong, e.g. `unknown field 'stauts' of row`.
    package var message: String
    /// A hint for the fix, e.g. `did you mean 'status'?`, if there is one.
    package var suggestion: String?

    /// Creates an error.
    package init(source: String, offset: Int, message: String, suggestion: String? = nil) {
        self.source = source
        self.offset = max(0, min(offset, source.utf8.count))
        self.message = message
        self.suggestion = suggestion
    }

    /// 1-based column of the offending token, counted in characters.
    package var column: Int {
        let utf8 = source.utf8
        let end = utf8.index(utf8.startIndex, offsetBy: offset)
        // Round down to a character boundary so a column never splits a character.
        let boundary = end.samePosition(in: source) ?? source[..<end].endIndex
        return source[..<boundary].count + 1
    }

    /// One line: `column 7: message (suggestion)`.
    package var summary: String {
        var text = "column \(column): \(message)"
        if let suggestion { text += " (\(suggestion))" }
        return text
    }

    /// The summary, then the source and a caret under the offending column.
    package var description: String {
        let line = String(source.map { $0.isNewline ? " " : $0 })
        return summary + "\n    " + line + "\n    " + String(repeating: " ", count: column - 1) + "^"
    }
}
