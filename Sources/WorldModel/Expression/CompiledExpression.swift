/// A compiled, type-checked expression of the scenario language, ready to evaluate many times.
///
/// Compile once at load with `CompiledExpression.compile(_:in:)`; evaluate per call with the world state
/// and the variables' values. Semantics, in short:
/// - **Values** are JSON. Literals: `'text'` (escapes `\'` and `\\`), integers, doubles, `true`,
///   `false`, `null`, arrays `[1, 'a']`, objects `{name: 1, 'any key': 2}`.
/// - **Access**: `a.b` on an object without `b` is `null`; `.b` or `[i]` on `null` is `null`
///   (null-propagating); on any other non-object (non-array for `[i]`) it is a type error.
///   An out-of-range index is `null`; `obj['key']` reads a member.
/// - **Equality** `==`/`!=` compares any values structurally, numbers numerically (`1 == 1.0`).
///   **Order** `< <= > >=` needs two numbers or two strings (UTF-8 byte order).
/// - **Logic** `&&`/`||` short-circuit and need booleans; `!` needs a boolean; `c ? a : b`
///   evaluates only the chosen side.
/// - **Arithmetic**: integer op integer stays an integer for `+ - * %` (overflow is an error);
///   `/` always gives a double; a double operand gives a double; `/` or `%` by zero is an error;
///   `+` also concatenates strings and arrays. `round` is half to even on the exact value.
/// - **`in`**: element of an array, substring of a string, key of an object.
/// - **Functions**: `count`, `exists`, `sum` over a collection (`'name'`, with `row` bound to
///   each row, shadowing an outer `row`) or an array with a lambda; `all`, `any`, `map`,
///   `filter`, `sort`, `first`, `index_of` with a lambda `x -> …`; `get`, `last_created`, `len`,
///   `lower`, `upper`, `contains`, `round`, `abs`, `min`, `max`, `now`, `calls`, `regime`; and
///   the 1.1 library (`ExpressionChecker+Library.swift`): `object`, `merge`, `range`, `zip`,
///   `enumerate`, `reverse`, `unique`, `flatten`, `slice`, `keys`, `values`, `entries`, `str`,
///   `num`, `join`, `split`, `starts_with`, `ends_with`, `replace`, `trim`, `calc`.
/// - **Cost**: every evaluation is charged its node count plus, per row or element a loop
///   visits or a function builds, the node count of the loop's body (one step for a function),
///   and one step per 16 bytes of text built; past the budget it fails with `costExceeded`.
///   Constant sub-expressions are folded at compile time within the default budget.
package struct CompiledExpression: Sendable {
    /// The default evaluation budget in steps.
    package static let defaultBudget = 1_000_000

    /// Everything below, behind one reference: tools keep expressions in arrays and structs that
    /// the step path copies, and a copy then costs one retain instead of one per field.
    private let storage: _ExpressionStorage

    /// The source text the expression was compiled from.
    package var source: String { storage.source }
    /// The static type of the result (`any` when unknown).
    package var type: ExpressionType { storage.type }
    /// The value, when the expression depends on no variable and no world state.
    package var constantValue: JSON? { storage.constantValue }
    /// Scope variables the expression reads (lambda parameters and `row` of a collection
    /// function are not included).
    package var referencedVariables: Set<String> { storage.referencedVariables }
    /// Collections named literally by `count`, `exists`, `sum`, `get` or `last_created`.
    package var referencedCollections: Set<String> { storage.referencedCollections }

    var code: _ExpressionCode { storage.code }
    /// Nodes in the expression, charged once per evaluation.
    var staticCost: Int { storage.staticCost }
    /// Scope variables the bindings must hold.
    var variableCount: Int { storage.variableCount }
    /// Slots needed during evaluation, scope variables included.
    var slotCount: Int { storage.slotCount }
    /// Whether evaluation reads the world state; when not, the context is not even stored.
    var usesContext: Bool { storage.usesContext }
    /// When the whole expression is `variable.field` (`args.customer_id`): the variable's slot
    /// and the field, so callers holding the variable's value can read the field directly.
    var variableMember: (slot: Int, key: String)? { storage.variableMember }
    /// The scope the expression was compiled in (for `binding(_:)`).
    var scope: ExpressionScope { storage.scope }
    /// The slot of the bound row (`ExpressionRowBinding`), when the expression reads it.
    var boundRowSlot: Int? { storage.boundRowSlot }
    /// The expression as a condition testable without a frame, when it has such a shape.
    var directCondition: _DirectCondition? { storage.directCondition }

    /// Whether the expression always yields the same value (`constantValue` is set).
    package var isConstant: Bool { constantValue != nil }

    /// Parses, type-checks and compiles `source` against the names in `scope`.
    package static func compile(_ source: String, in scope: ExpressionScope = ExpressionScope())
        throws(ExpressionCompileError) -> CompiledExpression
    {
        let syntax = try ExpressionParser.parse(source)
        var checker = ExpressionChecker(source: source, scope: scope)
        let root = try checker.check(syntax)
        return CompiledExpression(
            storage: _ExpressionStorage(
                source: source, type: root.type, constantValue: root.constant,
                referencedVariables: checker.referencedVariables, referencedCollections: checker.referencedCollections,
                code: root.code, staticCost: root.cost, variableCount: scope.variables.count,
                slotCount: checker.slotCount,
                usesContext: checker.usesContext,
                variableMember: root.slotMember.flatMap { $0.slot < scope.variables.count ? $0 : nil },
                scope: scope, boundRowSlot: checker.boundRowSlot,
                directCondition: root.constant == nil ? root.direct : nil))
    }

    /// The value of `variable.field` given the variable's value: exactly what evaluating does
    /// (`null` for a missing field or a `null` variable, a type error otherwise), without a frame.
    static func member(of value: JSON, _ key: String) throws(ExpressionRuntimeError) -> JSON {
        try _ExpressionOperations.member(value, key)
    }

    /// Evaluates against the world state `context` with the variables in `bindings`
    /// (made from the scope the expression was compiled in).
    package func evaluate(
        _ context: some ExpressionContext, _ bindings: ExpressionBindings,
        budget: Int = CompiledExpression.defaultBudget
    ) throws(ExpressionRuntimeError) -> JSON {
        if let constantValue { return constantValue }
        guard bindings.values.count >= variableCount else {
            throw .bindingsMismatch(expected: variableCount, found: bindings.values.count)
        }
        var frame = _ExpressionFrame(
            slots: bindings.values, storedContext: usesContext ? context : nil, steps: 0, budget: budget)
        if slotCount > frame.slots.count {
            frame.slots.append(contentsOf: repeatElement(.null, count: slotCount - frame.slots.count))
        }
        try frame.charge(staticCost)
        return try code(&frame)
    }

    /// Evaluates with `slots` (variable values first, at least `variableCount` of them) lent to
    /// the evaluation and handed back after it, possibly grown by the lambda and row slots, so
    /// writing those slots neither copies nor reallocates the values on every call.
    func evaluate(
        _ context: some ExpressionContext, lending slots: inout [JSON], budget: Int = CompiledExpression.defaultBudget
    ) throws(ExpressionRuntimeError) -> JSON {
        if let constantValue { return constantValue }
        guard slots.count >= variableCount else {
            throw .bindingsMismatch(expected: variableCount, found: slots.count)
        }
        var frame = _ExpressionFrame(
            slots: [], storedContext: usesContext ? context : nil, steps: 0, budget: budget)
        swap(&frame.slots, &slots)
        defer { swap(&frame.slots, &slots) }
        if slotCount > frame.slots.count {
            frame.slots.append(contentsOf: repeatElement(.null, count: slotCount - frame.slots.count))
        }
        try frame.charge(staticCost)
        return try code(&frame)
    }

    /// Evaluates without world state (collection functions see no collections, `now()` is 0).
    package func evaluate(
        _ bindings: ExpressionBindings = ExpressionBindings(), budget: Int = CompiledExpression.defaultBudget
    )
        throws(ExpressionRuntimeError) -> JSON
    {
        try evaluate(_NoExpressionContext(), bindings, budget: budget)
    }

    /// Evaluates a condition (filter, precondition, check): the result must be a boolean.
    package func evaluateCondition(
        _ context: some ExpressionContext, _ bindings: ExpressionBindings,
        budget: Int = CompiledExpression.defaultBudget
    ) throws(ExpressionRuntimeError) -> Bool {
        let value = try evaluate(context, bindings, budget: budget)
        guard case .bool(let flag) = value else { throw .notABoolean(_ExpressionOperations.describe(value)) }
        return flag
    }
}

