/// The byte-level JSON parser behind `JSON(parsing:)`.
struct _JSONParser {
    let buffer: UnsafeBufferPointer<UInt8>
    let limits: JSONParseLimits
    var position = 0
    var depth = 0

    init(buffer: UnsafeBufferPointer<UInt8>, limits: JSONParseLimits) {
        self.buffer = buffer
        self.limits = limits
    }

    mutating func parseDocument() throws(JSONParseError) -> JSON {
        if buffer.count > limits.maximumBytes {
            throw error(expected: "a document of at most \(limits.maximumBytes) bytes", found: "\(buffer.count) bytes", at: 0)
        }
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if position < buffer.count {
            throw error(expected: "end of input", found: describe(at: position))
        }
        return value
    }

    // MARK: Values

    mutating func parseValue() throws(JSONParseError) -> JSON {
        guard position < buffer.count else { throw error(expected: "a value", found: "end of input") }
        switch buffer[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error(expected: "a value", found: describe(at: position))
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = position
        let count = literal.utf8CodeUnitCount
        let bytes = literal.utf8Start
        for offset in 0..<count {
            guard start + offset < buffer.count, buffer[start + offset] == bytes[offset] else {
                throw error(expected: "'\(literal)'", found: describe(at: start + offset), at: start + offset)
            }
        }
        position += count
    }

    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > limits.maximumDepth {
            throw error(expected: "nesting of at most \(limits.maximumDepth) levels", found: "a deeper value")
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSON {
        try enterContainer()
        position += 1
        var elements: [JSON] = []
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < buffer.count else { throw error(expected: "',' or ']'", found: "end of input") }
            let byte = buffer[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "]") { break }
            throw error(expected: "',' or ']'", found: describe(at: position - 1), at: position - 1)
        }
        depth -= 1
        return .array(elements)
    }

    mutating func parseObject() throws(JSONParseError) -> JSON {
        try enterContainer()
        position += 1
        var object = JSONObject()
        skipWhitespace()
        if position < buffer.count, buffer[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: "\"") else {
                throw error(expected: "a string key", found: describe(at: position))
            }
            let keyStart = position
            let key = try parseString()
            skipWhitespace()
            guard position < buffer.count, buffer[position] == UInt8(ascii: ":") else {
                throw error(expected: "':'", found: describe(at: position))
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            if !object.insertNew(key: key, value: value) {
                throw error(expected: "unique object keys", found: "a second \"\(key)\"", at: keyStart)
            }
            skipWhitespace()
            guard position < buffer.count else { throw error(expected: "',' or '}'", found: "end of input") }
            let byte = buffer[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "}") { break }
            throw error(expected: "',' or '}'", found: describe(at: position - 1), at: position - 1)
        }
        depth -= 1
        return .object(object)
    }

    // MARK: Strings

    mutating func parseString() throws(JSONParseError) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes, all bytes printable.
        while position < buffer.count {
            let byte = buffer[position]
            if byte == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: buffer[start..<position])
                position += 1
                return try decodeUTF8(slice, at: start)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            position += 1
        }
        var bytes = Array(buffer[start..<position])
        while true {
            guard position < buffer.count else { throw error(expected: "'\"' to close the string", found: "end of input") }
            let byte = buffer[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try bytes.withUnsafeBufferPointer { (slice) throws(JSONParseError) in try decodeUTF8(slice, at: start) }
            case UInt8(ascii: "\\"):
                try parseEscape(into: &bytes)
            case 0..<0x20:
                throw error(expected: "an escaped control character", found: "a raw control character (0x\(hex(byte)))")
            default:
                bytes.append(byte)
                position += 1
            }
        }
    }

    func decodeUTF8(_ slice: UnsafeBufferPointer<UInt8>, at start: Int) throws(JSONParseError) -> String {
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw error(expected: "valid UTF-8 text", found: "invalid UTF-8 bytes", at: start)
        }
        return text
    }

    mutating func parseEscape(into bytes: inout [UInt8]) throws(JSONParseError) {
        position += 1
        guard position < buffer.count else { throw error(expected: "an escape character", found: "end of input") }
        let byte = buffer[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            let escapeStart = position - 2
            var scalar = try parseHex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard position + 1 < buffer.count, buffer[position] == UInt8(ascii: "\\"), buffer[position + 1] == UInt8(ascii: "u") else {
                    throw error(expected: "a low surrogate escape after a high surrogate", found: "a lone surrogate", at: escapeStart)
                }
                position += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw error(expected: "a low surrogate escape after a high surrogate", found: "a lone surrogate", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw error(expected: "a high surrogate before a low surrogate", found: "a lone surrogate", at: escapeStart)
            }
            bytes.append(contentsOf: Unicode.Scalar(scalar).map { Array(String($0).utf8) } ?? [])
        default:
            throw error(expected: "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", found: "'\\\(Character(Unicode.Scalar(byte)))'", at: position - 2)
        }
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < buffer.count else { throw error(expected: "four hex digits", found: "end of input") }
            let byte = buffer[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error(expected: "four hex digits", found: describe(at: position))
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    // MARK: Numbers

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        var negative = false
        if buffer[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < buffer.count, isDigit(buffer[position]) else {
            throw error(expected: "a digit", found: describe(at: position))
        }
        var magnitude: UInt64 = 0
        var overflow = false
        if buffer[position] == UInt8(ascii: "0") {
            position += 1
            if position < buffer.count, isDigit(buffer[position]) {
                throw error(expected: "no leading zeros", found: describe(at: position))
            }
        } else {
            while position < buffer.count, isDigit(buffer[position]) {
                let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(UInt64(buffer[position] - UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                magnitude = sum
                position += 1
            }
        }
        var isInteger = true
        if position < buffer.count, buffer[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < buffer.count, isDigit(buffer[position]) else {
                throw error(expected: "a digit after '.'", found: describe(at: position))
            }
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        }
        if position < buffer.count, buffer[position] == UInt8(ascii: "e") || buffer[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < buffer.count, buffer[position] == UInt8(ascii: "+") || buffer[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < buffer.count, isDigit(buffer[position]) else {
                throw error(expected: "a digit in the exponent", found: describe(at: position))
            }
            while position < buffer.count, isDigit(buffer[position]) { position += 1 }
        }
        if isInteger {
            if !overflow {
                if negative, magnitude <= UInt64(Int64.max) + 1 {
                    return .integer(magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude))
                }
                if !negative, magnitude <= UInt64(Int64.max) { return .integer(Int64(magnitude)) }
            }
            return .bigInteger(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self))
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error(expected: "a number within Double's range", found: "\(text)", at: start)
        }
        return .double(value)
    }

    @inline(__always)
    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    // MARK: Whitespace and errors

    @inline(__always)
    mutating func skipWhitespace() {
        while position < buffer.count {
            switch buffer[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    func describe(at offset: Int) -> String {
        guard offset < buffer.count else { return "end of input" }
        let byte = buffer[offset]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(hex(byte))"
    }

    func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    func error(expected: String, found: String, at offset: Int? = nil) -> JSONParseError {
        let offset = min(offset ?? position, buffer.count)
        var line = 1
        var lineStart = 0
        for index in 0..<offset where buffer[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        let excerptStart = max(lineStart, offset - 20)
        var excerptEnd = offset
        while excerptEnd < buffer.count, excerptEnd < offset + 20, buffer[excerptEnd] != 0x0A { excerptEnd += 1 }
        let excerpt = String(decoding: UnsafeBufferPointer(rebasing: buffer[excerptStart..<excerptEnd]), as: UTF8.self)
            .map { $0.isASCII && ($0.asciiValue! < 0x20) ? " " : String($0) }.joined()
        return JSONParseError(
            line: line, column: offset - lineStart + 1, offset: offset,
            expected: expected, found: found, excerpt: excerpt)
    }
}
