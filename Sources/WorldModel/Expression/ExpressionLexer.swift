/// Splits expression source text into tokens, each with its UTF-8 offset.
///
/// A character the language does not use is an error that says what the language offers
/// instead. Strings are single-quoted; inside them `\'` is a quote and `\\` a backslash (no other escapes).
/// Numbers are decimal: `12`, `0.5`, `1e3`, `2.5E-2`; a number with a fraction or exponent is a
/// double, one without is an integer (a double when it does not fit in `Int64`). A leading `-`
/// is the unary minus operator, not part of the number.
struct ExpressionLexer {
    private let bytes: [UInt8]
    private let source: String
    private var position = 0

    init(_ source: String) {
        self.source = source
        self.bytes = Array(source.utf8)
    }

    /// All tokens of the source, ending with `.end`.
    static func tokens(of source: String) throws(ExpressionCompileError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(source)
        var tokens: [ExpressionToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func error(_ message: String, at offset: Int, suggestion: String? = nil) -> ExpressionCompileError {
        ExpressionCompileError(source: source, offset: offset, message: message, suggestion: suggestion)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    mutating func next() throws(ExpressionCompileError) -> ExpressionToken {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
        let start = position
        guard let byte = peek() else { return ExpressionToken(kind: .end, offset: start) }
        func single(_ kind: ExpressionToken.Kind, length: Int = 1) -> ExpressionToken {
            position += length
            return ExpressionToken(kind: kind, offset: start)
        }
        switch byte {
        case UInt8(ascii: "("): return single(.leftParen)
        case UInt8(ascii: ")"): return single(.rightParen)
        case UInt8(ascii: "["): return single(.leftBracket)
        case UInt8(ascii: "]"): return single(.rightBracket)
        case UInt8(ascii: "{"): return single(.leftBrace)
        case UInt8(ascii: "}"): return single(.rightBrace)
        case UInt8(ascii: ":"): return single(.colon)
        case UInt8(ascii: "?"):
            if peek(1) == UInt8(ascii: "?") {
                throw error(
                    "unexpected '??': the language has no null-coalescing operator", at: start,
                    suggestion: "write 'x != null ? x : fallback'")
            }
            if peek(1) == UInt8(ascii: ".") {
                throw error(
                    "unexpected '?.': the language has no optional chaining", at: start,
                    suggestion: "member access is already null-safe: 'a.b' is null when 'a' is null")
            }
            return single(.question)
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "."): return single(.dot)
        case UInt8(ascii: "+"): return single(.plus)
        case UInt8(ascii: "-"): return peek(1) == UInt8(ascii: ">") ? single(.arrow, length: 2) : single(.minus)
        case UInt8(ascii: "*"): return single(.star)
        case UInt8(ascii: "/"): return single(.slash)
        case UInt8(ascii: "%"): return single(.percent)
        case UInt8(ascii: "!"): return peek(1) == UInt8(ascii: "=") ? single(.notEqual, length: 2) : single(.bang)
        case UInt8(ascii: "="):
            if peek(1) == UInt8(ascii: "=") { return single(.equal, length: 2) }
            if peek(1) == UInt8(ascii: ">") {
                throw error("unexpected '=>'", at: start, suggestion: "a lambda is written 'x -> body'")
            }
            throw error("unexpected '='", at: start, suggestion: "use '==' to compare")
        case UInt8(ascii: "<"): return peek(1) == UInt8(ascii: "=") ? single(.lessEqual, length: 2) : single(.less)
        case UInt8(ascii: ">"):
            return peek(1) == UInt8(ascii: "=") ? single(.greaterEqual, length: 2) : single(.greater)
        case UInt8(ascii: "&"):
            if peek(1) == UInt8(ascii: "&") { return single(.and, length: 2) }
            throw error("unexpected '&'", at: start, suggestion: "use '&&'")
        case UInt8(ascii: "|"):
            if peek(1) == UInt8(ascii: "|") { return single(.or, length: 2) }
            throw error("unexpected '|'", at: start, suggestion: "use '||'")
        case UInt8(ascii: "'"): return try string(start: start)
        case UInt8(ascii: "\""):
            throw error(
                "strings are written in single quotes", at: start, suggestion: "write 'text' instead of \"text\"")
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return try number(start: start)
        default:
            if Self.isIdentifierStart(byte) { return identifier(start: start) }
            let scalar = String(decoding: bytes[start...].prefix(4), as: UTF8.self).unicodeScalars.first
            let character = scalar.map { String(Character($0)) } ?? "?"
            throw error("unexpected character '\(character)'", at: start, suggestion: Self.instead(of: byte))
        }
    }

    /// What the language offers instead of a character it does not use.
    private static func instead(of byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: ";"):
            return "an expression is one value, not statements: join conditions with '&&', choose with "
                + "'c ? a : b', name values with the tool's 'let'"
        case UInt8(ascii: "#"): return "expressions have no comments"
        case UInt8(ascii: "`"): return "strings are written in single quotes: 'text'"
        case UInt8(ascii: "^"): return "there is no power operator; multiply, e.g. 'x * x'"
        case UInt8(ascii: "$"), UInt8(ascii: "@"):
            return "names are made of letters, digits and '_', e.g. 'args.x' or 'row.x'"
        default:
            return "the language has names, numbers, 'strings', [arrays], {key: value} objects, the operators "
                + "! * / % + - < <= > >= == != in && || and 'c ? a : b', and built-in function calls"
        }
    }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func identifier(start: Int) -> ExpressionToken {
        while let byte = peek(), Self.isIdentifierStart(byte) || Self.isDigit(byte) { position += 1 }
        let name = String(decoding: bytes[start..<position], as: UTF8.self)
        let kind: ExpressionToken.Kind
        switch name {
        case "true": kind = .keywordTrue
        case "false": kind = .keywordFalse
        case "null": kind = .keywordNull
        case "in": kind = .keywordIn
        default: kind = .identifier(name)
        }
        return ExpressionToken(kind: kind, offset: start)
    }

