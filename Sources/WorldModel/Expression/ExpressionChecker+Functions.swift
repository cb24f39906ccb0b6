/// Built-in functions: arity and type checks, collection and array modes, lambdas.
extension ExpressionChecker {
    /// Every built-in function name.
    static let functionNames: Set<String> = Set([
        "count", "exists", "sum", "get", "last_created", "len", "lower", "upper", "contains", "round", "abs", "min",
        "max", "now", "calls", "regime", "all", "any", "map", "filter",
    ]).union(libraryFunctionNames)

    /// Where a collection function's rows come from.
    enum RowSource {
        /// A literal collection name, checked against the scope.
        case named(String, rowType: ExpressionType)
        /// A string computed at run time; checked when evaluated.
        case dynamic(Checked)
    }

    func arity(_ name: String, _ arguments: [ExpressionSyntax], _ range: ClosedRange<Int>, at offset: Int)
        throws(ExpressionCompileError)
    {
        guard range.contains(arguments.count) else {
            let expected =
                range.lowerBound == range.upperBound
                ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw error(
                "\(name)() takes \(expected) argument\(range.upperBound == 1 ? "" : "s"), got \(arguments.count)",
                at: offset)
        }
    }

    func isLambda(_ syntax: ExpressionSyntax) -> Bool {
        if case .lambda = syntax.kind { return true }
        return false
    }

    /// Checks a non-lambda argument.
    mutating func value(_ syntax: ExpressionSyntax, of function: String) throws(ExpressionCompileError)
        -> Checked
    {
        if isLambda(syntax) {
            throw error("\(function)() does not take a lambda here", at: syntax.startOffset)
        }
        return try check(syntax)
    }

    /// Checks `body` with `name` bound to a fresh slot of type `type`.
    mutating func bind(_ name: String, _ type: ExpressionType, in body: ExpressionSyntax)
        throws(ExpressionCompileError) -> (slot: Int, body: Checked)
    {
        let slot = slotCount
        slotCount += 1
        locals.append((name, slot, type))
        defer { locals.removeLast() }
        return (slot, try check(body))
    }

    /// A literal collection name (checked against the scope) or a computed string.
    private mutating func rowSource(_ syntax: ExpressionSyntax, of function: String) throws(ExpressionCompileError)
        -> RowSource?
    {
        if case .literal(.string(let name)) = syntax.kind {
            guard let rowType = scope.collections[name] else {
                throw error(
                    "unknown collection '\(name)'", at: syntax.startOffset,
                    suggestion: ExpressionSuggestions.didYouMean(name, among: scope.collections.keys))
            }
            referencedCollections.insert(name)
            usesContext = true
            return .named(name, rowType: rowType)
        }
        return nil
    }

    private static func rowsCode(_ source: RowSource, _ function: String)
        -> @Sendable (inout _ExpressionFrame) throws(ExpressionRuntimeError) -> EntityRows
    {
        switch source {
        case .named(let name, _):
            return { frame throws(ExpressionRuntimeError) in
                guard let rows = frame.context.entityRows(in: name) else { throw .unknownCollection(name) }
                return rows
            }
        case .dynamic(let checked):
            let code = checked.code
            return { frame throws(ExpressionRuntimeError) in
                let name = try Builtins.name(code(&frame), for: function)
                guard let rows = frame.context.entityRows(in: name) else { throw .unknownCollection(name) }
                return rows
            }
        }
    }

    static func nameCode(_ source: RowSource, _ function: String)
        -> @Sendable (inout _ExpressionFrame) throws(ExpressionRuntimeError) -> String
    {
        switch source {
        case .named(let name, _): return { _ in name }
        case .dynamic(let checked):
            let code = checked.code
            return { frame throws(ExpressionRuntimeError) in try Builtins.name(code(&frame), for: function) }
        }
    }

    func sourceCost(_ source: RowSource) -> Int {
        if case .dynamic(let checked) = source { return checked.cost }
        return 1
    }

    /// The first argument of a collection function as a row source, or nil when it is an array.
    private mutating func collectionOrArray(
        _ syntax: ExpressionSyntax, of function: String, lastIsLambda: Bool
    ) throws(ExpressionCompileError) -> (RowSource?, Checked?) {
        if let source = try rowSource(syntax, of: function) { return (source, nil) }
        let checked = try value(syntax, of: function)
        if checked.type == .string && !lastIsLambda {
            usesContext = true
            return (.dynamic(checked), nil)
        }
        try requireArray(checked, of: function, at: syntax.startOffset)
        return (nil, checked)
    }

