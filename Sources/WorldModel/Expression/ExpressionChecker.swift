/// Resolves names against an `ExpressionScope`, checks types, and compiles the syntax tree
/// once into closures (`_ExpressionCode`).
///
/// Every node yields its static type, its code, its static cost (nodes in it, charged against
/// the evaluation budget; a loop charges its body's cost per element or row) and, when it
/// depends on no variable and no world state, its constant value, computed here once. A
/// constant that fails to evaluate (`1 / 0`) is a compile error.
struct ExpressionChecker {
    /// A checked node.
    struct Checked {
        var type: ExpressionType
        var code: _ExpressionCode
        var cost: Int
        var constant: JSON?
        /// The scope slot, when the node is just a variable read (enables fused fast paths).
        var slot: Int?
        /// The slot and key, when the node is `variable.field` (enables fused fast paths).
        var slotMember: (slot: Int, key: String)?
        /// The node as a condition testable without a frame, when it has such a shape.
        var direct: _DirectCondition?
    }

    typealias Ops = _ExpressionOperations
    typealias Builtins = _ExpressionBuiltins

    let source: String
    let scope: ExpressionScope
    /// Lambda parameters and per-row `row` variables in scope, innermost last.
    var locals: [(name: String, slot: Int, type: ExpressionType)] = []
    /// The number of slots needed: scope variables, then locals.
    var slotCount: Int
    var referencedVariables: Set<String> = []
    var referencedCollections: Set<String> = []
    /// Whether any node reads the world state.
    var usesContext = false
    /// The slot of the scope's bound row, once a lookup has been compiled to read it.
    var boundRowSlot: Int?

    init(source: String, scope: ExpressionScope) {
        self.source = source
        self.scope = scope
        self.slotCount = scope.variables.count
    }

    func error(_ message: String, at offset: Int, suggestion: String? = nil) -> ExpressionCompileError {
        ExpressionCompileError(source: source, offset: offset, message: message, suggestion: suggestion)
    }

    // MARK: Nodes

    mutating func check(_ syntax: ExpressionSyntax) throws(ExpressionCompileError) -> Checked {
        var checked = try checkUnfolded(syntax)
        if checked.constant == nil { return checked }
        // Fold: evaluate once now, within the default budget (so `range(1000000000)` fails here).
        var frame = _ExpressionFrame(
            slots: [], storedContext: nil, steps: 0, budget: CompiledExpression.defaultBudget)
        do {
            let value = try checked.code(&frame)
            checked.constant = value
            checked.code = { _ in value }
            return checked
        } catch {
            throw self.error(error.description, at: syntax.offset)
        }
    }

    func constant(_ value: JSON, _ type: ExpressionType) -> Checked {
        Checked(type: type, code: { _ in value }, cost: 1, constant: value)
    }

    /// A node whose value is a pure function of its operands: constant when they all are.
    func derived(_ type: ExpressionType, _ parts: [Checked], _ code: @escaping _ExpressionCode) -> Checked {
        let isConstant = parts.allSatisfy { $0.constant != nil }
        return Checked(
            type: type, code: code, cost: 1 + parts.reduce(0) { $0 + $1.cost }, constant: isConstant ? .null : nil)
    }

