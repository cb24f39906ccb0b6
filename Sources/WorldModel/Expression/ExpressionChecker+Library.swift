/// The scenario language 1.1 functions: arity, argument and lambda checks at load time, with
/// their run-time work in `_ExpressionLibrary` (docs/scenario-format.md, "Expressions").
extension ExpressionChecker {
    /// The function names this file adds.
    static let libraryFunctionNames: Set<String> = [
        "object", "merge", "range", "zip", "enumerate", "sort", "reverse", "unique", "flatten", "slice", "first",
        "index_of", "keys", "values", "entries", "str", "num", "join", "split", "starts_with", "ends_with",
        "replace", "trim", "calc",
    ]

    private typealias Library = _ExpressionLibrary

    /// The checked call of a 1.1 function, or nil when `name` is not one.
    mutating func libraryCall(_ name: String, _ arguments: [ExpressionSyntax], at offset: Int)
        throws(ExpressionCompileError) -> Checked?
    {
        let anyArray = ExpressionType.array(.any)
        let anyObject = ExpressionType.openObject
        switch name {
        case "object":
            let parts = try checkArguments(name, arguments, 1...1, [[anyArray]], at: offset)
            return function(.openObject, parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.object(fromPairs: values[0], &frame)
            }
        case "merge":
            let parts = try checkArguments(name, arguments, 2...2, [[anyObject]], at: offset)
            return function(Self.mergedType(parts[0].type, parts[1].type), parts) {
                values, frame throws(ExpressionRuntimeError) in try Library.merge(values[0], values[1], &frame)
            }
        case "range":
            let parts = try checkArguments(name, arguments, 1...2, [[.number]], at: offset)
            return function(.array(.number), parts) { values, frame throws(ExpressionRuntimeError) in
                values.count == 1
                    ? try Library.range(.int(0), values[0], &frame) : try Library.range(values[0], values[1], &frame)
            }
        case "zip":
            let parts = try checkArguments(name, arguments, 2...2, [[anyArray]], at: offset)
            let element = elementType(parts[0].type).joined(with: elementType(parts[1].type))
            return function(.array(.array(element)), parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.zip(values[0], values[1], &frame)
            }
        case "enumerate":
            let parts = try checkArguments(name, arguments, 1...1, [[anyArray]], at: offset)
            let element = ExpressionType.number.joined(with: elementType(parts[0].type))
            return function(.array(.array(element)), parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.enumerate(values[0], &frame)
            }
        case "reverse", "unique":
            let parts = try checkArguments(name, arguments, 1...1, [[anyArray]], at: offset)
            let isReverse = name == "reverse"
            return function(.array(elementType(parts[0].type)), parts) { values, frame throws(ExpressionRuntimeError) in
                isReverse ? try Library.reverse(values[0], &frame) : try Library.unique(values[0], &frame)
            }
        case "flatten":
            let parts = try checkArguments(name, arguments, 1...1, [[anyArray]], at: offset)
            let inner = elementType(parts[0].type)
            let type: ExpressionType = inner.isArray ? inner : .array(.any)
            return function(type, parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.flatten(values[0], &frame)
            }
        case "slice":
            let parts = try checkArguments(
                name, arguments, 2...3, [[anyArray, .string], [.number], [.number, .null]], at: offset)
            let type = parts[0].type == .string ? ExpressionType.string : .array(elementType(parts[0].type))
            return function(parts[0].type == .any ? .any : type, parts) {
                values, frame throws(ExpressionRuntimeError) in
                try Library.slice(values[0], values[1], values.count == 3 ? values[2] : .null, &frame)
            }
        case "sort":
            return try sort(arguments, at: offset)
        case "first", "index_of":
            return try search(name, arguments, at: offset)
        case "keys":
            let parts = try checkArguments(name, arguments, 1...1, [[anyObject]], at: offset)
            return function(.array(.string), parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.members(values[0], "keys", &frame) { key, _ in .string(key) }
            }
        case "values":
            let parts = try checkArguments(name, arguments, 1...1, [[anyObject]], at: offset)
            return function(.array(Self.valueType(parts[0].type)), parts) {
                values, frame throws(ExpressionRuntimeError) in
                try Library.members(values[0], "values", &frame) { _, value in value }
            }
        case "entries":
            let parts = try checkArguments(name, arguments, 1...1, [[anyObject]], at: offset)
            let element = ExpressionType.string.joined(with: Self.valueType(parts[0].type))
            return function(.array(.array(element)), parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.members(values[0], "entries", &frame) { key, value in .array([.string(key), value]) }
            }
        case "str":
            let parts = try checkArguments(name, arguments, 1...1, [[.any]], at: offset)
            return function(.string, parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.str(values[0], &frame)
            }
        case "num":
            let parts = try checkArguments(name, arguments, 1...1, [[.string, .number]], at: offset)
            return function(.number, parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.num(values[0], &frame)
            }
        case "join":
            let parts = try checkArguments(name, arguments, 2...2, [[anyArray], [.string]], at: offset)
            if case .array(let element) = parts[0].type, element != .any, element != .string, element != .null {
                throw error(
                    "join() needs an array of strings, got \(parts[0].type)", at: arguments[0].startOffset,
                    suggestion: "convert with map(xs, x -> str(x))")
            }
            return function(.string, parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.join(values[0], values[1], &frame)
            }
        case "split":
            let parts = try checkArguments(name, arguments, 2...2, [[.string]], at: offset)
            return function(.array(.string), parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.split(values[0], values[1], &frame)
            }
        case "starts_with", "ends_with":
            let parts = try checkArguments(name, arguments, 2...2, [[.string]], at: offset)
            let suffix = name == "ends_with"
            return function(.boolean, parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.hasAffix(values[0], values[1], suffix: suffix, &frame)
            }
        case "replace":
            let parts = try checkArguments(name, arguments, 3...3, [[.string]], at: offset)
            return function(.string, parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.replace(values[0], values[1], values[2], &frame)
            }
        case "trim":
            let parts = try checkArguments(name, arguments, 1...1, [[.string]], at: offset)
            return function(.string, parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.trim(values[0], &frame)
            }
        case "calc":
            let parts = try checkArguments(name, arguments, 1...1, [[.string]], at: offset)
            return function(.number, parts) { values, frame throws(ExpressionRuntimeError) in
                try Library.calc(values[0], &frame)
            }
        default:
            return nil
        }
    }

