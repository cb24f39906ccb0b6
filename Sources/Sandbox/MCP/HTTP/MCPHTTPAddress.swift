/// Where `simrun serve --http [HOST:]PORT` listens: 127.0.0.1 unless a host is given.
public struct MCPHTTPAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host to bind: an IPv4 or IPv6 address or a name (`localhost`); default `127.0.0.1`.
    public var host: String
    /// The TCP port; 0 lets the system choose one (see `MCPHTTPServer.port`).
    public var port: Int

    /// The MCP endpoint's path: every request goes to `/mcp`.
    public static let endpointPath = "/mcp"

    /// An address; the host defaults to the loopback address, never to every interface.
    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `PORT`, `HOST:PORT` or `[IPV6]:PORT`; `nil` when the text is none of these or the
    /// port is not in 0...65535.
    public init?(parsing text: String) {
        var host = "127.0.0.1"
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCII),
            let port = Int(portText), (0...65_535).contains(port)
        else { return nil }
        self.init(host: host, port: port)
    }

    /// Whether the host is a loopback address or `localhost` (`127.0.0.0/8`, `::1`): only this
    /// machine can connect, so only a browser page here could be turned against the server,
    /// through DNS rebinding; `MCPHTTPServer` then checks every request's `Host`.
    public var isLoopback: Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127"
            && parts.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }
    }

    /// Whether `Host: value` names this machine's loopback interface: `localhost`, `127.0.0.1`
    /// or `[::1]`, with or without a port (any case). A server bound to a loopback address
    /// refuses every other `Host` (421): a page on another site that rebinds its DNS name to
    /// 127.0.0.1 reaches the port, but sends its own name.
    public static func isLoopbackHost(_ value: String) -> Bool {
        var rest = Substring(value.lowercased())
        let name: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return false }
            name = rest[...close]
            rest = rest[rest.index(after: close)...]
        } else {
            name = rest.prefix { $0 != ":" }
            rest = rest.dropFirst(name.count)
        }
        guard
            rest.isEmpty
                || (rest.hasPrefix(":") && rest.count > 1 && rest.count <= 6 && rest.dropFirst().allSatisfy(\.isASCII)
                    && rest.dropFirst().allSatisfy(\.isNumber))
        else { return false }
        return name == "localhost" || name == "127.0.0.1" || name == "[::1]"
    }

    /// `HOST:PORT`, with an IPv6 host in brackets.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The endpoint URL clients connect to, e.g. `http://127.0.0.1:8765/mcp`. A wildcard host
    /// (`0.0.0.0`, `::`) is written as the loopback address, which reaches it from this machine.
    public var url: String {
        let reachable =
            switch host {
            case "0.0.0.0", "": "127.0.0.1"
            case "::": "::1"
            default: host
            }
        let shown = reachable.contains(":") ? "[\(reachable)]" : reachable
        return "http://\(shown):\(port)\(Self.endpointPath)"
    }
}
