extension JSON {
    /// The canonical form: object keys sorted by their UTF-8 bytes, no insignificant
    /// whitespace, numbers as `JSONNumber.description`, strings escaped minimally and stably
    /// (`\"`, `\\`, `\b \f \n \r \t`, other control characters as `\u00XX`, everything else
    /// as UTF-8). Equal values always give identical bytes; hashes and traces rely on it.
    public var canonicalBytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024)
        writeCanonical(into: &output)
        return output
    }

    /// The canonical form as a string; see `canonicalBytes`.
    public var canonicalText: String { String(decoding: canonicalBytes, as: UTF8.self) }

    /// Appends the canonical form to `output`.
    package func writeCanonical(into output: inout [UInt8]) {
        switch self {
        case .null: Self.append("null", to: &output)
        case .bool(let value): Self.append(value ? "true" : "false", to: &output)
        case .number(let number): number.write(into: &output)
        case .string(let string): Self.writeEscaped(string, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                element.writeCanonical(into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let keys = object.keys
            let values = object.values
            if object.keysAreSorted {
                for position in keys.indices {
                    if position > 0 { output.append(UInt8(ascii: ",")) }
                    Self.writeEscaped(keys[position], into: &output)
                    output.append(UInt8(ascii: ":"))
                    values[position].writeCanonical(into: &output)
                }
            } else if keys.count <= 32 {
                // Small objects (rows, error bodies): insertion-sort positions on the stack.
                withUnsafeTemporaryAllocation(of: Int.self, capacity: keys.count) { order in
                    for position in 0..<keys.count {
                        var slot = position
                        while slot > 0, _JSONKey.precedes(keys[position], keys[order[slot - 1]]) {
                            order[slot] = order[slot - 1]
                            slot -= 1
                        }
                        order[slot] = position
                    }
                    for index in 0..<keys.count {
                        if index > 0 { output.append(UInt8(ascii: ",")) }
                        Self.writeEscaped(keys[order[index]], into: &output)
                        output.append(UInt8(ascii: ":"))
                        values[order[index]].writeCanonical(into: &output)
                    }
                }
            } else {
                for (index, position) in object.sortedPositions.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    Self.writeEscaped(keys[position], into: &output)
                    output.append(UInt8(ascii: ":"))
                    values[position].writeCanonical(into: &output)
                }
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends the UTF-8 bytes of `literal` (JSON punctuation and keys known at compile time).
    @inline(__always)
    package static func append(_ literal: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
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
    package static func writeEscaped(_ string: String, into output: inout [UInt8]) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { writeEscaped($0, into: &output) }
        if done == nil { Array(string.utf8).withUnsafeBufferPointer { writeEscaped($0, into: &output) } }
    }

    /// Appends the UTF-8 text `bytes` as a JSON string literal with canonical escaping.
    ///
    /// Two passes, so that the output grows once per string instead of once per run of plain
    /// bytes: the first counts the bytes the escapes add (none, for most strings, which are then
    /// copied in one go), the second writes the escaped text into the grown array.
    private static func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        var added = 0
        for byte in bytes { added &+= escapeLength(byte) }
        output.append(UInt8(ascii: "\""))
        if added == 0 {
            output.append(contentsOf: bytes)
        } else {
            var position = output.count
            output.append(contentsOf: repeatElement(0, count: bytes.count + added))
            output.withUnsafeMutableBufferPointer { buffer in
                for byte in bytes {
                    if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                        buffer[position] = byte
                        position &+= 1
                        continue
                    }
                    buffer[position] = UInt8(ascii: "\\")
                    let short: UInt8? =
                        switch byte {
                        case UInt8(ascii: "\""): UInt8(ascii: "\"")
                        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
                        case 0x08: UInt8(ascii: "b")
                        case 0x0C: UInt8(ascii: "f")
                        case 0x0A: UInt8(ascii: "n")
                        case 0x0D: UInt8(ascii: "r")
                        case 0x09: UInt8(ascii: "t")
                        default: nil
                        }
                    if let short {
                        buffer[position &+ 1] = short
                        position &+= 2
                    } else {
                        buffer[position &+ 1] = UInt8(ascii: "u")
                        buffer[position &+ 2] = UInt8(ascii: "0")
                        buffer[position &+ 3] = UInt8(ascii: "0")
                        buffer[position &+ 4] = hexDigit(byte >> 4)
                        buffer[position &+ 5] = hexDigit(byte & 0xF)
                        position &+= 6
                    }
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// How many bytes escaping `byte` adds: 0 for a byte written as is, 1 for `\"`, `\\` and
    /// `\b \f \n \r \t`, 5 for another control character (`\u00XX`).
    /// Written without branches (selects only), so the counting loop runs in vector registers
    /// instead of mispredicting at every quote of a JSON body.
    @inline(__always)
    private static func escapeLength(_ byte: UInt8) -> Int {
        let quote = byte == UInt8(ascii: "\"") ? 1 : 0
        let backslash = byte == UInt8(ascii: "\\") ? 1 : 0
        let control = byte < 0x20 ? 5 : 0
        // 0x08 through 0x0D but 0x0B: backspace, tab, line feed, form feed, carriage return.
        let short = (byte &- 0x08 < 6 ? 4 : 0) &- (byte == 0x0B ? 4 : 0)
        return quote &+ backslash &+ control &- short
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}

extension JSONNumber {
    /// Appends the number's JSON text (exactly `description`) to `output`.
    package func write(into output: inout [UInt8]) {
        switch self {
        case .integer(let value):
            Self.writeInteger(value, into: &output)
        case .double(let value):
            // Integral values below 2^53 print as `digits.0`, exactly as `Double.description`
            // does; this avoids building a String for the common case.
            if value.isFinite, value.rounded(.towardZero) == value, value.magnitude < 9_007_199_254_740_992 {
                if value == 0, value.sign == .minus { output.append(UInt8(ascii: "-")) }
                Self.writeInteger(Int64(value), into: &output)
                output.append(UInt8(ascii: "."))
                output.append(UInt8(ascii: "0"))
            } else {
                output.append(contentsOf: description.utf8)
            }
        case .bigInteger(let text):
            output.append(contentsOf: text.utf8)
        }
    }

    /// Appends the decimal digits of `value` (its JSON text), building no `String`.
    package static func writeInteger(_ value: Int64, into output: inout [UInt8]) {
        if value >= 0 && value < 10 {
            output.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = 20
            repeat {
                index -= 1
                let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: 10)
                digits[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remainder)
                magnitude = quotient
            } while magnitude != 0
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index..<20]))
        }
    }
}

extension JSON: CustomStringConvertible {
    /// The canonical text.
    public var description: String { canonicalText }
}
