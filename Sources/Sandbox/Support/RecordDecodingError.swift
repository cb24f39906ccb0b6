import WorldModel

/// Why a JSON document is not a valid simrun record (a verdict, a trace line, a scorecard entry).
///
/// The path names the offending member from the record's root (`checks[2].kind`), so the
/// message points at the exact place to fix, e.g.
/// `step.status: expected an integer, found string "200"`.
package struct RecordDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The JSON path of the offending member, e.g. `step.headers[0]`.
    package var path: String
    /// What was expected there, in words.
    package var expected: String
    /// What was found, in words (`missing`, `string "200"`, `unknown member`).
    package var found: String

    /// Creates an error.
    package init(path: String, expected: String, found: String) {
        self.path = path
        self.expected = expected
        self.found = found
    }

    /// `step.status: expected an integer, found string "200"`.
    package var description: String { "\(path): expected \(expected), found \(found)" }

    /// A short description of `value` for the `found` part of a message.
    static func describe(_ value: JSON) -> String {
        var text = value.canonicalText
        if text.count > 40 { text = String(text.prefix(37)) + "..." }
        switch value {
        case .null: return "null"
        default: return "\(value.typeName) \(text)"
        }
    }
}
