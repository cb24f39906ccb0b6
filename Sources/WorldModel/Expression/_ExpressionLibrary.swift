/// Run-time implementations of the scenario language 1.1 functions on arrays, objects and
/// strings (`ExpressionChecker+Library.swift` checks their calls).
///
/// Each charges the frame for its work before doing it: one step per element it visits or
/// builds, one per 16 bytes of text it builds, so `range(1000000000)` fails with
/// `costExceeded` before allocating anything.
enum _ExpressionLibrary {
    typealias Ops = _ExpressionOperations

    // MARK: Arguments and charges

    /// Charges `steps`, failing before the addition could overflow.
    static func charge(_ steps: Int, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) {
        guard steps <= frame.budget - frame.steps else { throw .costExceeded(budget: frame.budget) }
        try frame.charge(steps)
    }

    /// Charges building `bytes` bytes of text.
    static func chargeText(_ bytes: Int, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) {
        try charge(1 + bytes / 16, &frame)
    }

    private static func position(_ argument: Int?) -> String {
        argument.map { " as argument \($0)" } ?? ""
    }

    static func array(_ value: JSON, _ function: String, argument: Int? = nil) throws(ExpressionRuntimeError)
        -> [JSON]
    {
        guard case .array(let elements) = value else {
            throw .typeMismatch("\(function)() needs an array\(position(argument)), got \(Ops.describe(value))")
        }
        return elements
    }

    static func string(_ value: JSON, _ function: String, argument: Int? = nil) throws(ExpressionRuntimeError)
        -> String
    {
        guard case .string(let text) = value else {
            throw .typeMismatch("\(function)() needs a string\(position(argument)), got \(Ops.describe(value))")
        }
        return text
    }

    static func object(_ value: JSON, _ function: String, argument: Int? = nil) throws(ExpressionRuntimeError)
        -> JSONObject
    {
        guard case .object(let object) = value else {
            throw .typeMismatch("\(function)() needs an object\(position(argument)), got \(Ops.describe(value))")
        }
        return object
    }

    /// An exact integer (`2.0` counts, `2.5` does not).
    static func integer(_ value: JSON, _ function: String, argument: Int? = nil) throws(ExpressionRuntimeError)
        -> Int64
    {
        guard case .number(let number) = value, let integer = number.int64Value else {
            throw .typeMismatch("\(function)() needs an integer\(position(argument)), got \(Ops.describe(value))")
        }
        return integer
    }

    // MARK: Objects

    /// `object(pairs)`: an object from `[key, value]` pairs in order; a repeated key keeps its
    /// first position and its last value.
    static func object(fromPairs value: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        let pairs = try array(value, "object")
        try charge(pairs.count, &frame)
        var object = JSONObject(minimumCapacity: pairs.count)
        for (index, pair) in pairs.enumerated() {
            guard case .array(let members) = pair, members.count == 2, case .string(let key) = members[0] else {
                throw .typeMismatch(
                    "object() needs [key, value] pairs with a string key, element \(index) is \(Ops.describe(pair))")
            }
            object.updateValue(members[1], forKey: key)
        }
        return .object(object)
    }