    func requireArray(_ checked: Checked, of function: String, at offset: Int) throws(ExpressionCompileError) {
        switch checked.type {
        case .any, .array: return
        default:
            throw error("\(function)() needs a collection name or an array, got \(checked.type)", at: offset)
        }
    }

    func elementType(_ type: ExpressionType) -> ExpressionType {
        if case .array(let element) = type { return element }
        return .any
    }

    func rowType(_ source: RowSource) -> ExpressionType {
        if case .named(_, let rowType) = source { return rowType }
        return .openObject
    }

    func requireLambda(_ syntax: ExpressionSyntax, of function: String) throws(ExpressionCompileError) -> (
        String, ExpressionSyntax
    ) {
        guard case .lambda(let parameter, let body) = syntax.kind else {
            throw error(
                "\(function)() over an array needs a lambda such as 'x -> x > 0' as its last argument",
                at: syntax.startOffset)
        }
        return (parameter, body)
    }

    func requireBoolean(_ checked: Checked, _ what: String, at offset: Int) throws(ExpressionCompileError) {
        if checked.type != .any, checked.type != .boolean {
            throw error("\(what) must be a boolean, got \(checked.type)", at: offset)
        }
    }

    // MARK: Dispatch

    mutating func call(_ name: String, _ arguments: [ExpressionSyntax], at offset: Int) throws(ExpressionCompileError)
        -> Checked
    {
        switch name {
        case "count", "exists", "all", "any", "filter":
            return try quantifier(name, arguments, at: offset)
        case "sum":
            return try sum(arguments, at: offset)
        case "map":
            try arity(name, arguments, 2...2, at: offset)
            let iteration = try iteration(arguments[0], arguments[1], of: name)
            let (slot, body) = try bind(iteration.parameter, iteration.element, in: iteration.body)
            let (elements, bodyCode, step) = (iteration.elements, body.code, body.cost + 1)
            return Checked(
                type: .array(body.type),
                code: { frame throws(ExpressionRuntimeError) in
                    let elements = try elements(&frame)
                    var result: [JSON] = []
                    result.reserveCapacity(elements.count)
                    for element in elements {
                        try frame.charge(step)
                        frame.slots[slot] = element
                        result.append(try bodyCode(&frame))
                    }
                    return .array(result)
                }, cost: 1 + iteration.cost + body.cost, constant: nil)
        case "get":
            try arity(name, arguments, 2...2, at: offset)
            let source = try namedOrDynamic(arguments[0], of: name)
            let id = try value(arguments[1], of: name)
            if let slot = boundRow(source, key: arguments[1]) {
                // The slot holds exactly this lookup's value (see `ExpressionRowBinding`).
                return Checked(
                    type: rowType(source), code: { frame in frame.slots[slot] },
                    cost: 1 + sourceCost(source) + id.cost, constant: nil, slot: slot)
            }
            let (nameCode, idCode) = (Self.nameCode(source, name), id.code)
            return Checked(
                type: rowType(source),
                code: { frame throws(ExpressionRuntimeError) in
                    let collection = try nameCode(&frame)
                    let key = try idCode(&frame)
                    // A row found proves the collection exists: check that only when none is.
                    if let row = frame.context.row(in: collection, id: key) { return .object(row) }
                    guard frame.context.entityRows(in: collection) != nil else { throw .unknownCollection(collection) }
                    return .null
                }, cost: 1 + sourceCost(source) + id.cost, constant: nil)
        case "last_created":
            try arity(name, arguments, 1...1, at: offset)
            let source = try namedOrDynamic(arguments[0], of: name)
            let nameCode = Self.nameCode(source, name)
            return Checked(
                type: rowType(source),
                code: { frame throws(ExpressionRuntimeError) in
                    let collection = try nameCode(&frame)
                    guard frame.context.entityRows(in: collection) != nil else { throw .unknownCollection(collection) }
                    return frame.context.lastCreated(in: collection).map(JSON.object) ?? .null
                }, cost: 1 + sourceCost(source), constant: nil)
        case "now":
            usesContext = true
            try arity(name, arguments, 0...0, at: offset)
            return Checked(
                type: .number, code: { frame in .int(frame.context.nowMilliseconds) }, cost: 1, constant: nil)
        case "calls", "regime":
            usesContext = true
            try arity(name, arguments, 1...1, at: offset)
            let isTool = name == "calls"
            let argument = try stringArgument(arguments[0], of: name)
            if case .string(let literal)? = argument.constant, let known = isTool ? scope.tools : scope.services,
                !known.contains(literal)
            {
                throw error(
                    "unknown \(isTool ? "tool" : "service") '\(literal)'", at: arguments[0].startOffset,
                    suggestion: ExpressionSuggestions.didYouMean(literal, among: known))
            }
            let code = argument.code
            if isTool {
                return Checked(
                    type: .number,
                    code: { frame throws(ExpressionRuntimeError) in
                        .int(frame.context.callCount(of: try Builtins.name(code(&frame), for: "calls")))
                    }, cost: 1 + argument.cost, constant: nil)
            }
            return Checked(
                type: .string,
                code: { frame throws(ExpressionRuntimeError) in
                    let service = try Builtins.name(code(&frame), for: "regime")
                    guard let regime = frame.context.regime(of: service) else { throw .unknownService(service) }
                    return .string(regime)
                }, cost: 1 + argument.cost, constant: nil)
        case "len":
            return try unaryFunction(
                name, arguments, at: offset, accepts: [.string, .array(.any), .openObject], result: .number,
                Builtins.len)
        case "lower", "upper":
            let upper = name == "upper"
            return try unaryFunction(name, arguments, at: offset, accepts: [.string], result: .string) {
                value throws(ExpressionRuntimeError) in try Builtins.changeCase(value, upper: upper)
            }
        case "abs":
            return try unaryFunction(name, arguments, at: offset, accepts: [.number], result: .number, Builtins.abs)
        case "contains":
            try arity(name, arguments, 2...2, at: offset)
            let hay = try value(arguments[0], of: name)
            let needle = try value(arguments[1], of: name)
            try require(
                hay.type, [.array(.any), .string, .openObject], "contains() needs an array, string or object",
                at: arguments[0].startOffset)
            let (h, n) = (hay.code, needle.code)
            return derived(.boolean, [hay, needle]) { frame throws(ExpressionRuntimeError) in
                let container = try h(&frame)
                return try Builtins.contains(container, n(&frame))
            }
        case "round":
            try arity(name, arguments, 1...2, at: offset)
            let number = try value(arguments[0], of: name)
            try require(number.type, [.number], "round() needs a number", at: arguments[0].startOffset)
            let x = number.code
            guard arguments.count == 2 else {
                return derived(.number, [number]) { frame throws(ExpressionRuntimeError) in
                    try Builtins.round(x(&frame), nil)
                }
            }
            let digits = try value(arguments[1], of: name)
            try require(digits.type, [.number], "round() digits must be a number", at: arguments[1].startOffset)
            let d = digits.code
            return derived(.number, [number, digits]) { frame throws(ExpressionRuntimeError) in
                let value = try x(&frame)
                return try Builtins.round(value, d(&frame))
            }
        case "min", "max":
            try arity(name, arguments, 1...2, at: offset)
            let isMax = name == "max"
            var parts: [Checked] = []
            for argument in arguments { parts.append(try value(argument, of: name)) }
            if parts.count == 2 {
                for (part, syntax) in zip(parts, arguments) {
                    try require(part.type, [.number], "\(name)() needs numbers", at: syntax.startOffset)
                }
                let (a, b) = (parts[0].code, parts[1].code)
                return derived(.number, parts) { frame throws(ExpressionRuntimeError) in
                    let first = try a(&frame)
                    return try Builtins.extreme([first, try b(&frame)], max: isMax)
                }
            }
            try require(
                parts[0].type, [.array(.any)], "\(name)() needs two numbers or an array of numbers",
                at: arguments[0].startOffset)
            let array = parts[0].code
            return derived(.number, parts) { frame throws(ExpressionRuntimeError) in
                try Builtins.extreme(Builtins.elements(array(&frame), for: isMax ? "max" : "min"), max: isMax)
            }
        default:
            if let checked = try libraryCall(name, arguments, at: offset) { return checked }
            if name == "if" {
                throw error("there is no function 'if'", at: offset, suggestion: "choose with 'c ? a : b'")
            }
            throw error(
                "unknown function '\(name)'", at: offset,
                suggestion: ExpressionSuggestions.didYouMean(name, among: Self.functionNames))
        }
    }

