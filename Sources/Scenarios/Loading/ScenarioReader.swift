import WorldModel

/// Walks a scenario document, turning JSON into typed values and collecting every issue with
/// its JSON path instead of stopping at the first.
struct ScenarioReader {
    let file: String
    var issues: [ScenarioIssue] = []
    /// Whether the document was merged with a world file (which may supply `services` and `tools`).
    var hasWorld = false

    init(file: String) { self.file = file }

    mutating func report(_ path: String, _ message: String) {
        issues.append(ScenarioIssue(file: file, path: path, message: message))
    }

    /// `path.key`, or `path["odd key"]` for keys that are not identifier-like: the same
    /// rendering as `JSONSchema` violations, so both name a place the same way.
    static func join(_ path: String, _ key: String) -> String {
        var text = path
        JSONPath.Component.key(key).append(to: &text)
        return text
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
        var suggested: [String] = []
        for key in object.keys where !allowed.contains(key) {
            let candidate = closestMatch(to: key, among: allowed)
            if let candidate { suggested.append(candidate) }
            report(Self.join(path, key), "unknown key '\(key)'\(candidate.map { " (did you mean '\($0)'?)" } ?? "")")
        }
        // A misspelt required key is one mistake, already reported with its suggestion.
        for key in required where object[key] == nil && !suggested.contains(key) {
            report(path, "missing required key '\(key)'")
        }
        return object
    }

    /// Reports a service-model error at the file path of its location under `prefix` (the
    /// service's path, or the latency object's for an error of one distribution read alone).
    mutating func report(_ error: ServiceModelError, under prefix: String, latencyAlone: Bool = false) {
        let message: String
        switch error {
        case .invalidValue(_, let expected, let found):
            message = "expected \(expected), found \(found)"
        case .unknownRegime(_, let found, let known):
            message = "unknown regime \(found) (regimes are \(known.joined(separator: ", ")))"
        case .duplicateRegime(_, let name):
            message = "regime '\(name)' is declared twice"
        }
        let relative = latencyAlone ? Self.latencyKey(error.location.field) : Self.servicePath(error.location)
        report(prefix.isEmpty ? relative : relative.isEmpty ? prefix : "\(prefix).\(relative)", message)
    }

    /// A service-model location spelled as the file's path under the service's object
    /// (`regimes.degraded.latency.p99_ms`, `rate_limit.capacity`).
    static func servicePath(_ location: ServiceModelLocation) -> String {
        let regime = location.regime.map { "regimes.\($0)" }
        func inRegime(_ key: String) -> String { regime.map { "\($0).\(key)" } ?? key }
        switch location.field {
        case .regimes: return "regimes"
        case .initialRegime: return "initial"
        case .transitions: return "transitions"
        case .transitionsFrom(let source): return "transitions.\(source)"
        case .transition(let source, let target): return "transitions.\(source).\(target)"
        case .scheduleRegime(let window): return "schedule[\(window)].regime"
        case .scheduleEnd(let window): return "schedule[\(window)].to_ms"
        case .rateLimitCapacity: return "rate_limit.capacity"
        case .rateLimitRefill: return "rate_limit.refill_per_s"
        case .errorRates: return inRegime("errors")
        case .errorRate(let error): return inRegime("errors.\(error.rawValue)")
        default:
            let key = latencyKey(location.field)
            return inRegime(key.isEmpty ? "latency" : "latency.\(key)")
        }
    }

    /// The key of a latency field under its `latency` object (`p99_ms`, `quantiles[1]`); empty
    /// for any other field.
    static func latencyKey(_ field: ServiceModelLocation.Field) -> String {
        switch field {
        case .latencyFixed: "ms"
        case .latencyMinimum: "min_ms"
        case .latencyMaximum: "max_ms"
        case .latencyMedian: "median_ms"
        case .latencyP99: "p99_ms"
        case .latencyQuantiles: "quantiles"
        case .latencyQuantile(let index): "quantiles[\(index)]"
        default: ""
        }
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

    /// A lower-case identifier (`billing_refund`): letters, digits and underscores, starting
    /// with a letter. Tool, service, collection and regime names must be, so that they read the
    /// same in expressions, traces and MCP tool lists.
    static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }

    /// Reports `name` at `path` unless it is an identifier; `what` names the thing (`a tool name`).
    mutating func checkIdentifier(_ name: String, _ path: String, what: String) {
        if !Self.isIdentifier(name) {
            report(
                path,
                "\(what) must be a lower-case identifier (letters, digits and '_', starting with a letter), found '\(name)'"
            )
        }
    }

    mutating func integer(_ value: JSON?, _ path: String, in range: ClosedRange<Int64> = Int64.min...Int64.max)
        -> Int64?
    {
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
            report(
                path,
                "expected one of \(choices.joined(separator: ", ")), found '\(text)'\(Self.suggestion(text, among: choices))"
            )
            return nil
        }
        return text
    }

    /// Compiles an expression that must be a condition (`true` or `false`).
    mutating func condition(_ value: JSON?, _ path: String, scope: ExpressionScope) -> CompiledExpression? {
        guard let expression = expression(value, path, scope: scope) else { return nil }
        if expression.type != .boolean && expression.type != .any {
            report(path, "expected a condition (true or false), but this gives \(expression.type)")
            return nil
        }
        return expression
    }

    /// Compiles an expression; a compile error is reported at `path` with its column and caret.
    mutating func expression(_ value: JSON?, _ path: String, scope: ExpressionScope) -> CompiledExpression? {
        guard let value else { return nil }
        let source: String
        switch value {
        case .string(let text): source = text
        case .number, .bool, .null:
            let text = value.canonicalText
            report(path, "expected an expression (a string), found \(Self.describe(value)); write it as \"\(text)\"")
            return nil
        default:
            report(path, "expected an expression (a string), found \(Self.describe(value))")
            return nil
        }
        do throws(ExpressionCompileError) {
            return try CompiledExpression.compile(source, in: scope)
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
