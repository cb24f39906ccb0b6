import Foundation
import WorldModel

/// One parsed HTTP/1.1 request: method, target, headers (names lowercased, in order) and body.
struct _HTTPRequest {
    var method: String
    var target: String
    var version: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of header `name` (lowercase).
    func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The path of the target, without its query.
    var path: String {
        String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// Whether the connection stays open after the response (HTTP/1.1 default unless `close`).
    var keepsAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }
}

/// Why a request could not be read; each maps to a status code and a message for the client.
struct _HTTPRequestError: Error {
    var status: Int
    var message: String
}

/// Reads HTTP/1.1 requests from a byte buffer with limits on the head and the body. Malformed
/// input is an error with a status (400, 411, 413, 431, 501, 505), never a crash.
struct _HTTPRequestParser {
    /// The longest accepted request line plus headers, in bytes.
    var maxHeaderBytes: Int
    /// The longest accepted body, in bytes.
    var maxBodyBytes: Int
    private(set) var buffer: [UInt8] = []

    init(maxHeaderBytes: Int, maxBodyBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
    }

    mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// Whether unparsed bytes remain (a pipelined request, or part of one).
    var hasPendingBytes: Bool { !buffer.isEmpty }

    /// The next complete request, `nil` if more bytes are needed, or an error.
    mutating func next() throws(_HTTPRequestError) -> _HTTPRequest? {
        // Blank lines before a request line are allowed (RFC 9112 §2.2).
        while buffer.count >= 2, buffer[0] == 0x0D, buffer[1] == 0x0A { buffer.removeFirst(2) }
        guard let headEnd = Self.find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer) else {
            if buffer.count > maxHeaderBytes {
                throw _HTTPRequestError(
                    status: 431, message: "the request head exceeds the limit of \(maxHeaderBytes) bytes")
            }
            return nil
        }
        guard headEnd <= maxHeaderBytes else {
            throw _HTTPRequestError(
                status: 431, message: "the request head exceeds the limit of \(maxHeaderBytes) bytes")
        }
        let head = buffer[0..<headEnd]
        guard head.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) || $0 == 0x0D || $0 == 0x0A || $0 >= 0x80 })
        else {
            throw _HTTPRequestError(status: 400, message: "the request head holds control characters")
        }
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, !requestLine[0].isEmpty, !requestLine[1].isEmpty else {
            throw _HTTPRequestError(status: 400, message: "malformed request line")
        }
        let version = String(requestLine[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw _HTTPRequestError(
                status: 505, message: "only HTTP/1.1 and HTTP/1.0 are served, not \(version.prefix(20))")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw _HTTPRequestError(status: 400, message: "malformed header line (no colon)")
            }
            let name = line[..<colon]
            guard !name.isEmpty, !name.contains(" "), !name.contains("\t") else {
                throw _HTTPRequestError(status: 400, message: "malformed header name")
            }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])
            headers.append((name.lowercased(), value))
        }
        if let encoding = headers.first(where: { $0.name == "transfer-encoding" }) {
            throw _HTTPRequestError(
                status: 501,
                message: "Transfer-Encoding \(encoding.value.prefix(40)) is not supported: send Content-Length")
        }
        let lengths = headers.filter { $0.name == "content-length" }.map(\.value)
        var length = 0
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), !first.isEmpty,
                first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                first.count <= 18, let value = Int(first)
            else {
                throw _HTTPRequestError(status: 400, message: "malformed Content-Length")
            }
            length = value
        }
        guard length <= maxBodyBytes else {
            throw _HTTPRequestError(status: 413, message: "the body exceeds the limit of \(maxBodyBytes) bytes")
        }
        let bodyStart = headEnd + 4
        guard buffer.count >= bodyStart + length else { return nil }
        let request = _HTTPRequest(
            method: String(requestLine[0]), target: String(requestLine[1]), version: version, headers: headers,
            body: Array(buffer[bodyStart..<(bodyStart + length)]))
        buffer.removeFirst(bodyStart + length)
        return request
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index += 1
        }
        return nil
    }
}

/// An HTTP response as the server writes it.
struct _HTTPResponse {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    /// A plain-text response (errors for people and for clients that log them).
    static func text(_ status: Int, _ message: String, headers: [(String, String)] = []) -> _HTTPResponse {
        _HTTPResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers,
            body: Array((message + "\n").utf8))
    }

    /// A JSON response.
    static func json(_ status: Int, _ value: JSON, headers: [(String, String)] = []) -> _HTTPResponse {
        _HTTPResponse(
            status: status, headers: [("Content-Type", "application/json")] + headers, body: value.canonicalBytes)
    }

    /// The bytes on the wire, with `Content-Length` and `Connection`.
    func serialized(keepAlive: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n"
        head += "\r\n"
        return Array(head.utf8) + body
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 421: "Misdirected Request"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }
}
