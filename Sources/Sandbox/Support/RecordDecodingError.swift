import WorldModel

/// Why a JSON document is not a valid simrun record (a verdict, a trace line, a scorecard entry):
/// a `Diagnostic` whose path names the offending member from the record's root
/// (`checks[2].kind`), e.g. `step.status: expected an integer, found string "200"`.
package typealias RecordDecodingError = Diagnostic

extension Diagnostic {
    /// A record member at the dotted `path` (`step.headers[0]`) that is not what the record
    /// format allows.
    package init(path: String, expected: String, found: String) {
        self.init(at: JSONPath(rendered: path), expected: expected, found: found)
    }
}