    // MARK: Arguments

    /// Checks the arity and each argument (no lambdas) against the types it accepts: `accepts[i]`
    /// for argument `i`, the last entry for the rest; `.any` accepts anything.
    private mutating func checkArguments(
        _ name: String, _ arguments: [ExpressionSyntax], _ range: ClosedRange<Int>, _ accepts: [[ExpressionType]],
        at offset: Int
    ) throws(ExpressionCompileError) -> [Checked] {
        try arity(name, arguments, range, at: offset)
        var parts: [Checked] = []
        for (index, argument) in arguments.enumerated() {
            let part = try value(argument, of: name)
            let allowed = accepts[min(index, accepts.count - 1)]
            if !allowed.contains(.any) {
                let what = allowed.map(Self.withArticle).joined(separator: " or ")
                let position = range.upperBound == 1 ? "" : " as argument \(index + 1)"
                try require(part.type, allowed, "\(name)() needs \(what)\(position)", at: argument.startOffset)
            }
            parts.append(part)
        }
        return parts
    }

    /// `a string`, `an array`, `an object`.
    private static func withArticle(_ type: ExpressionType) -> String {
        switch type {
        case .array: "an array"
        case .object: "an object"
        default: "a \(type)"
        }
    }

    /// A function of its evaluated arguments, constant when they all are; `operation` charges
    /// the frame for its own work.
    private func function(
        _ type: ExpressionType, _ parts: [Checked],
        _ operation: @escaping @Sendable ([JSON], inout _ExpressionFrame) throws(ExpressionRuntimeError) -> JSON
    ) -> Checked {
        let codes = parts.map(\.code)
        return derived(type, parts) { frame throws(ExpressionRuntimeError) in
            var values: [JSON] = []
            values.reserveCapacity(codes.count)
            for code in codes { values.append(try code(&frame)) }
            return try operation(values, &frame)
        }
    }