    /// `merge(a, b)`: `a`'s members, then `b`'s; where both have a key, `b`'s value wins (at
    /// `a`'s position).
    static func merge(_ lhs: JSON, _ rhs: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON
    {
        var result = try object(lhs, "merge", argument: 1)
        let other = try object(rhs, "merge", argument: 2)
        try charge(result.count + other.count, &frame)
        for (key, value) in other.members { result.updateValue(value, forKey: key) }
        return .object(result)
    }

    /// `keys(o)`, `values(o)`, `entries(o)`: in the order of the keys' UTF-8 bytes, whatever the
    /// order the object was built in.
    static func members(
        _ value: JSON, _ function: String, _ frame: inout _ExpressionFrame,
        _ transform: (String, JSON) -> JSON
    ) throws(ExpressionRuntimeError) -> JSON {
        let object = try object(value, function)
        try charge(object.count, &frame)
        return .array(object.sortedPositions.map { transform(object.keys[$0], object.values[$0]) })
    }

    // MARK: Arrays

    /// `range(a, b)`: the integers from `a` up to but not including `b` (empty when `b <= a`).
    static func range(_ lower: JSON, _ upper: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError)
        -> JSON
    {
        let (a, b) = (try integer(lower, "range"), try integer(upper, "range"))
        guard b > a else { return .array([]) }
        let (count, overflow) = b.subtractingReportingOverflow(a)
        guard !overflow, count <= Int64(frame.budget - frame.steps) else { throw .costExceeded(budget: frame.budget) }
        try charge(Int(count), &frame)
        return .array((a..<b).map { .int($0) })
    }

    /// `zip(xs, ys)`: `[x, y]` pairs, as many as the shorter array has elements.
    static func zip(_ lhs: JSON, _ rhs: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        let (xs, ys) = (try array(lhs, "zip", argument: 1), try array(rhs, "zip", argument: 2))
        try charge(min(xs.count, ys.count), &frame)
        return .array(Swift.zip(xs, ys).map { .array([$0, $1]) })
    }

    /// `enumerate(xs)`: `[index, element]` pairs, indices from 0.
    static func enumerate(_ value: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        let elements = try array(value, "enumerate")
        try charge(elements.count, &frame)
        return .array(elements.enumerated().map { .array([.int($0.offset), $0.element]) })
    }

    /// `reverse(xs)`.
    static func reverse(_ value: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        let elements = try array(value, "reverse")
        try charge(elements.count, &frame)
        return .array(elements.reversed())
    }

    /// `unique(xs)`: the first of each run of equal elements (`==`: `1` and `1.0` are equal), in
    /// order.
    static func unique(_ value: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        let elements = try array(value, "unique")
        try charge(elements.count, &frame)
        var seen = Set<JSON>(minimumCapacity: elements.count)
        return .array(elements.filter { seen.insert($0).inserted })
    }

    /// `flatten(xs)`: the elements of the elements that are arrays, spliced in order; other
    /// elements kept as they are (one level).
    static func flatten(_ value: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        let elements = try array(value, "flatten")
        var total = 0
        for element in elements { total += element.arrayValue?.count ?? 1 }
        try charge(max(total, elements.count), &frame)
        var result: [JSON] = []
        result.reserveCapacity(total)
        for element in elements {
            if case .array(let inner) = element { result.append(contentsOf: inner) } else { result.append(element) }
        }
        return .array(result)
    }

    /// `slice(xs, a, b)` of an array or a string (by Unicode scalars, as `len` counts): from
    /// index `a` up to but not including `b` (the end when `b` is omitted or null); a negative
    /// index counts from the end; indices are clamped to the bounds.
    static func slice(_ value: JSON, _ lower: JSON, _ upper: JSON, _ frame: inout _ExpressionFrame)
        throws(ExpressionRuntimeError) -> JSON
    {
        func bounds(_ count: Int) throws(ExpressionRuntimeError) -> Range<Int> {
            func clamp(_ index: Int64) -> Int {
                let count = Int64(count)
                return Int(index < 0 ? Swift.max(0, count + index) : Swift.min(index, count))
            }
            let start = clamp(try integer(lower, "slice", argument: 2))
            let end = upper == .null ? count : clamp(try integer(upper, "slice", argument: 3))
            return start..<Swift.max(start, end)
        }
        switch value {
        case .array(let elements):
            let range = try bounds(elements.count)
            try charge(range.count, &frame)
            return .array(Array(elements[range]))
        case .string(let text):
            let scalars = Array(text.unicodeScalars)
            try chargeText(text.utf8.count, &frame)
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[try bounds(scalars.count)])
            return .string(String(view))
        default:
            throw .typeMismatch("slice() needs an array or a string as argument 1, got \(Ops.describe(value))")
        }
    }

    /// The elements in the order of their keys (`JSON.order`, the order `order_by` sorts rows
    /// in), equal keys in their original order.
    static func sorted(_ elements: [JSON], keys: [JSON], _ frame: inout _ExpressionFrame)
        throws(ExpressionRuntimeError) -> JSON
    {
        let count = elements.count
        // About n·log₂(n) comparisons.
        try charge(count * Swift.max(1, Int.bitWidth - count.leadingZeroBitCount), &frame)
        let order = (0..<count).sorted { i, j in
            let comparison = JSON.order(keys[i], keys[j])
            return comparison != 0 ? comparison < 0 : i < j
        }
        return .array(order.map { elements[$0] })
    }

    // MARK: Strings

    /// `str(x)`: a string as it is; anything else as its canonical JSON text (`120.0`, `3`,
    /// `true`, `null`, `[1,"a"]`, `{"a":1}` with sorted keys).
    static func str(_ value: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        if case .string = value { return value }
        let text = value.canonicalText
        try chargeText(text.utf8.count, &frame)
        return .string(text)
    }

    /// `num(s)`: the number a string spells (`_NumberText`), a number as it is, `null` for
    /// anything else that is not a number (`'12 apples'`, `''`, `null`).
    static func num(_ value: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        switch value {
        case .number, .null: return value
        case .string(let text):
            try chargeText(text.utf8.count, &frame)
            return _NumberText.parse(text).map(JSON.number) ?? .null
        default: throw .typeMismatch("num() needs a string or a number, got \(Ops.describe(value))")
        }
    }