    private mutating func namedOrDynamic(_ syntax: ExpressionSyntax, of function: String) throws(ExpressionCompileError)
        -> RowSource
    {
        if let source = try rowSource(syntax, of: function) { return source }
        usesContext = true
        return .dynamic(try stringArgument(syntax, of: function))
    }

    private mutating func stringArgument(_ syntax: ExpressionSyntax, of function: String) throws(ExpressionCompileError)
        -> Checked
    {
        let checked = try value(syntax, of: function)
        try require(checked.type, [.string], "\(function)() needs a name string", at: syntax.startOffset)
        return checked
    }

    private mutating func unaryFunction(
        _ name: String, _ arguments: [ExpressionSyntax], at offset: Int, accepts: [ExpressionType],
        result: ExpressionType,
        _ operation: @escaping @Sendable (JSON) throws(ExpressionRuntimeError) -> JSON
    ) throws(ExpressionCompileError) -> Checked {
        try arity(name, arguments, 1...1, at: offset)
        let argument = try value(arguments[0], of: name)
        let described = accepts.map(\.description).joined(separator: " or ")
        try require(argument.type, accepts, "\(name)() needs a \(described)", at: arguments[0].startOffset)
        let code = argument.code
        return derived(result, [argument]) { frame throws(ExpressionRuntimeError) in try operation(code(&frame)) }
    }