/// The compiled parts of an `CompiledExpression`, immutable and shared by its copies.
final class _ExpressionStorage: Sendable {
    let source: String
    let type: ExpressionType
    let constantValue: JSON?
    let referencedVariables: Set<String>
    let referencedCollections: Set<String>
    let code: _ExpressionCode
    let staticCost: Int
    let variableCount: Int
    let slotCount: Int
    let usesContext: Bool
    let variableMember: (slot: Int, key: String)?
    let scope: ExpressionScope
    let boundRowSlot: Int?
    let directCondition: _DirectCondition?

    init(
        source: String, type: ExpressionType, constantValue: JSON?, referencedVariables: Set<String>,
        referencedCollections: Set<String>, code: @escaping _ExpressionCode, staticCost: Int, variableCount: Int,
        slotCount: Int, usesContext: Bool, variableMember: (slot: Int, key: String)?, scope: ExpressionScope,
        boundRowSlot: Int?, directCondition: _DirectCondition?
    ) {
        self.source = source
        self.type = type
        self.constantValue = constantValue
        self.referencedVariables = referencedVariables
        self.referencedCollections = referencedCollections
        self.code = code
        self.staticCost = staticCost
        self.variableCount = variableCount
        self.slotCount = slotCount
        self.usesContext = usesContext
        self.variableMember = variableMember
        self.scope = scope
        self.boundRowSlot = boundRowSlot
        self.directCondition = directCondition
    }
}