    /// The type of `merge(a, b)`: both objects' fields, `b`'s type where both have one.
    private static func mergedType(_ lhs: ExpressionType, _ rhs: ExpressionType) -> ExpressionType {
        guard case .object(let a, let openA) = lhs, case .object(let b, let openB) = rhs else { return .openObject }
        return .object(fields: a.merging(b) { _, second in second }, open: openA || openB)
    }

    /// The type of an object's values: the fields' joined type when the object is closed.
    private static func valueType(_ type: ExpressionType) -> ExpressionType {
        // In key order, so the result never depends on dictionary order.
        guard case .object(let fields, false) = type, let first = fields.keys.min(), let initial = fields[first]
        else { return .any }
        return fields.keys.sorted().reduce(initial) { $0.joined(with: fields[$1] ?? .any) }
    }

    // MARK: Lambdas

    /// `sort(xs)`, `sort(xs, x -> key)`, `sort('coll', key over row)`: stable, in the total order
    /// of `JSON.order` on the elements or their keys.
    private mutating func sort(_ arguments: [ExpressionSyntax], at offset: Int) throws(ExpressionCompileError)
        -> Checked
    {
        try arity("sort", arguments, 1...2, at: offset)
        if arguments.count == 1 {
            let parts = try checkArguments("sort", arguments, 1...1, [[.array(.any)]], at: offset)
            return function(.array(elementType(parts[0].type)), parts) { values, frame throws(ExpressionRuntimeError) in
                let elements = try Library.array(values[0], "sort")
                return try Library.sorted(elements, keys: elements, &frame)
            }
        }
        let iteration = try iteration(arguments[0], arguments[1], of: "sort")
        let (slot, key) = try bind(iteration.parameter, iteration.element, in: iteration.body)
        let (elements, keyCode, step) = (iteration.elements, key.code, key.cost + 1)
        return Checked(
            type: .array(iteration.element),
            code: { frame throws(ExpressionRuntimeError) in
                let values = try elements(&frame)
                var keys: [JSON] = []
                keys.reserveCapacity(values.count)
                for value in values {
                    try frame.charge(step)
                    frame.slots[slot] = value
                    keys.append(try keyCode(&frame))
                }
                return try Library.sorted(values, keys: keys, &frame)
            }, cost: 1 + iteration.cost + key.cost, constant: nil)
    }

    /// `first(xs, x -> p)` (the first element that satisfies `p`, or null) and
    /// `index_of(xs, x -> p)` (its index, or -1); over a collection, rows in insertion order.
    private mutating func search(_ name: String, _ arguments: [ExpressionSyntax], at offset: Int)
        throws(ExpressionCompileError) -> Checked
    {
        try arity(name, arguments, 2...2, at: offset)
        let iteration = try iteration(arguments[0], arguments[1], of: name)
        let (slot, predicate) = try bind(iteration.parameter, iteration.element, in: iteration.body)
        let what = "the predicate of \(name)()"
        try requireBoolean(predicate, what, at: iteration.body.startOffset)
        let (elements, test, step) = (iteration.elements, predicate.code, predicate.cost + 1)
        let wantsElement = name == "first"
        return Checked(
            type: wantsElement ? iteration.element : .number,
            code: { frame throws(ExpressionRuntimeError) in
                for (index, element) in try elements(&frame).enumerated() {
                    try frame.charge(step)
                    frame.slots[slot] = element
                    if try Ops.boolean(test(&frame), for: what) { return wantsElement ? element : .int(index) }
                }
                return wantsElement ? .null : .int(-1)
            }, cost: 1 + iteration.cost + predicate.cost, constant: nil)
    }
}