    // MARK: Iteration

    /// `count`, `exists`/`any`, `all` and `filter` over a collection (a predicate over `row`, or a
    /// lambda whose parameter is the row) or over an array (a lambda).
    private mutating func quantifier(_ name: String, _ arguments: [ExpressionSyntax], at offset: Int)
        throws(ExpressionCompileError) -> Checked
    {
        try arity(name, arguments, name == "count" ? 1...2 : 2...2, at: offset)
        if arguments.count == 1 { return try size(arguments[0], of: name) }
        let mode: QuantifierMode =
            switch name {
            case "count": .count
            case "exists", "any": .exists
            case "all": .all
            default: .filter
            }
        let predicateWhat = "the predicate of \(name)()"
        let iteration = try iteration(arguments[0], arguments[1], of: name)
        let (source, element, elements) = (iteration.source, iteration.element, iteration.elements)
        let (parameter, predicateSyntax, sourceCost) = (iteration.parameter, iteration.body, iteration.cost)
        let (slot, predicate) = try bind(parameter, element, in: predicateSyntax)
        try requireBoolean(predicate, predicateWhat, at: predicateSyntax.startOffset)
        let (test, step) = (predicate.code, predicate.cost + 1)
        let type: ExpressionType =
            switch mode {
            case .count: .number
            case .filter: .array(element)
            default: .boolean
            }
        // `row.id == E [&& rest]`: at most the row with id E can match, so look it up instead of
        // scanning (not for `all`, which needs every row).
        if let source, mode != .all, let keySyntax = Self.idLookupKey(predicateSyntax, parameter: parameter) {
            let key = try check(keySyntax)
            // When the predicate is only `p.id == E`, the row found satisfies it exactly when its
            // id equals E's value: compare them instead of binding the row and running the test.
            let idOnly = if case .binary(.equal, _, _) = predicateSyntax.kind { true } else { false }
            let bound = boundRow(source, key: keySyntax)
            let lookup = Self.idLookup(
                source, name, key: key.code, bound: bound, slot: idOnly ? nil : slot, step: step)
            let slow = Self.quantify(mode, elements, slot: slot, test: test, step: step, what: predicateWhat)
            var direct: _DirectCondition?
            if idOnly, mode == .exists, let bound, let (argsSlot, keyField) = key.slotMember {
                direct = .boundRowExists(boundSlot: bound, argsSlot: argsSlot, keyField: keyField)
            }
            return Checked(
                type: type,
                code: { frame throws(ExpressionRuntimeError) in
                    guard let found = try lookup(&frame) else { return try slow(&frame) }
                    let holds: Bool
                    if let row = found.row {
                        holds = try idOnly ? row["id"] == found.id : Ops.boolean(test(&frame), for: predicateWhat)
                    } else {
                        holds = false
                    }
                    switch mode {
                    case .count: return .int(holds ? 1 : 0)
                    case .filter: return .array(holds ? [.object(found.row ?? JSONObject())] : [])
                    default: return .bool(holds)
                    }
                }, cost: 1 + sourceCost + predicate.cost, constant: nil, direct: direct)
        }
        return Checked(
            type: type, code: Self.quantify(mode, elements, slot: slot, test: test, step: step, what: predicateWhat),
            cost: 1 + sourceCost + predicate.cost, constant: nil)
    }

