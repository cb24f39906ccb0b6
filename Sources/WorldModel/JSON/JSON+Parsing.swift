/// Limits that keep a hostile or broken document from exhausting the parser.
public struct JSONParseLimits: Sendable, Hashable {
    /// The deepest nesting of arrays and objects accepted.
    public var maximumDepth: Int
    /// The largest document accepted, in bytes.
    public var maximumBytes: Int

    /// Creates limits.
    public init(maximumDepth: Int = 512, maximumBytes: Int = 256 << 20) {
        self.maximumDepth = maximumDepth
        self.maximumBytes = maximumBytes
    }

    /// 512 levels, 256 MiB.
    public static let `default` = JSONParseLimits()
}

/// Why a document is not valid JSON, and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line of the offending byte.
    public var line: Int
    /// 1-based column (in bytes) of the offending byte.
    public var column: Int
    /// 0-based byte offset of the offending byte.
    public var offset: Int
    /// What the parser expected there, e.g. `a value` or `',' or ']'`.
    public var expected: String
    /// What it found, e.g. `'}'` or `end of input`.
    public var found: String
    /// The text around the offending byte, on one line.
    public var excerpt: String

    /// `line 3, column 14: expected ',' or '}', found ']' near "a": 1]`.
    public var description: String {
        "line \(line), column \(column): expected \(expected), found \(found)"
            + (excerpt.isEmpty ? "" : " near \"\(excerpt)\"")
    }
}

extension JSON {
    /// Parses a complete JSON document (RFC 8259, strictly: no trailing commas, comments,
    /// leading zeros, control characters in strings, invalid escapes, lone surrogates,
    /// duplicate object keys, invalid UTF-8, or anything after the value), within `limits`.
    /// Integers in `Int64` range become `.integer`, larger ones `.bigInteger` with their exact
    /// text; other numbers become correctly rounded `.double`s (out-of-range ones are errors).
    public init(parsing bytes: some Collection<UInt8>, limits: JSONParseLimits = .default) throws(JSONParseError) {
        let result: ParseResult =
            bytes.withContiguousStorageIfAvailable { buffer in
                Self.parse(buffer, limits: limits)
            } ?? Array(bytes).withUnsafeBufferPointer { Self.parse($0, limits: limits) }
        self = try result.get()
    }

    /// Parses a complete JSON document from text; see `init(parsing:limits:)`.
    public init(parsing text: String, limits: JSONParseLimits = .default) throws(JSONParseError) {
        var text = text
        let result: ParseResult = text.withUTF8 { Self.parse($0, limits: limits) }
        self = try result.get()
    }

    private typealias ParseResult = Result<JSON, JSONParseError>

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, limits: JSONParseLimits) -> ParseResult {
        guard let base = buffer.baseAddress else {
            // An empty buffer may have no address; parse an empty document from a stand-in.
            let standIn: UInt8 = 0
            return withUnsafePointer(to: standIn) { parse(bytes: $0, count: 0, limits: limits) }
        }
        return parse(bytes: base, count: buffer.count, limits: limits)
    }

    private static func parse(bytes: UnsafePointer<UInt8>, count: Int, limits: JSONParseLimits) -> ParseResult {
        var parser = _JSONParser(bytes: bytes, count: count, limits: limits)
        do throws(JSONParseError) {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}