    private mutating func checkUnfolded(_ syntax: ExpressionSyntax) throws(ExpressionCompileError) -> Checked {
        switch syntax.kind {
        case .literal(let value):
            return constant(value, ExpressionType(of: value))
        case .array(let elements):
            var parts: [Checked] = []
            for element in elements { parts.append(try check(element)) }
            let codes = parts.map(\.code)
            let first = parts.first?.type ?? .any
            let elementType = parts.allSatisfy { $0.type == first } ? first : .any
            return derived(.array(elementType), parts) { frame throws(ExpressionRuntimeError) in
                var values: [JSON] = []
                values.reserveCapacity(codes.count)
                for code in codes { values.append(try code(&frame)) }
                return .array(values)
            }
        case .object(let members):
            var parts: [Checked] = []
            var fields: [String: ExpressionType] = [:]
            for member in members {
                let part = try check(member.value)
                parts.append(part)
                fields[member.key] = part.type
            }
            let keys = members.map(\.key)
            let codes = parts.map(\.code)
            return derived(.object(fields: fields, open: false), parts) { frame throws(ExpressionRuntimeError) in
                var values: [JSON] = []
                values.reserveCapacity(codes.count)
                for code in codes { values.append(try code(&frame)) }
                return .object(JSONObject(uniqueKeys: keys, values: values))
            }
        case .conditional(let conditionSyntax, let thenSyntax, let elseSyntax):
            let condition = try check(conditionSyntax)
            try require(condition.type, [.boolean], "the condition of '? :' must be a boolean", at: syntax.offset)
            let (then, otherwise) = (try check(thenSyntax), try check(elseSyntax))
            let (test, thenCode, elseCode) = (condition.code, then.code, otherwise.code)
            // Only the chosen side is evaluated; the node is constant only when every part is.
            return derived(then.type.joined(with: otherwise.type), [condition, then, otherwise]) {
                frame throws(ExpressionRuntimeError) in
                try Ops.boolean(test(&frame), for: "the condition of '? :'")
                    ? try thenCode(&frame) : try elseCode(&frame)
            }
        case .name(let name):
            return try resolve(name, at: syntax.offset)
        case .member(let baseSyntax, let key):
            let base = try check(baseSyntax)
            let type = try memberType(of: base.type, key, baseSyntax: baseSyntax, at: syntax.offset)
            if let slot = base.slot {
                var checked = derived(type, [base]) { frame throws(ExpressionRuntimeError) in
                    try Ops.member(ofSlot: slot, key, in: frame.slots)
                }
                checked.slotMember = (slot, key)
                return checked
            }
            let baseCode = base.code
            return derived(type, [base]) { frame throws(ExpressionRuntimeError) in
                try Ops.member(baseCode(&frame), key)
            }
        case .index(let baseSyntax, let indexSyntax):
            let base = try check(baseSyntax)
            let index = try check(indexSyntax)
            let type = try indexType(of: base.type, index: index, baseSyntax: baseSyntax, at: syntax.offset)
            let (baseCode, indexCode) = (base.code, index.code)
            return derived(type, [base, index]) { frame throws(ExpressionRuntimeError) in
                let container = try baseCode(&frame)
                return try Ops.index(container, indexCode(&frame))
            }
        case .unary(let op, let operandSyntax):
            let operand = try check(operandSyntax)
            let code = operand.code
            switch op {
            case .not:
                try require(operand.type, [.boolean], "'!' needs a boolean", at: syntax.offset)
                return derived(.boolean, [operand]) { frame throws(ExpressionRuntimeError) in
                    .bool(!(try Ops.boolean(code(&frame), for: "'!'")))
                }
            case .negate:
                try require(operand.type, [.number], "unary '-' needs a number", at: syntax.offset)
                return derived(.number, [operand]) { frame throws(ExpressionRuntimeError) in
                    try Ops.negate(code(&frame))
                }
            }
        case .binary(let op, let lhsSyntax, let rhsSyntax):
            return try binary(op, try check(lhsSyntax), try check(rhsSyntax), at: syntax.offset)
        case .call(let name, let arguments):
            return try call(name, arguments, at: syntax.offset)
        case .lambda:
            throw error(
                "a lambda 'x -> …' is only allowed as the last argument of all, any, map, filter, count, exists, "
                    + "sum, sort, first or index_of",
                at: syntax.offset)
        }
    }

    private mutating func resolve(_ name: String, at offset: Int) throws(ExpressionCompileError) -> Checked {
        if let local = locals.last(where: { $0.name == name }) {
            let slot = local.slot
            return Checked(type: local.type, code: { frame in frame.slots[slot] }, cost: 1, constant: nil, slot: slot)
        }
        if let slot = scope.slot(of: name) {
            referencedVariables.insert(name)
            let index = slot.index
            return Checked(
                type: scope.variables[index].type, code: { frame in frame.slots[index] }, cost: 1, constant: nil,
                slot: index)
        }
        let names = scope.variables.map(\.name) + locals.map(\.name)
        var options = ExpressionSuggestions.closest(to: name, among: Set(names)).map { "'\($0)'" }
        for variable in scope.variables where variable.type.closedFieldNames?.contains(name) == true {
            options.append("'\(variable.name).\(name)'")
        }
        options.append("the string \"'\(name)'\"")
        let message =
            Self.functionNames.contains(name)
            ? "'\(name)' is a function; call it as \(name)(…)" : "unknown name '\(name)'"
        throw error(message, at: offset, suggestion: ExpressionSuggestions.didYouMean(options))
    }

