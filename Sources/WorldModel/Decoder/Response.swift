/// A service's answer before rendering: status, JSON body, headers.
///
/// The transition produces it; the decoder applies response faults to it and renders it as an
/// `Observation`.
package struct Response: Sendable, Hashable {
    /// The HTTP-like status code.
    package var status: Int
    /// The body as JSON.
    package var body: JSON
    /// Extra headers (name, value), in order; `Content-Type` is added when rendering.
    package var headers: [ResponseHeader]

    /// Creates a response.
    package init(status: Int, body: JSON, headers: [ResponseHeader] = []) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// An error response `{"error": {"code": …, "message": …}}`.
    package static func error(
        _ status: Int, code: String, message: String, headers: [ResponseHeader] = [], details: [String] = []
    ) -> Response {
        var error: JSONObject = ["code": .string(code), "message": .string(message)]
        if !details.isEmpty { error["details"] = .array(details.map(JSON.string)) }
        return Response(status: status, body: ["error": .object(error)], headers: headers)
    }

    /// The conventional error code for a status: 404 `not_found`, 409 `conflict`, and so on.
    package static func errorCode(for status: Int) -> String {
        switch status {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 409: "conflict"
        case 422: "unprocessable"
        case 429: "rate_limited"
        case 502: "bad_gateway"
        case 503: "unavailable"
        case 504: "timeout"
        case 500..<600: "server_error"
        default: "error"
        }
    }

    /// Whether the status is 2xx.
    package var isSuccess: Bool { (200..<300).contains(status) }

    var json: JSON {
        [
            "status": .int(status), "body": body,
            "headers": .array(headers.map { [.string($0.name), .string($0.value)] }),
        ]
    }
}

/// One response header.
public struct ResponseHeader: Sendable, Hashable {
    /// The header name, e.g. `Retry-After`.
    public var name: String
    /// The header value.
    public var value: String

    /// Creates a header.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