    /// What a collection function iterates: a collection's rows (bound to a lambda's parameter,
    /// or to `row` for an expression) or an array's elements (bound to a lambda's parameter).
    struct Iteration {
        /// The collection, when the first argument names one.
        var source: RowSource?
        /// The type of one element (a row's type for a collection).
        var element: ExpressionType
        /// The elements, in order.
        var elements: @Sendable (inout _ExpressionFrame) throws(ExpressionRuntimeError) -> [JSON]
        /// The name the body sees each element as.
        var parameter: String
        /// The body: the lambda's, or the whole last argument over `row`.
        var body: ExpressionSyntax
        /// The cost of producing the elements.
        var cost: Int
    }

    /// `f('coll', row…)`, `f('coll', r -> …)` or `f(xs, x -> …)`: the same rule for `count`,
    /// `exists`/`any`, `all`, `filter` and `map` (docs/scenario-format.md, Expressions).
    mutating func iteration(_ first: ExpressionSyntax, _ last: ExpressionSyntax, of name: String)
        throws(ExpressionCompileError) -> Iteration
    {
        let (source, array) = try collectionOrArray(first, of: name, lastIsLambda: isLambda(last))
        if let source {
            let rows = Self.rowsCode(source, name)
            let (parameter, body) =
                if case .lambda(let parameter, let body) = last.kind { (parameter, body) } else { ("row", last) }
            return Iteration(
                source: source, element: rowType(source),
                elements: { frame throws(ExpressionRuntimeError) in try rows(&frame).map(JSON.object) },
                parameter: parameter, body: body, cost: sourceCost(source))
        }
        guard let array else { throw error("\(name)() needs an array", at: first.startOffset) }
        try requireArray(array, of: name, at: first.startOffset)
        let arrayCode = array.code
        let (parameter, body) = try requireLambda(last, of: name)
        return Iteration(
            source: nil, element: elementType(array.type),
            elements: { frame throws(ExpressionRuntimeError) in try Builtins.elements(arrayCode(&frame), for: name) },
            parameter: parameter, body: body, cost: array.cost)
    }

    /// `count('coll')`, `count(xs)`: how many rows or elements.
    private mutating func size(_ argument: ExpressionSyntax, of name: String) throws(ExpressionCompileError)
        -> Checked
    {
        let (source, array) = try collectionOrArray(argument, of: name, lastIsLambda: false)
        if let source {
            let rows = Self.rowsCode(source, name)
            return Checked(
                type: .number,
                code: { frame throws(ExpressionRuntimeError) in
                    try frame.charge(1)
                    return .int(Int64(try rows(&frame).count))
                }, cost: 1 + sourceCost(source), constant: nil)
        }
        guard let array else { throw error("\(name)() needs an array", at: argument.startOffset) }
        try requireArray(array, of: name, at: argument.startOffset)
        let code = array.code
        return Checked(
            type: .number,
            code: { frame throws(ExpressionRuntimeError) in
                .int(Int64(try Builtins.elements(code(&frame), for: name).count))
            }, cost: 1 + array.cost, constant: nil)
    }

    /// The scanning evaluation of a quantifier: the predicate on every element, in order.
    private static func quantify(
        _ mode: QuantifierMode,
        _ elements: @escaping @Sendable (inout _ExpressionFrame) throws(ExpressionRuntimeError) -> [JSON],
        slot: Int, test: @escaping _ExpressionCode, step: Int, what predicateWhat: String
    ) -> _ExpressionCode {
        { frame throws(ExpressionRuntimeError) in
            var matches = 0
            var kept: [JSON] = []
            for value in try elements(&frame) {
                try frame.charge(step)
                frame.slots[slot] = value
                let holds = try Ops.boolean(test(&frame), for: predicateWhat)
                switch mode {
                case .exists: if holds { return .bool(true) }
                case .all: if !holds { return .bool(false) }
                case .count: if holds { matches += 1 }
                case .filter: if holds { kept.append(value) }
                }
            }
            switch mode {
            case .exists: return .bool(false)
            case .all: return .bool(true)
            case .count: return .int(matches)
            case .filter: return .array(kept)
            }
        }
    }

