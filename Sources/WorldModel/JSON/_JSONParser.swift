/// The byte-level JSON parser behind `JSON(parsing:)`.
///
/// Reads through an unchecked pointer: every read is preceded by an explicit `position < count`
/// test, so the buffer is never overrun, without paying for a second bounds check per byte.
struct _JSONParser {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    let limits: JSONParseLimits
    var position = 0
    var depth = 0
    /// Scratch stacks shared by all containers being parsed: elements and members are
    /// collected here and copied once into an exactly sized array when the container closes,
    /// instead of growing a fresh array per container.
    var valueStack: [JSON] = []
    var keyStack: [String] = []
    /// Per nesting depth, the keys of the object that last closed there: the next object at
    /// that depth with the same keys (the rows of a collection) shares the array instead of
    /// allocating its own, which halves a large data file's memory per row.
    var recentKeys: [[String]] = []

    init(bytes: UnsafePointer<UInt8>, count: Int, limits: JSONParseLimits) {
        self.bytes = bytes
        self.count = count
        self.limits = limits
    }

    mutating func parseDocument() throws(JSONParseError) -> JSON {
        if count > limits.maximumBytes {
            throw error(
                expected: "a document of at most \(limits.maximumBytes) bytes", found: "\(count) bytes", at: 0)
        }
        if count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw error(expected: "a value", found: "a UTF-8 byte order mark", at: 0)
        }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < count {
            throw error(expected: "end of input", found: describe(at: position))
        }
        return value
    }

    // MARK: Values

    mutating func parseValue() throws(JSONParseError) -> JSON {
        guard position < count else { throw error(expected: "a value", found: "end of input") }
        switch bytes[position] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default: throw error(expected: "a value", found: describe(at: position))
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = position
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for offset in 0..<length {
            guard start + offset < count, bytes[start + offset] == expected[offset] else {
                throw error(expected: "'\(literal)'", found: describe(at: start + offset), at: start + offset)
            }
        }
        position += length
    }

    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > limits.maximumDepth {
            throw error(
                expected: "nesting of at most \(limits.maximumDepth) levels",
                found: "a value nested \(depth) levels deep")
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSON {
        try enterContainer()
        position += 1
        skipWhitespace()
        if position < count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array([])
        }
        let base = valueStack.count
        while true {
            skipWhitespace()
            if position < count, bytes[position] == UInt8(ascii: "]") {
                throw error(expected: "a value (trailing commas are not allowed)", found: "']'")
            }
            let value = try parseValue()
            valueStack.append(value)
            skipWhitespace()
            guard position < count else { throw error(expected: "',' or ']'", found: "end of input") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "]") { break }
            throw error(expected: "',' or ']'", found: describe(at: position - 1), at: position - 1)
        }
        let elements = Array(valueStack[base...])
        valueStack.removeSubrange(base...)
        depth -= 1
        return .array(elements)
    }

    mutating func parseObject() throws(JSONParseError) -> JSON {
        try enterContainer()
        position += 1
        skipWhitespace()
        if position < count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(JSONObject())
        }
        let base = keyStack.count
        // Duplicate detection: linear over this object's keys while it is small, hashed after.
        var seen: Set<_JSONKey>? = nil
        while true {
            skipWhitespace()
            guard position < count, bytes[position] == UInt8(ascii: "\"") else {
                if position < count, bytes[position] == UInt8(ascii: "}") {
                    throw error(expected: "a string key (trailing commas are not allowed)", found: "'}'")
                }
                throw error(expected: "a string key", found: describe(at: position))
            }
            let keyStart = position
            let key = try parseString()
            let isDuplicate: Bool
            if seen != nil {
                isDuplicate = seen?.insert(_JSONKey(key)).inserted == false
            } else {
                var found = false
                var index = base
                while index < keyStack.count {
                    if keyStack[index] == key && _JSONKey.sameBytes(keyStack[index], key) {
                        found = true
                        break
                    }
                    index += 1
                }
                isDuplicate = found
                if !found, keyStack.count - base >= JSONObject.indexThreshold {
                    seen = Set(keyStack[base...].map(_JSONKey.init))
                    seen?.insert(_JSONKey(key))
                }
            }
            if isDuplicate {
                throw error(
                    expected: "unique object keys", found: "a second \(JSON.string(key).canonicalText)", at: keyStart)
            }
            skipWhitespace()
            guard position < count, bytes[position] == UInt8(ascii: ":") else {
                throw error(expected: "':'", found: describe(at: position))
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            keyStack.append(key)
            valueStack.append(value)
            skipWhitespace()
            guard position < count else { throw error(expected: "',' or '}'", found: "end of input") }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "}") { break }
            throw error(expected: "',' or '}'", found: describe(at: position - 1), at: position - 1)
        }
        let valueBase = valueStack.count - (keyStack.count - base)
        let object = JSONObject(uniqueKeys: sharedKeys(keyStack[base...]), values: Array(valueStack[valueBase...]))
        keyStack.removeSubrange(base...)
        valueStack.removeSubrange(valueBase...)
        depth -= 1
        return .object(object)
    }

    /// `keys` as an array: the one of the last object closed at this depth when its keys have
    /// the same bytes in the same order, otherwise a new one, remembered for the next object.
    mutating func sharedKeys(_ keys: ArraySlice<String>) -> [String] {
        while recentKeys.count < depth { recentKeys.append([]) }
        let slot = depth - 1
        let recent = recentKeys[slot]
        if recent.count == keys.count, zip(recent, keys).allSatisfy({ _JSONKey.sameBytes($0, $1) }) {
            return recent
        }
        let fresh = Array(keys)
        recentKeys[slot] = fresh
        return fresh
    }

    // MARK: Strings

    mutating func parseString() throws(JSONParseError) -> String {
        let quote = position
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes; ASCII needs no validation beyond the control-character test.
        var nonASCII: UInt8 = 0
        while position < count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(start: bytes + start, count: position - start)
                position += 1
                if nonASCII & 0x80 == 0 { return String(decoding: slice, as: UTF8.self) }
                return try decodeUTF8(slice, at: start)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            nonASCII |= byte
            position += 1
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(position - start + 16)
        buffer.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: position - start))
        var rawStart = start  // raw bytes not yet validated begin here
        while true {
            guard position < count else {
                throw error(expected: "'\"' to close the string that starts here", found: "end of input", at: quote)
            }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                try validateUTF8(from: rawStart, to: position)
                position += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try validateUTF8(from: rawStart, to: position)
                try parseEscape(into: &buffer)
                rawStart = position
            case 0..<0x20:
                throw error(
                    expected: "an escaped control character (e.g. \\n or \\u00\(hex(byte)))",
                    found: "a raw control character (byte 0x\(hex(byte)))")
            default:
                buffer.append(byte)
                position += 1
            }
        }
    }

    /// Decodes a slice known to contain no quotes, backslashes or control bytes.
    func decodeUTF8(_ slice: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONParseError) -> String {
        if let text = String(validating: slice, as: UTF8.self) { return text }
        try validateUTF8(from: start, to: start + slice.count)
        return String(decoding: slice, as: UTF8.self)
    }

    /// Throws at the first byte of `bytes[from..<to]` that is not part of well-formed UTF-8
    /// (overlong forms, surrogates and code points above U+10FFFF included).
    func validateUTF8(from: Int, to end: Int) throws(JSONParseError) {
        var index = from
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            var length = 0
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default:
                throw error(expected: "valid UTF-8 text", found: "invalid UTF-8 byte 0x\(hex(lead))", at: index)
            }
            for continuation in 1..<length {
                let at = index + continuation
                guard at < end else {
                    throw error(expected: "valid UTF-8 text", found: "a truncated UTF-8 sequence", at: index)
                }
                let byte = bytes[at]
                let (low, high) = continuation == 1 ? (lower, upper) : (0x80, 0xBF)
                guard byte >= low, byte <= high else {
                    throw error(expected: "valid UTF-8 text", found: "invalid UTF-8 byte 0x\(hex(byte))", at: at)
                }
            }
            index += length
        }
    }

    mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = position
        position += 1
        guard position < count else { throw error(expected: "an escape character", found: "end of input") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard position + 1 < count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else {
                    throw error(
                        expected: "a low surrogate escape (\\uDC00-\\uDFFF) after a high surrogate",
                        found: "a lone high surrogate", at: escapeStart)
                }
                position += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw error(
                        expected: "a low surrogate escape (\\uDC00-\\uDFFF) after a high surrogate",
                        found: "a lone high surrogate", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error(
                    expected: "a high surrogate escape before a low surrogate", found: "a lone low surrogate",
                    at: escapeStart)
            }
            Self.appendUTF8(scalar, to: &buffer)
        default:
            throw error(
                expected: #"a valid escape (\" \\ \/ \b \f \n \r \t \uXXXX)"#,
                found: "'\\' followed by \(describe(at: position - 1))",
                at: escapeStart)
        }
    }

    /// Appends the UTF-8 encoding of a scalar value known to be valid (not a surrogate).
    static func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
        switch scalar {
        case ..<0x80:
            buffer.append(UInt8(scalar))
        case ..<0x800:
            buffer.append(UInt8(0xC0 | scalar >> 6))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            buffer.append(UInt8(0xE0 | scalar >> 12))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        default:
            buffer.append(UInt8(0xF0 | scalar >> 18))
            buffer.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            buffer.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < count else { throw error(expected: "four hex digits after \\u", found: "end of input") }
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error(expected: "four hex digits after \\u", found: describe(at: position))
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    // MARK: Numbers

    /// Exact powers of ten representable as `Double` (Clinger's fast path).
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < count, isDigit(bytes[position]) else {
            throw error(expected: "a digit", found: describe(at: position))
        }
        // Significand digits accumulated exactly while they fit; `significantDigits` counts
        // digits after the first non-zero one so overflow is detected without a multiply check.
        var magnitude: UInt64 = 0
        var significantDigits = 0
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < count, isDigit(bytes[position]) {
                throw error(expected: "no leading zeros", found: describe(at: position))
            }
        } else {
            while position < count, isDigit(bytes[position]) {
                if significantDigits < 19 {
                    magnitude = magnitude &* 10 &+ UInt64(bytes[position] &- UInt8(ascii: "0"))
                }
                significantDigits += 1
                position += 1
            }
        }
        var isInteger = true
        var fractionDigits = 0
        if position < count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < count, isDigit(bytes[position]) else {
                throw error(expected: "a digit after '.'", found: describe(at: position))
            }
            while position < count, isDigit(bytes[position]) {
                if significantDigits < 19 {
                    magnitude = magnitude &* 10 &+ UInt64(bytes[position] &- UInt8(ascii: "0"))
                    fractionDigits += 1
                    if magnitude != 0 { significantDigits += 1 }
                } else {
                    significantDigits += 1
                }
                position += 1
            }
        }
        var exponent = 0
        var exponentOverflow = false
        if position < count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            var negativeExponent = false
            if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                negativeExponent = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            guard position < count, isDigit(bytes[position]) else {
                throw error(expected: "a digit in the exponent", found: describe(at: position))
            }
            while position < count, isDigit(bytes[position]) {
                if exponent < 100_000 {
                    exponent = exponent * 10 + Int(bytes[position] &- UInt8(ascii: "0"))
                } else {
                    exponentOverflow = true
                }
                position += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        if isInteger {
            if significantDigits <= 19 {
                if negative, magnitude <= UInt64(Int64.max) + 1 {
                    return .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude))
                }
                if !negative, magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
            }
            return .bigInteger(
                String(decoding: UnsafeBufferPointer(start: bytes + start, count: position - start), as: UTF8.self))
        }
        // Clinger's fast path: an exact significand below 2^53 and an exact power of ten give a
        // correctly rounded result with one IEEE operation.
        let scale = exponent - fractionDigits
        if significantDigits <= 19, !exponentOverflow, magnitude <= 1 << 53, scale >= -22, scale <= 22 {
            var value = Double(magnitude)
            value = scale < 0 ? value / Self.powersOfTen[-scale] : value * Self.powersOfTen[scale]
            return .double(negative ? -value : value)
        }
        let text = String(decoding: UnsafeBufferPointer(start: bytes + start, count: position - start), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error(expected: "a number within the range of a 64-bit float", found: text, at: start)
        }
        return .double(value)
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    // MARK: Whitespace and errors

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func describe(at offset: Int) -> String {
        guard offset < count else { return "end of input" }
        let byte = bytes[offset]
        switch byte {
        case UInt8(ascii: "'"): return "\"'\""
        case 0x20..<0x7F: return "'\(Character(Unicode.Scalar(byte)))'"
        default: return "byte 0x\(hex(byte))"
        }
    }

    func hex(_ byte: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    /// An error at `offset` (default: the current position), with its line, column and an
    /// excerpt of up to 20 bytes either side on the same line (control bytes shown as spaces).
    func error(expected: String, found: String, at offset: Int? = nil) -> JSONParseError {
        let offset = min(offset ?? position, count)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        var excerptStart = max(lineStart, offset - 20)
        // Do not start the excerpt inside a multi-byte UTF-8 sequence.
        while excerptStart < offset, bytes[excerptStart] & 0xC0 == 0x80 { excerptStart += 1 }
        var excerptEnd = offset
        while excerptEnd < count, excerptEnd < offset + 20, bytes[excerptEnd] != 0x0A { excerptEnd += 1 }
        let excerpt = String(
            decoding: UnsafeBufferPointer(start: bytes + excerptStart, count: excerptEnd - excerptStart),
            as: UTF8.self
        ).unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : String($0) }.joined()
        return JSONParseError(
            line: line, column: offset - lineStart + 1, offset: offset,
            expected: expected, found: found, excerpt: excerpt)
    }
}
