import WorldModel

/// Why a file could not be read as recorded traffic: the file, the line (JSON Lines formats)
/// or JSON path (HAR), what was expected there and what was found.
///
/// `rec.jsonl: line 3: call.arguments: expected an object, found string "x"`;
/// `site.har: log.entries[2].request.url: expected a string, found missing`.
package struct TrafficReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as given.
    package var path: String
    /// The 1-based line, for JSON Lines files.
    package var line: Int?
    /// The JSON path of the offending member, when there is one (`log.entries[2].time`).
    package var member: String?
    /// What was expected, in words.
    package var expected: String
    /// What was found, in words.
    package var found: String
    /// A whole message instead of expected/found, for problems another reader described
    /// (a trace's `TraceReadError`).
    package var message: String?

    /// Creates an error.
    package init(path: String, line: Int? = nil, member: String? = nil, expected: String, found: String) {
        self.path = path
        self.line = line
        self.member = member
        self.expected = expected
        self.found = found
    }

    /// The error of a record decoded at `line` of `path`.
    package init(path: String, line: Int?, _ error: RecordDecodingError) {
        self.init(path: path, line: line, member: error.path, expected: error.expected, found: error.found)
    }

    /// The error of a trace that `Trace` could not read.
    package init(_ error: TraceReadError) {
        self.init(path: error.path, expected: "", found: "")
        message = error.problem
    }

    /// `file: line 3: call.arguments: expected an object, found string "x"`.
    package var description: String {
        var text = path.printable + ": "
        if let message { return text + message }
        if let line { text += "line \(line): " }
        if let member, !member.isEmpty { text += member + ": " }
        return text + "expected \(expected), found \(found)"
    }
}