    private mutating func number(start: Int) throws(ExpressionCompileError) -> ExpressionToken {
        while let byte = peek(), Self.isDigit(byte) { position += 1 }
        var isDouble = false
        if peek() == UInt8(ascii: "."), let next = peek(1), Self.isDigit(next) {
            isDouble = true
            position += 1
            while let byte = peek(), Self.isDigit(byte) { position += 1 }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            guard let digit = peek(ahead), Self.isDigit(digit) else {
                throw error("malformed number: exponent needs digits", at: start)
            }
            isDouble = true
            position += ahead
            while let byte = peek(), Self.isDigit(byte) { position += 1 }
        }
        if let byte = peek(), Self.isIdentifierStart(byte) {
            throw error("malformed number: unexpected letter after digits", at: position)
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if !isDouble, let integer = Int64(text) {
            return ExpressionToken(kind: .number(.integer(integer)), offset: start)
        }
        guard let value = Double(text), value.isFinite else {
            throw error("number \(text) is out of range", at: start)
        }
        return ExpressionToken(kind: .number(.double(value)), offset: start)
    }

    private mutating func string(start: Int) throws(ExpressionCompileError) -> ExpressionToken {
        position += 1
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw error(
                    "unterminated string", at: start,
                    suggestion: "close it with '; write \\' for a quote inside a string")
            }
            position += 1
            if byte == UInt8(ascii: "'") { break }
            if byte == UInt8(ascii: "\\") {
                guard let escaped = peek(), escaped == UInt8(ascii: "'") || escaped == UInt8(ascii: "\\") else {
                    throw error(
                        "unknown escape in string", at: position - 1, suggestion: "only \\' and \\\\ are escapes")
                }
                position += 1
                text.append(escaped)
            } else {
                text.append(byte)
            }
        }
        return ExpressionToken(kind: .string(String(decoding: text, as: UTF8.self)), offset: start)
    }
}
