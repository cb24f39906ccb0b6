/// The answers of a tool of `op: recorded`: what the real system answered, keyed by the
/// canonical JSON of the arguments (sorted keys, the project's canonical encoder), and what to
/// answer for arguments never recorded.
///
/// `simrun learn` writes such tools for the calls no get, list, create, update or delete
/// explains; they answer what was seen rather than an invention. Loaded once into a dictionary
/// keyed by canonical argument bytes, so a lookup is one hash of the arguments' canonical text
/// and the answer never depends on dictionary order.
package struct RecordedAnswers: Sendable, Hashable {
    /// One recorded answer: its HTTP-like status and body (a string body is answered as plain
    /// text, as an MCP server's text content is; anything else as JSON).
    package struct Answer: Sendable, Hashable {
        /// The status (2xx for a success, 4xx/5xx for an error answer).
        package var status: Int
        /// The body as recorded.
        package var body: JSON

        /// Creates an answer.
        package init(status: Int, body: JSON) {
            self.status = status
            self.body = body
        }
    }

    /// The answers by the canonical text of their arguments.
    package private(set) var answers: [String: Answer]
    /// What arguments never recorded answer; nil for the 404 `not_recorded` error.
    package var fallback: Answer?

    /// Creates the table; `answers` pairs arguments with what they answered. When the same
    /// canonical arguments appear twice, the first answer is kept (the reader reports it).
    package init(answers: [(arguments: JSON, answer: Answer)], fallback: Answer?) {
        var table: [String: Answer] = [:]
        for (arguments, answer) in answers where table[Self.key(arguments)] == nil {
            table[Self.key(arguments)] = answer
        }
        self.answers = table
        self.fallback = fallback
    }

    /// The lookup key of `arguments`: their canonical JSON text.
    package static func key(_ arguments: JSON) -> String { arguments.canonicalText }

    /// The message of the 404 answered for arguments with no recorded answer and no default.
    package static let notRecordedMessage = "no recorded answer for these arguments"

    /// The headers of a text answer, so it renders as the text itself rather than a JSON string.
    private static let textHeaders = [ResponseHeader("Content-Type", "text/plain; charset=utf-8")]

    /// The response to a call with `arguments`.
    package func response(to arguments: JSON) -> Response {
        if let answer = answers[Self.key(arguments)] ?? fallback {
            // A recorded text (an MCP server's plain text content) is answered as that text.
            if case .string = answer.body {
                return Response(status: answer.status, body: answer.body, headers: Self.textHeaders)
            }
            return Response(status: answer.status, body: answer.body)
        }
        return .error(404, code: "not_recorded", message: Self.notRecordedMessage)
    }
}