    /// How a base reads in messages: `row`, `row.address`, or its type.
    private func describe(_ syntax: ExpressionSyntax, _ type: ExpressionType) -> String {
        switch syntax.kind {
        case .name(let name): return name
        case .member(let base, let key):
            let prefix = describe(base, .any)
            return prefix == "value" ? "object" : "\(prefix).\(key)"
        default: return type == .any ? "value" : "\(type)"
        }
    }

    private func memberType(
        of type: ExpressionType, _ key: String, baseSyntax: ExpressionSyntax, at offset: Int
    ) throws(ExpressionCompileError) -> ExpressionType {
        switch type {
        case .any, .null: return type
        case .object(let fields, let open):
            if let field = fields[key] { return field }
            if open { return .any }
            throw error(
                "unknown field '\(key)' of \(describe(baseSyntax, type))", at: offset,
                suggestion: ExpressionSuggestions.didYouMean(key, among: fields.keys))
        default:
            throw error("cannot read field '\(key)' of \(describe(baseSyntax, type)), a \(type)", at: offset)
        }
    }

    private func indexType(
        of type: ExpressionType, index: Checked, baseSyntax: ExpressionSyntax, at offset: Int
    ) throws(ExpressionCompileError) -> ExpressionType {
        switch type {
        case .any, .null: return type
        case .array(let element):
            try require(index.type, [.number], "an array index must be a number", at: offset)
            return element
        case .object(let fields, let open):
            try require(index.type, [.string], "an object key must be a string", at: offset)
            guard case .string(let key)? = index.constant else { return .any }
            return try memberType(of: .object(fields: fields, open: open), key, baseSyntax: baseSyntax, at: offset)
        default:
            throw error("cannot index into \(describe(baseSyntax, type)), a \(type)", at: offset)
        }
    }

    /// Fails unless `type` is `any` or one of `allowed`.
    func require(_ type: ExpressionType, _ allowed: [ExpressionType], _ message: String, at offset: Int)
        throws(ExpressionCompileError)
    {
        if type == .any { return }
        for candidate in allowed {
            if candidate == type { return }
            if case .array = candidate, case .array = type { return }
            if case .object = candidate, case .object = type { return }
        }
        throw error("\(message), got \(type)", at: offset)
    }

    // MARK: Operators

