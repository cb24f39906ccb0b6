import WorldModel

/// The tool of every request of an HTTP archive: its method and path template.
///
/// A path segment whose value looks like an id (digits, a UUID, long hex, or letters mixed with
/// digits such as `T-7031`) and varies among requests of the same method and otherwise equal
/// path becomes a parameter: `/orders/17` and `/orders/18` are both `GET /orders/{id}`. A
/// template with several parameters names each after the segment before it (`{order_id}`);
/// a single one is `{id}`. Segments that never vary stay literal (`/v1/orders/{id}`), and so do
/// words that vary (`/users/alice` and `/users/bob` are two tools).
package struct HARPathTemplates: Sendable {
    /// One request's tool.
    package struct Template: Sendable, Hashable {
        /// `GET /orders/{id}`.
        package var name: String
        /// `/orders/{id}`.
        package var path: String
        /// The path parameters' names and values, in path order (digit strings without a
        /// leading zero as integers).
        package var parameters: [(String, JSON)]

        package static func == (lhs: Template, rhs: Template) -> Bool {
            lhs.name == rhs.name && lhs.path == rhs.path && lhs.parameters.map(\.0) == rhs.parameters.map(\.0)
                && lhs.parameters.map(\.1) == rhs.parameters.map(\.1)
        }

        package func hash(into hasher: inout Hasher) {
            hasher.combine(name)
            hasher.combine(path)
        }
    }

    /// The template of each request, in the order given.
    package var templates: [Template]

    /// Finds the templates of `requests` (service, method, decoded path segments).
    package init(_ requests: [(service: String, method: String, segments: [String])]) {
        // Group by service, method and the path with id-like segments as wildcards.
        func groupKey(_ request: (service: String, method: String, segments: [String])) -> String {
            ([request.service, request.method] + request.segments.map { Self.isIDLike($0) ? "\u{0}*" : $0 })
                .joined(separator: "\u{1}")
        }
        var distinct: [String: [Int: Set<String>]] = [:]
        for request in requests {
            let key = groupKey(request)
            for (position, segment) in request.segments.enumerated() where Self.isIDLike(segment) {
                distinct[key, default: [:]][position, default: []].insert(segment)
            }
        }
        templates = requests.map { request in
            let varying = distinct[groupKey(request)] ?? [:]
            let positions = request.segments.indices.filter { (varying[$0]?.count ?? 0) > 1 }
            var names: [String] = []
            for position in positions {
                var name = "id"
                if positions.count > 1 {
                    let previous = position > 0 ? request.segments[position - 1] : ""
                    name =
                        previous.isEmpty || Self.isIDLike(previous) || positions.contains(position - 1)
                        ? "p\(position + 1)" : Self.singular(previous) + "_id"
                }
                while names.contains(name) { name += "_" }
                names.append(name)
            }
            var path = ""
            var parameters: [(String, JSON)] = []
            for (position, segment) in request.segments.enumerated() {
                if let slot = positions.firstIndex(of: position) {
                    path += "/{\(names[slot])}"
                    parameters.append((names[slot], Self.value(segment)))
                } else {
                    path += "/" + segment
                }
            }
            if path.isEmpty { path = "/" }
            return Template(name: "\(request.method) \(path)", path: path, parameters: parameters)
        }
    }

    /// Whether a path segment looks like an identifier rather than a word.
    package static func isIDLike(_ segment: String) -> Bool {
        let bytes = Array(segment.utf8)
        guard !bytes.isEmpty else { return false }
        let digits = bytes.filter { (0x30...0x39).contains($0) }.count
        if digits == bytes.count { return true }
        let isHex = bytes.allSatisfy {
            (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0)
        }
        if isHex, bytes.count >= 8, digits > 0 { return true }
        let isUUIDLike = bytes.count == 36 && bytes.allSatisfy { $0 == 0x2D || isHexByte($0) }
        if isUUIDLike { return true }
        let isToken = bytes.allSatisfy {
            isHexByte($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D || $0 == 0x5F
        }
        return isToken && bytes.count >= 3 && digits > 0
    }

    private static func isHexByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte) || (0x41...0x46).contains(byte)
    }

    /// `orders` → `order`, `categories` → `category`; other words unchanged.
    private static func singular(_ word: String) -> String {
        let lower = word.lowercased().replacingOccurrences(of: "-", with: "_")
        if lower.hasSuffix("ies"), lower.count > 3 { return String(lower.dropLast(3)) + "y" }
        if lower.hasSuffix("s"), !lower.hasSuffix("ss"), lower.count > 1 { return String(lower.dropLast()) }
        return lower
    }

    /// A path segment as an argument: an integer when it is digits without a leading zero.
    private static func value(_ segment: String) -> JSON {
        if let first = segment.utf8.first, first != 0x30 || segment.count == 1,
            segment.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let number = Int64(segment)
        {
            return .int(number)
        }
        return .string(segment)
    }
}
