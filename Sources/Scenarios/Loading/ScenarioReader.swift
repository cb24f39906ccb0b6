/// Walks a scenario document, turning JSON into typed values and collecting every issue with
/// its JSON path instead of stopping at the first.
struct ScenarioReader {
    let file: String
    var issues: [ScenarioIssue] = []

    init(file: String) { self.file = file }

    mutating func report(_ path: String, _ message: String) {
        issues.append(ScenarioIssue(file: file, path: path, message: message))
    }

    static func join(_ path: String, _ key: String) -> String {
        let identifier = key.first.map { $0.isLetter || $0 == "_" } == true
            && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        if identifier { return path.isEmpty ? key : "\(path).\(key)" }
        var escaped: [UInt8] = []
        JSON.writeEscaped(key, into: &escaped)
        return "\(path)[\(String(decoding: escaped, as: UTF8.self))]"
    }

    static func join(_ path: String, _ index: Int) -> String { "\(path)[\(index)]" }

    static func describe(_ value: JSON) -> String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case .null: return "null"
        default:
            let text = value.canonicalText
            return "\(value.typeName) \(text.count > 40 ? String(text.prefix(37)) + "…" : text)"
        }
    }

    static func suggestion(_ name: String, among candidates: some Sequence<String>) -> String {
        closestMatch(to: name, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The object at `path`, after reporting unknown keys (with suggestions) and missing
    /// required ones. Returns `nil` (and reports) if `value` is not an object.
    mutating func object(_ value: JSON?, _ path: String, allowed: [String], required: [String] = []) -> JSONObject? {
        guard let value else { return nil }
        guard case .object(let object) = value else {
            report(path, "expected an object, found \(Self.describe(value))")
            return nil
        }
        for key in object.keys where !allowed.contains(key) {
            report(Self.join(path, key), "unknown key '\(key)'\(Self.suggestion(key, among: allowed))")
        }
        for key in required where object[key] == nil {
            report(path, "missing required key '\(key)'")
        }
        return object
    }

    mutating func string(_ value: JSON?, _ path: String, nonEmpty: Bool = false) -> String? {
        guard let value else { return nil }
        guard case .string(let text) = value else {
            report(path, "expected a string, found \(Self.describe(value))")
            return nil
        }
        if nonEmpty && text.isEmpty {
            report(path, "expected a non-empty string")
            return nil
        }
        return text
    }

    mutating func integer(_ value: JSON?, _ path: String, in range: ClosedRange<Int64> = Int64.min...Int64.max) -> Int64? {
        guard let value else { return nil }
        guard case .number(let number) = value, let integer = number.int64Value else {
            report(path, "expected a whole number, found \(Self.describe(value))")
            return nil
        }
        guard range.contains(integer) else {
            report(path, "expected a whole number in \(range.lowerBound)...\(range.upperBound), found \(integer)")
            return nil
        }
        return integer
    }

    mutating func number(_ value: JSON?, _ path: String, minimum: Double? = nil, maximum: Double? = nil) -> Double? {
        guard let value else { return nil }
        guard case .number(let number) = value else {
            report(path, "expected a number, found \(Self.describe(value))")
            return nil
        }
        let double = number.doubleValue
        if let minimum, double < minimum {
            report(path, "expected a number of at least \(minimum.formatted), found \(number)")
            return nil
        }
        if let maximum, double > maximum {
            report(path, "expected a number of at most \(maximum.formatted), found \(number)")
            return nil
        }
        return double
    }

    mutating func probability(_ value: JSON?, _ path: String) -> Double? {
        guard let value else { return nil }
        guard case .number(let number) = value else {
            report(path, "expected a probability (a number in [0, 1]), found \(Self.describe(value))")
            return nil
        }
        let double = number.doubleValue
        guard double >= 0 && double <= 1 else {
            report(path, "expected a probability in [0, 1], found \(number)")
            return nil
        }
        return double
    }

    mutating func bool(_ value: JSON?, _ path: String) -> Bool? {
        guard let value else { return nil }
        guard case .bool(let flag) = value else {
            report(path, "expected true or false, found \(Self.describe(value))")
            return nil
        }
        return flag
    }

    mutating func array(_ value: JSON?, _ path: String) -> [JSON]? {
        guard let value else { return nil }
        guard case .array(let elements) = value else {
            report(path, "expected an array, found \(Self.describe(value))")
            return nil
        }
        return elements
    }

    mutating func choice(_ value: JSON?, _ path: String, _ choices: [String]) -> String? {
        guard let text = string(value, path) else { return nil }
        guard choices.contains(text) else {
            report(path, "expected one of \(choices.joined(separator: ", ")), found '\(text)'\(Self.suggestion(text, among: choices))")
            return nil
        }
        return text
    }

    /// Compiles an expression; a compile error is reported at `path` with its column and caret.
    mutating func expression(_ value: JSON?, _ path: String, scope: ExpressionScope) -> Expression? {
        guard let value else { return nil }
        let source: String
        switch value {
        case .string(let text): source = text
        case .number, .bool, .null: source = value.canonicalText
        default:
            report(path, "expected an expression (a string), found \(Self.describe(value))")
            return nil
        }
        do throws(ExpressionCompileError) {
            return try Expression.compile(source, in: scope)
        } catch {
            report(path, error.description)
            return nil
        }
    }
}

extension Double {
    /// Whole numbers without a fraction, others as Swift prints them (platform-independent).
    var formatted: String {
        if rounded() == self, abs(self) < 1e15 { return String(Int64(self)) }
        return description
    }
}