    /// What an id lookup found: nothing can match (`row` nil), or the one row that may, whose id
    /// equals `id` (E's value) as far as the index can tell.
    struct IDLookup {
        var row: JSONObject?
        var id: JSON = .null
    }

    /// For a predicate `p.id == E`, `E == p.id`, or one whose first conjunct (`&&`, leftmost) is
    /// such, with `E` not mentioning `p`: `E`'s syntax. Only rows whose id equals `E` can satisfy
    /// such a predicate, and for the others it is false without evaluating anything past `E`.
    static func idLookupKey(_ predicate: ExpressionSyntax, parameter: String) -> ExpressionSyntax? {
        switch predicate.kind {
        case .binary(.and, let lhs, _):
            return idLookupKey(lhs, parameter: parameter)
        case .binary(.equal, let lhs, let rhs):
            if isID(of: parameter, lhs), !mentions(rhs, parameter) { return rhs }
            if isID(of: parameter, rhs), !mentions(lhs, parameter) { return lhs }
            return nil
        default:
            return nil
        }
    }

    private static func isID(of parameter: String, _ syntax: ExpressionSyntax) -> Bool {
        if case .member(let base, "id") = syntax.kind, case .name(let name) = base.kind { return name == parameter }
        return false
    }

    /// Whether `name` occurs anywhere in `syntax` (conservatively, even where rebound).
    private static func mentions(_ syntax: ExpressionSyntax, _ name: String) -> Bool {
        switch syntax.kind {
        case .literal: return false
        case .name(let other): return other == name
        case .array(let elements): return elements.contains { mentions($0, name) }
        case .object(let members): return members.contains { mentions($0.value, name) }
        case .conditional(let condition, let then, let otherwise):
            return mentions(condition, name) || mentions(then, name) || mentions(otherwise, name)
        case .member(let base, _): return mentions(base, name)
        case .index(let base, let index): return mentions(base, name) || mentions(index, name)
        case .unary(_, let operand): return mentions(operand, name)
        case .binary(_, let lhs, let rhs): return mentions(lhs, name) || mentions(rhs, name)
        case .call(_, let arguments): return arguments.contains { mentions($0, name) }
        case .lambda(let parameter, let body): return parameter == name || mentions(body, name)
        }
    }

    /// The slot of the scope's bound row when `source` and `key` look up that row: the binding's
    /// collection named literally and `args.<keyField>`, with `args` the scope's variable.
    private mutating func boundRow(_ source: RowSource, key: ExpressionSyntax) -> Int? {
        guard let binding = scope.rowBinding, case .named(let collection, _) = source,
            collection == binding.collection, case .member(let base, let field) = key.kind, field == binding.keyField,
            case .name("args") = base.kind, !locals.contains(where: { $0.name == "args" }),
            let slot = scope.slot(of: ExpressionRowBinding.variable)
        else { return nil }
        boundRowSlot = slot.index
        return slot.index
    }

    /// The id lookup behind the `row.id == E` fast path. Returns nil when the context does not
    /// index rows by id (the caller scans instead); otherwise the candidate row (bound to `slot`
    /// when one is given, for the caller's test) and E's value, or no row when none can match.
    /// Like the scan, it fails on an unknown collection, evaluates `E` only when the collection
    /// has rows, and charges one row's step. With `bound`, the row with id `E` is read from that
    /// slot (see `ExpressionRowBinding`).
    static func idLookup(
        _ source: RowSource, _ function: String, key: @escaping _ExpressionCode, bound: Int?, slot: Int?, step: Int
    ) -> @Sendable (inout _ExpressionFrame) throws(ExpressionRuntimeError) -> IDLookup? {
        let nameCode = Self.nameCode(source, function)
        return { frame throws(ExpressionRuntimeError) in
            guard frame.context.rowsAreIndexedByID else { return nil }
            let found: JSONObject?
            let id: JSON
            if let bound, case .object(let row) = frame.slots[bound] {
                // The row exists, so the collection has rows: what follows, without looking.
                id = try key(&frame)
                try frame.charge(step)
                found = row
            } else {
                let collection = try nameCode(&frame)
                guard let isEmpty = frame.context.entityRows(in: collection)?.isEmpty else {
                    throw .unknownCollection(collection)
                }
                if isEmpty { return IDLookup(row: nil) }
                id = try key(&frame)
                try frame.charge(step)
                found = bound != nil ? nil : frame.context.row(in: collection, id: id)
            }
            // Every id is a string: nothing else can equal one.
            guard case .string = id, let row = found else { return IDLookup(row: nil) }
            if let slot { frame.slots[slot] = .object(row) }
            return IDLookup(row: row, id: id)
        }
    }

