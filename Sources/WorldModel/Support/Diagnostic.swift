/// One problem in a document simrun reads: where it is and what is wrong, rendered in one place.
///
/// Every format simrun reads reports problems in this one shape (scenario files and fault
/// overlays as `ScenarioIssue`, JSON Schemas, trace and verdict records, benchmark thresholds):
/// the file when one is named, the JSON path of the offending value, what was expected there and
/// what was found, and a suggestion when a name is close to a known one, e.g.
/// `billing-outage.json: tools[2].op: expected one of get, list, …, found "lst" (did you mean "list"?)`.
/// A problem that is not a mismatch (a name declared twice) is stated in words instead.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong at the diagnostic's path.
    public enum Problem: Sendable, Hashable {
        /// The value there is not what the format allows: what it should be, what it is.
        case mismatch(expected: String, found: String)
        /// A problem stated in words, e.g. `regime 'degraded' is declared twice`.
        case stated(String)
    }

    /// The file, as the user named it; empty when the context names it (a record inside a
    /// trace line, a schema inside a scenario).
    public var file: String
    /// Where in the document the problem is; the root for the document itself.
    package var jsonPath: JSONPath
    /// What is wrong there.
    public var problem: Problem
    /// The name the author probably meant, as it would be written (`"list"`, `'row.status'`),
    /// or `nil`.
    public var suggestion: String?

    /// A value at `path` that is not what the format allows.
    package init(file: String = "", at path: JSONPath, expected: String, found: String, suggestion: String? = nil) {
        self.init(file: file, at: path, problem: .mismatch(expected: expected, found: found), suggestion: suggestion)
    }

    /// A problem at `path` stated in words.
    package init(file: String = "", at path: JSONPath, _ statement: String, suggestion: String? = nil) {
        self.init(file: file, at: path, problem: .stated(statement), suggestion: suggestion)
    }

    /// A diagnostic of its parts.
    package init(file: String, at path: JSONPath, problem: Problem, suggestion: String?) {
        self.file = file
        self.jsonPath = path
        self.problem = problem
        self.suggestion = suggestion
    }

    /// The JSON path in dotted form, e.g. `tools[2].effects[0].set.status`; empty for the
    /// document itself.
    public var path: String { JSONPath.Component.render(jsonPath.components, under: "") }

    /// What was expected there, for a mismatch.
    public var expected: String? {
        guard case .mismatch(let expected, _) = problem else { return nil }
        return expected
    }

    /// What was found there, for a mismatch.
    public var found: String? {
        guard case .mismatch(_, let found) = problem else { return nil }
        return found
    }

    /// What is wrong, with the suggestion: `expected X, found Y (did you mean Z?)`.
    public var message: String {
        var text: String
        switch problem {
        case .mismatch(let expected, let found): text = "expected \(expected), found \(found)"
        case .stated(let statement): text = statement
        }
        if let suggestion { text += " (did you mean \(suggestion)?)" }
        return text
    }

    /// `file: path: message`, leaving out what is empty. Control characters in the file name
    /// are escaped, so the message stays on one line.
    public var description: String { rendered(under: "") }

    /// The diagnostic with its path placed under `root` (a dotted path, which may be empty),
    /// for a document read inside a larger one: `tools[2].input` + `properties.x.minimum`.
    package func rendered(under root: String) -> String {
        let path = JSONPath.Component.render(jsonPath.components, under: root)
        var text = file.isEmpty ? "" : "\(file.printable): "
        if !path.isEmpty { text += "\(path): " }
        return text + message
    }

    /// A short description of `value` for the `found` part of a message: its type and, up to
    /// 40 characters, its canonical text (`string "200"`, `integer 7`, `null`).
    package static func describe(_ value: JSON) -> String {
        var text = value.canonicalText
        if text.count > 40 { text = String(text.prefix(37)) + "..." }
        switch value {
        case .null: return "null"
        default: return "\(value.typeName) \(text)"
        }
    }
}
