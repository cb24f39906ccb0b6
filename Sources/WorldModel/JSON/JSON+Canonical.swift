extension JSON {
    /// The canonical form: object keys sorted by their UTF-8 bytes, no insignificant
    /// whitespace, numbers as `JSONNumber.description`, strings escaped minimally and stably
    /// (`\"`, `\\`, `\b \f \n \r \t`, other control characters as `\u00XX`, everything else
    /// as UTF-8). Equal values always give identical bytes; hashes and traces rely on it.
    public var canonicalBytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        writeCanonical(into: &output)
        return output
    }

    /// The canonical form as a string; see `canonicalBytes`.
    public var canonicalText: String { String(decoding: canonicalBytes, as: UTF8.self) }

    /// Appends the canonical form to `output`.
    public func writeCanonical(into output: inout [UInt8]) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let number): number.write(into: &output)
        case .string(let string): Self.writeEscaped(string, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.writeCanonical(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, position) in object.sortedPositions.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeEscaped(object.keys[position], into: &output)
                output.append(UInt8(ascii: ":"))
                object.values[position].writeCanonical(into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Human-readable text: canonical key order, two-space indentation, one member per line.
    public var prettyText: String {
        var output: [UInt8] = []
        writePretty(into: &output, indent: 0)
        return String(decoding: output, as: UTF8.self)
    }

    private func writePretty(into output: inout [UInt8], indent: Int) {
        func newline(_ level: Int) {
            output.append(0x0A)
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
        }
        switch self {
        case .array(let elements) where !elements.isEmpty:
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                element.writePretty(into: &output, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            output.append(UInt8(ascii: "{"))
            for (index, position) in object.sortedPositions.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                Self.writeEscaped(object.keys[position], into: &output)
                output.append(contentsOf: ": ".utf8)
                object.values[position].writePretty(into: &output, indent: indent + 1)
            }
            newline(indent)
            output.append(UInt8(ascii: "}"))
        default:
            writeCanonical(into: &output)
        }
    }

    /// Appends `string` as a JSON string literal with canonical escaping.
    public static func writeEscaped(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                output.append(contentsOf: "\\u00".utf8)
                output.append(digits[Int(byte >> 4)])
                output.append(digits[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONNumber {
    /// Appends the number's JSON text to `output`.
    public func write(into output: inout [UInt8]) {
        switch self {
        case .integer(let value):
            if value >= 0 && value < 10 {
                output.append(UInt8(ascii: "0") + UInt8(value))
            } else {
                output.append(contentsOf: String(value).utf8)
            }
        default:
            output.append(contentsOf: description.utf8)
        }
    }
}

extension JSON: CustomStringConvertible {
    /// The canonical text.
    public var description: String { canonicalText }
}