    /// A term or predicate over a collection's rows: a lambda's parameter and body, or `row` and
    /// the whole expression.
    private func overRow(_ syntax: ExpressionSyntax) -> (parameter: String, body: ExpressionSyntax) {
        if case .lambda(let parameter, let body) = syntax.kind { return (parameter, body) }
        return ("row", syntax)
    }

    /// `sum('coll', expr[, pred])` (term and predicate over `row`, or lambdas), `sum(xs)`,
    /// `sum(xs, x -> e)`.
    private mutating func sum(_ arguments: [ExpressionSyntax], at offset: Int) throws(ExpressionCompileError) -> Checked
    {
        try arity("sum", arguments, 1...3, at: offset)
        let lastIsLambda = arguments.count > 1 && isLambda(arguments[arguments.count - 1])
        let (source, array) = try collectionOrArray(arguments[0], of: "sum", lastIsLambda: lastIsLambda)
        if let source {
            try arity("sum", arguments, 2...3, at: offset)
            let type = rowType(source)
            let (termParameter, termSyntax) = overRow(arguments[1])
            let (slot, term) = try bind(termParameter, type, in: termSyntax)
            try require(term.type, [.number], "the term of sum() must be a number", at: termSyntax.startOffset)
            var filter: Checked?
            if arguments.count == 3 {
                let (parameter, predicateSyntax) = overRow(arguments[2])
                // The filter sees the same row slot as the term.
                locals.append((parameter, slot, type))
                defer { locals.removeLast() }
                let predicate = try check(predicateSyntax)
                try requireBoolean(predicate, "the predicate of sum()", at: predicateSyntax.startOffset)
                filter = predicate
            }
            let (rows, termCode, filterCode) = (Self.rowsCode(source, "sum"), term.code, filter?.code)
            let step = term.cost + (filter?.cost ?? 0) + 1
            return Checked(
                type: .number,
                code: { frame throws(ExpressionRuntimeError) in
                    var total = JSON.int(0)
                    for row in try rows(&frame) {
                        try frame.charge(step)
                        frame.slots[slot] = .object(row)
                        if let filterCode, !(try Ops.boolean(filterCode(&frame), for: "the predicate of sum()")) {
                            continue
                        }
                        try Builtins.accumulate(&total, termCode(&frame))
                    }
                    return total
                }, cost: 1 + sourceCost(source) + step, constant: nil)
        }
        guard let array else { throw error("sum() needs an array", at: arguments[0].startOffset) }
        try arity("sum", arguments, 1...2, at: offset)
        if arguments.count == 1 {
            let code = array.code
            return Checked(
                type: .number,
                code: { frame throws(ExpressionRuntimeError) in
                    let elements = try Builtins.elements(code(&frame), for: "sum")
                    try frame.charge(elements.count)
                    var total = JSON.int(0)
                    for element in elements { try Builtins.accumulate(&total, element) }
                    return total
                }, cost: 1 + array.cost, constant: nil)
        }
        let (parameter, bodySyntax) = try requireLambda(arguments[1], of: "sum")
        let (slot, term) = try bind(parameter, elementType(array.type), in: bodySyntax)
        try require(term.type, [.number], "the term of sum() must be a number", at: bodySyntax.startOffset)
        let (arrayCode, termCode, step) = (array.code, term.code, term.cost + 1)
        return Checked(
            type: .number,
            code: { frame throws(ExpressionRuntimeError) in
                var total = JSON.int(0)
                for element in try Builtins.elements(arrayCode(&frame), for: "sum") {
                    try frame.charge(step)
                    frame.slots[slot] = element
                    try Builtins.accumulate(&total, termCode(&frame))
                }
                return total
            }, cost: 1 + array.cost + term.cost, constant: nil)
    }
}

/// What a quantifier computes from its predicate's results.
private enum QuantifierMode {
    case count, exists, all, filter
}
