/// Numbers written as text, for `num(s)` and `calc(s)`: the decimal forms people and services
/// write (`12`, `-0.5`, `.5`, `5.`, `1e3`), read the way the expression lexer reads number
/// literals: an integer when there is neither a fraction nor an exponent and it fits in 64 bits,
/// else a float.
enum _NumberText {
    /// The number `text` spells, surrounding ASCII whitespace and a leading `+` or `-` allowed;
    /// `nil` when it is not exactly one number (`'12 apples'`, `'1e'`, `'nan'`, `''`).
    static func parse(_ text: String) -> JSONNumber? {
        let bytes = Array(text.utf8)
        var position = 0
        skipSpace(bytes, &position)
        var negative = false
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
            negative = bytes[position] == UInt8(ascii: "-")
            position += 1
        }
        guard let magnitude = unsignedNumber(bytes, &position, exponent: true) else { return nil }
        skipSpace(bytes, &position)
        guard position == bytes.count else { return nil }
        return negative ? negated(magnitude) : magnitude
    }

    /// Reads an unsigned decimal number at `position` (digits with an optional fraction, and an
    /// exponent when `exponent`), advancing past it; `nil` (position unchanged) when there is none.
    static func unsignedNumber(_ bytes: [UInt8], _ position: inout Int, exponent: Bool) -> JSONNumber? {
        let start = position
        var index = position
        func digits() -> Int {
            let first = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            return index - first
        }
        var count = digits()
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            count += digits()
        }
        guard count > 0 else { return nil }
        if exponent, index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            var ahead = index + 1
            if ahead < bytes.count, bytes[ahead] == UInt8(ascii: "+") || bytes[ahead] == UInt8(ascii: "-") {
                ahead += 1
            }
            index = ahead
            guard digits() > 0 else { return nil }
            isInteger = false
        }
        var text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int64(text) {
            position = index
            return .integer(value)
        }
        // Swift's parser wants a digit on both sides of the point: `.5` → `0.5`, `5.` → `5.0`.
        if text.hasPrefix(".") { text = "0" + text }
        text = text.replacingPointBeforeExponent()
        guard let value = Double(text), value.isFinite else { return nil }
        position = index
        return .double(value)
    }

    /// `-n`, exactly.
    static func negated(_ number: JSONNumber) -> JSONNumber {
        switch number {
        case .integer(let value): value == .min ? .double(-Double(value)) : .integer(-value)
        case .double(let value): .double(-value)
        case .bigInteger(let text): .bigInteger(text.hasPrefix("-") ? String(text.dropFirst()) : "-" + text)
        }
    }

    static func skipSpace(_ bytes: [UInt8], _ position: inout Int) {
        while position < bytes.count,
            bytes[position] == 0x20 || bytes[position] == 0x09 || bytes[position] == 0x0A || bytes[position] == 0x0D
        {
            position += 1
        }
    }
}

extension String {
    /// `5.` → `5.0` and `5.e3` → `5.0e3`: a digit after a decimal point that has none.
    fileprivate func replacingPointBeforeExponent() -> String {
        var bytes = Array(utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "."),
                index + 1 == bytes.count || bytes[index + 1] == UInt8(ascii: "e")
                    || bytes[index + 1] == UInt8(ascii: "E")
            {
                bytes.insert(UInt8(ascii: "0"), at: index + 1)
                break
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
