import WorldModel

/// Why a file could not be read as recorded traffic: the file, the line (JSON Lines formats)
/// and the `Diagnostic` there (JSON path, what was expected, what was found).
///
/// `rec.jsonl: line 3: call.arguments: expected an object, found string "x"`;
/// `site.har: log.entries[2].request.url: expected a string, found missing`.
package struct TrafficReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line, for JSON Lines files.
    package var line: Int?
    /// The file, the JSON path inside the line or document, and what is wrong there.
    package var diagnostic: Diagnostic

    /// Creates an error; `member` is the dotted JSON path of the offending member, if any.
    package init(path: String, line: Int? = nil, member: String? = nil, expected: String, found: String) {
        self.line = line
        diagnostic = Diagnostic(
            file: path, at: JSONPath(rendered: member ?? ""), expected: expected, found: found)
    }

    /// The error of a record decoded at `line` of `path`.
    package init(path: String, line: Int?, _ error: RecordDecodingError) {
        self.line = line
        diagnostic = error
        diagnostic.file = path
    }

    /// The error of a trace that `Trace` could not read.
    package init(_ error: TraceReadError) {
        line = nil
        diagnostic = Diagnostic(file: error.path, at: .root, error.problem)
    }

    /// The file, as given.
    package var path: String { diagnostic.file }

    /// `file: line 3: call.arguments: expected an object, found string "x"`.
    package var description: String {
        guard let line else { return diagnostic.description }
        var located = diagnostic
        located.file = ""
        return "\(path.printable): line \(line): \(located)"
    }
}
