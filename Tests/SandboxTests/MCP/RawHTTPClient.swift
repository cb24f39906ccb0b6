import Foundation
import WorldModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sends raw bytes to 127.0.0.1:PORT and reads the reply until the server closes the
/// connection: HTTP tests that need malformed requests cannot use a real client.
struct RawHTTPClient {
    var port: Int

    /// One parsed reply: status, headers (names lowercased) and body.
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]

        var json: JSON? { try? JSON(parsing: body) }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends `bytes` and returns everything the server wrote before closing. The blocking
    /// socket calls run on a thread of their own: blocking the concurrency pool's few threads
    /// would starve the server under test, which needs them.
    func exchange(_ bytes: [UInt8]) async throws -> [UInt8] {
        let port = port
        let outcome = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<[UInt8], Error>, Never>) in
            Thread.detachNewThread {
                continuation.resume(returning: Result { try RawHTTPClient(port: port).blockingExchange(bytes) })
            }
        }
        return try outcome.get()
    }

    private func blockingExchange(_ bytes: [UInt8]) throws -> [UInt8] {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ClientError(message: "socket failed") }
        defer { close(descriptor) }
        // Generous: under a loaded test run the server's tasks may wait long for a thread.
        var timeout = timeval(tv_sec: 600, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ClientError(message: "connect failed: \(errno)") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
            if written <= 0 { break }  // the server may refuse early and close
            offset += written
        }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            reply += buffer[0..<count]
        }
        return reply
    }

    /// Sends one request with `Connection: close` and parses the reply. `host` is the `Host`
    /// header (`127.0.0.1:PORT` by default; `nil` sends none).
    func request(
        _ method: String, path: String = "/mcp", headers: [(String, String)] = [], body: String = "",
        host: String? = ""
    ) async throws -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if let host { head += "Host: \(host.isEmpty ? "127.0.0.1:\(port)" : host)\r\n" }
        head += "Connection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.utf8.count)\r\n" }
        let replies = try Self.parse(await exchange(Array((head + "\r\n" + body).utf8)))
        guard let first = replies.first else { throw ClientError(message: "no reply") }
        return first
    }

    /// Splits bytes holding one or more responses (each with Content-Length).
    static func parse(_ bytes: [UInt8]) throws -> [Reply] {
        var replies: [Reply] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            guard let end = rest.indices.first(where: { rest[$0...].starts(with: [13, 10, 13, 10]) }) else {
                throw ClientError(message: "no end of head in \(String(decoding: rest, as: UTF8.self))")
            }
            let lines = String(decoding: rest[rest.startIndex..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let status = Int(lines[0].split(separator: " ")[1]) ?? 0
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                    in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            let bodyStart = end + 4
            replies.append(Reply(status: status, headers: headers, body: Array(rest[bodyStart..<(bodyStart + length)])))
            rest = rest[(bodyStart + length)...]
        }
        return replies
    }

    struct ClientError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
