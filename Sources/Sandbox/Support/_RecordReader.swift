import WorldModel

/// Reads the members of one JSON object with path-precise errors, and rejects unknown members.
///
/// Record formats are versioned, so a member this version does not define is an error rather
/// than something to skip silently.
struct _RecordReader {
    let object: JSONObject
    let path: String
    private var seen: [String] = []

    init(_ value: JSON, path: String) throws(RecordDecodingError) {
        guard case .object(let object) = value else {
            throw RecordDecodingError(path: path, expected: "an object", found: RecordDecodingError.describe(value))
        }
        self.object = object
        self.path = path
    }

    func memberPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func value(_ key: String) throws(RecordDecodingError) -> JSON {
        seen.append(key)
        guard let value = object[key] else {
            throw RecordDecodingError(path: memberPath(key), expected: "a value", found: "missing")
        }
        return value
    }

    mutating func optionalValue(_ key: String) -> JSON? {
        seen.append(key)
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func mismatch(_ key: String, _ expected: String, _ value: JSON) -> RecordDecodingError {
        RecordDecodingError(path: memberPath(key), expected: expected, found: RecordDecodingError.describe(value))
    }

    mutating func string(_ key: String) throws(RecordDecodingError) -> String {
        let value = try value(key)
        guard let string = value.stringValue else { throw mismatch(key, "a string", value) }
        return string
    }

    mutating func optionalString(_ key: String) throws(RecordDecodingError) -> String? {
        guard let value = optionalValue(key) else { return nil }
        guard let string = value.stringValue else { throw mismatch(key, "a string or null", value) }
        return string
    }

    mutating func bool(_ key: String) throws(RecordDecodingError) -> Bool {
        let value = try value(key)
        guard let bool = value.boolValue else { throw mismatch(key, "true or false", value) }
        return bool
    }

    mutating func int64(_ key: String, minimum: Int64 = .min, maximum: Int64 = .max) throws(RecordDecodingError)
        -> Int64
    {
        let value = try value(key)
        let range = maximum == .max ? "an integer of at least \(minimum)" : "an integer from \(minimum) to \(maximum)"
        guard case .number(let number) = value, number.isInteger else { throw mismatch(key, "an integer", value) }
        guard let int = number.int64Value, int >= minimum, int <= maximum else {
            throw mismatch(key, minimum == .min && maximum == .max ? "an integer" : range, value)
        }
        return int
    }

    mutating func int(_ key: String, minimum: Int = .min) throws(RecordDecodingError) -> Int {
        let value = try value(key)
        guard case .number(let number) = value, number.isInteger, let wide = number.int64Value,
            let int = Int(exactly: wide)
        else { throw mismatch(key, "an integer", value) }
        guard int >= minimum else { throw mismatch(key, "an integer of at least \(minimum)", value) }
        return int
    }

    mutating func uint64(_ key: String) throws(RecordDecodingError) -> UInt64 {
        let value = try value(key)
        guard let number = value.numberValue, let seed = UInt64(_recordNumber: number) else {
            throw mismatch(key, "an integer from 0 to 18446744073709551615", value)
        }
        return seed
    }

    mutating func array(_ key: String) throws(RecordDecodingError) -> [JSON] {
        let value = try value(key)
        guard let array = value.arrayValue else { throw mismatch(key, "an array", value) }
        return array
    }

    mutating func strings(_ key: String) throws(RecordDecodingError) -> [String] {
        let elements = try array(key)
        var result: [String] = []
        result.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            guard let string = element.stringValue else {
                throw RecordDecodingError(
                    path: "\(memberPath(key))[\(index)]", expected: "a string",
                    found: RecordDecodingError.describe(element))
            }
            result.append(string)
        }
        return result
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type) throws(RecordDecodingError) -> T
    where T.RawValue == String {
        let value = try value(key)
        if let raw = value.stringValue, let choice = T(rawValue: raw) { return choice }
        let names = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        throw mismatch(key, "one of \(names)", value)
    }

    mutating func sha256(_ key: String) throws(RecordDecodingError) -> String {
        let value = try value(key)
        guard let text = value.stringValue, Self.isSHA256Hex(text) else {
            throw mismatch(key, "a SHA-256 digest as 64 lowercase hex digits", value)
        }
        return text
    }

    mutating func optionalSHA256(_ key: String) throws(RecordDecodingError) -> String? {
        guard let value = optionalValue(key) else { return nil }
        guard let text = value.stringValue, Self.isSHA256Hex(text) else {
            throw mismatch(key, "a SHA-256 digest as 64 lowercase hex digits, or null", value)
        }
        return text
    }

    static func isSHA256Hex(_ text: String) -> Bool {
        text.utf8.count == 64
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Throws if the object has a member that was never asked for.
    func finish() throws(RecordDecodingError) {
        for key in object.keys where !seen.contains(key) {
            throw RecordDecodingError(path: memberPath(key), expected: "no such member", found: "an unknown member")
        }
    }
}

extension UInt64 {
    /// The exact value of a non-negative JSON integer that fits in 64 bits.
    init?(_recordNumber number: JSONNumber) {
        switch number {
        case .integer(let value):
            guard value >= 0 else { return nil }
            self = UInt64(value)
        case .bigInteger(let text):
            guard let value = UInt64(text) else { return nil }
            self = value
        case .double:
            return nil
        }
    }

    /// The value as a JSON integer, using the exact decimal form beyond `Int64.max`.
    var _recordJSON: JSON {
        if let small = Int64(exactly: self) { return .int(small) }
        return .number(.bigInteger(String(self)))
    }
}
