/// One step of a path into a JSON value: an object member or an array element.
///
/// Rendered the way people write it in code: `arguments.items[2].sku`, with keys that are
/// not identifier-like in bracket form, `arguments["first name"]`.
public enum JSONPathSegment: Sendable, Hashable {
    /// An object member.
    case key(String)
    /// An array element (0-based).
    case index(Int)

    /// Renders `segments` after `root` (which may be empty): `root.key[3]["odd key"]`.
    public static func render(_ segments: some Sequence<JSONPathSegment>, under root: String) -> String {
        var text = root
        for segment in segments { segment.append(to: &text) }
        return text
    }

    /// Appends this segment to a rendered path.
    public func append(to text: inout String) {
        switch self {
        case .index(let index):
            text += "[\(index)]"
        case .key(let key):
            if Self.isIdentifierLike(key) {
                if !text.isEmpty { text += "." }
                text += key
            } else {
                text += "["
                var bytes: [UInt8] = []
                JSON.writeEscaped(key, into: &bytes)
                text += String(decoding: bytes, as: UTF8.self)
                text += "]"
            }
        }
    }

    /// Whether `key` can be written after a dot: ASCII letters, digits, `_` and `$`, not
    /// starting with a digit.
    static func isIdentifierLike(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return key.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"):
                true
            default: false
            }
        }
    }
}