    /// `join(xs, sep)`: the strings of `xs` with `sep` between them.
    static func join(_ value: JSON, _ separator: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError)
        -> JSON
    {
        let elements = try array(value, "join", argument: 1)
        let glue = try string(separator, "join", argument: 2)
        var parts: [String] = []
        parts.reserveCapacity(elements.count)
        var bytes = 0
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                throw .typeMismatch(
                    "join() needs an array of strings, element \(index) is \(Ops.describe(element))"
                        + " (convert with map(xs, x -> str(x)))")
            }
            parts.append(text)
            bytes += text.utf8.count + glue.utf8.count
        }
        try charge(elements.count, &frame)
        try chargeText(bytes, &frame)
        return .string(parts.joined(separator: glue))
    }

    /// `split(s, sep)`: the parts of `s` between occurrences of `sep` (compared by UTF-8 bytes),
    /// empty parts kept: `split('a,,b', ',')` is `['a', '', 'b']`.
    static func split(_ value: JSON, _ separator: JSON, _ frame: inout _ExpressionFrame)
        throws(ExpressionRuntimeError) -> JSON
    {
        let text = try string(value, "split", argument: 1)
        let glue = try string(separator, "split", argument: 2)
        guard !glue.isEmpty else { throw .invalidArgument("split() needs a non-empty separator") }
        let bytes = Array(text.utf8)
        try chargeText(bytes.count, &frame)
        let matches = occurrences(of: Array(glue.utf8), in: bytes)
        try charge(matches.count + 1, &frame)
        var parts: [JSON] = []
        var start = 0
        for match in matches {
            parts.append(.string(String(decoding: bytes[start..<match], as: UTF8.self)))
            start = match + glue.utf8.count
        }
        parts.append(.string(String(decoding: bytes[start...], as: UTF8.self)))
        return .array(parts)
    }

    /// `replace(s, old, new)`: every occurrence of `old` (by UTF-8 bytes, left to right, not
    /// overlapping) replaced by `new`.
    static func replace(_ value: JSON, _ target: JSON, _ replacement: JSON, _ frame: inout _ExpressionFrame)
        throws(ExpressionRuntimeError) -> JSON
    {
        let text = try string(value, "replace", argument: 1)
        let old = Array(try string(target, "replace", argument: 2).utf8)
        let new = Array(try string(replacement, "replace", argument: 3).utf8)
        guard !old.isEmpty else { throw .invalidArgument("replace() needs a non-empty string to replace") }
        let bytes = Array(text.utf8)
        try chargeText(bytes.count, &frame)
        let matches = occurrences(of: old, in: bytes)
        try chargeText(bytes.count + matches.count * Swift.max(0, new.count - old.count), &frame)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + matches.count * new.count)
        var start = 0
        for match in matches {
            result.append(contentsOf: bytes[start..<match])
            result.append(contentsOf: new)
            start = match + old.count
        }
        result.append(contentsOf: bytes[start...])
        return .string(String(decoding: result, as: UTF8.self))
    }

    /// `starts_with(s, p)` / `ends_with(s, p)`, by UTF-8 bytes.
    static func hasAffix(_ value: JSON, _ affix: JSON, suffix: Bool, _ frame: inout _ExpressionFrame)
        throws(ExpressionRuntimeError) -> JSON
    {
        let name = suffix ? "ends_with" : "starts_with"
        let text = Array(try string(value, name, argument: 1).utf8)
        let part = Array(try string(affix, name, argument: 2).utf8)
        try chargeText(part.count, &frame)
        guard part.count <= text.count else { return .bool(false) }
        return .bool(suffix ? text.suffix(part.count).elementsEqual(part) : text.prefix(part.count).elementsEqual(part))
    }

    /// `trim(s)`: without the white space (Unicode `White_Space`) at either end.
    static func trim(_ value: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        let text = try string(value, "trim")
        try chargeText(text.utf8.count, &frame)
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return .string("") }
        return .string(String(scalars[first...last]))
    }

    /// `calc(s)` (`_Calculator`).
    static func calc(_ value: JSON, _ frame: inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON {
        let text = try string(value, "calc")
        try chargeText(text.utf8.count, &frame)
        return try _Calculator.evaluate(text)
    }

    /// The start offsets of the non-overlapping occurrences of `pattern` in `bytes`, left to
    /// right (Knuth–Morris–Pratt: linear in both lengths).
    static func occurrences(of pattern: [UInt8], in bytes: [UInt8]) -> [Int] {
        guard !pattern.isEmpty, pattern.count <= bytes.count else { return [] }
        var failure = [Int](repeating: 0, count: pattern.count)
        var matched = 0
        for index in 1..<pattern.count {
            while matched > 0, pattern[index] != pattern[matched] { matched = failure[matched - 1] }
            if pattern[index] == pattern[matched] { matched += 1 }
            failure[index] = matched
        }
        var found: [Int] = []
        matched = 0
        for (index, byte) in bytes.enumerated() {
            while matched > 0, byte != pattern[matched] { matched = failure[matched - 1] }
            if byte == pattern[matched] { matched += 1 }
            if matched == pattern.count {
                found.append(index + 1 - pattern.count)
                matched = 0
            }
        }
        return found
    }
}