    private func binary(
        _ op: ExpressionSyntax.BinaryOperator, _ lhs: Checked, _ rhs: Checked, at offset: Int
    ) throws(ExpressionCompileError) -> Checked {
        let (l, r) = (lhs.code, rhs.code)
        let name = "'\(op.rawValue)'"
        switch op {
        case .or, .and:
            try require(lhs.type, [.boolean], "\(name) needs booleans", at: offset)
            try require(rhs.type, [.boolean], "\(name) needs booleans", at: offset)
            let isOr = op == .or
            return derived(.boolean, [lhs, rhs]) { frame throws(ExpressionRuntimeError) in
                let left = try Ops.boolean(l(&frame), for: name)
                if left == isOr { return .bool(isOr) }
                return .bool(try Ops.boolean(r(&frame), for: name))
            }
        case .equal, .notEqual:
            let negate = op == .notEqual
            // Fused fast paths for the shapes filters are made of: `row.a == args.b`, `row.a == 'x'`.
            if let (slotL, keyL) = lhs.slotMember, let (slotR, keyR) = rhs.slotMember {
                return derived(.boolean, [lhs, rhs]) { frame throws(ExpressionRuntimeError) in
                    let left = try Ops.member(ofSlot: slotL, keyL, in: frame.slots)
                    return .bool((left == (try Ops.member(ofSlot: slotR, keyR, in: frame.slots))) != negate)
                }
            }
            if let (slot, key) = lhs.slotMember, let value = rhs.constant {
                var checked = derived(.boolean, [lhs, rhs]) { frame throws(ExpressionRuntimeError) in
                    .bool((try Ops.member(ofSlot: slot, key, in: frame.slots) == value) != negate)
                }
                checked.direct = .memberEquals(slot: slot, key: key, value: value, negate: negate)
                return checked
            }
            return derived(.boolean, [lhs, rhs]) { frame throws(ExpressionRuntimeError) in
                let left = try l(&frame)
                return .bool((left == (try r(&frame))) != negate)
            }
        case .less, .lessEqual, .greater, .greaterEqual:
            try require(lhs.type, [.number, .string], "\(name) needs two numbers or two strings", at: offset)
            try require(rhs.type, [.number, .string], "\(name) needs two numbers or two strings", at: offset)
            if lhs.type != .any, rhs.type != .any, lhs.type != rhs.type {
                throw error("\(name) needs two numbers or two strings, got \(lhs.type) and \(rhs.type)", at: offset)
            }
            return derived(.boolean, [lhs, rhs]) { frame throws(ExpressionRuntimeError) in
                let left = try l(&frame)
                return .bool(try Ops.compare(op, left, r(&frame)))
            }
        case .in:
            try require(
                rhs.type, [.array(.any), .string, .openObject], "'in' needs an array, string or object on the right",
                at: offset)
            if rhs.type == .string || rhs.type.isObjectLike && rhs.type != .any && rhs.type != .null {
                try require(lhs.type, [.string], "'in' on a \(rhs.type) needs a string on the left", at: offset)
            }
            return derived(.boolean, [lhs, rhs]) { frame throws(ExpressionRuntimeError) in
                let element = try l(&frame)
                return .bool(try Ops.contains(r(&frame), element))
            }
        case .add:
            let type = try additionType(lhs.type, rhs.type, at: offset)
            return derived(type, [lhs, rhs]) { frame throws(ExpressionRuntimeError) in
                let left = try l(&frame)
                return try Ops.add(left, r(&frame))
            }
        case .subtract, .multiply, .divide, .remainder:
            try require(lhs.type, [.number], "\(name) needs numbers", at: offset)
            try require(rhs.type, [.number], "\(name) needs numbers", at: offset)
            let operation: @Sendable (JSON, JSON) throws(ExpressionRuntimeError) -> JSON =
                switch op {
                case .subtract: Ops.subtract
                case .multiply: Ops.multiply
                case .divide: Ops.divide
                default: Ops.remainder
                }
            return derived(.number, [lhs, rhs]) { frame throws(ExpressionRuntimeError) in
                let left = try l(&frame)
                return try operation(left, r(&frame))
            }
        }
    }

    private func additionType(_ lhs: ExpressionType, _ rhs: ExpressionType, at offset: Int)
        throws(ExpressionCompileError) -> ExpressionType
    {
        func addable(_ type: ExpressionType) -> Bool {
            switch type {
            case .any, .number, .string, .array: true
            default: false
            }
        }
        guard addable(lhs), addable(rhs) else {
            throw error("'+' needs two numbers, two strings or two arrays, got \(lhs) and \(rhs)", at: offset)
        }
        if lhs == .any { return rhs == .any ? .any : (rhs.isArray ? .array(.any) : rhs) }
        if rhs == .any { return lhs.isArray ? .array(.any) : lhs }
        if lhs == rhs { return lhs }
        if lhs.isArray, rhs.isArray { return .array(.any) }
        throw error("'+' needs two numbers, two strings or two arrays, got \(lhs) and \(rhs)", at: offset)
    }
}

extension ExpressionType {
    var isArray: Bool {
        if case .array = self { return true }
        return false
    }

    /// The type of a value that is either of two types (the sides of `c ? a : b`): the type
    /// itself when they agree, the other when one is `null` (any value may be null), arrays of
    /// the joined element type, objects with the fields of both (each joined where both have
    /// it), and `any` otherwise.
    func joined(with other: ExpressionType) -> ExpressionType {
        switch (self, other) {
        case _ where self == other: return self
        case (.null, _): return other
        case (_, .null): return self
        case (.array(let a), .array(let b)): return .array(a.joined(with: b))
        case (.object(let a, let openA), .object(let b, let openB)):
            let fields = a.merging(b) { first, second in first.joined(with: second) }
            return .object(fields: fields, open: openA || openB)
        default: return .any
        }
    }
}
