/// `calc(s)`: the value of an arithmetic string such as `'(12.5 + 3) * 2 / 5'`.
///
/// The grammar is numbers (`12`, `0.5`, `.5`), `+ - * /`, parentheses and unary minus (and
/// plus), with spaces anywhere between them; the arithmetic is the expression language's own
/// (integers stay integers except under `/`). Anything else is an `invalidArgument` error
/// naming the character and its position, never a crash: nesting is bounded, and the caller
/// charges the text's length against the evaluation budget.
struct _Calculator {
    private typealias Ops = _ExpressionOperations
    /// The deepest nesting of parentheses and unary signs accepted.
    static let maximumDepth = 64

    private let bytes: [UInt8]
    private let text: String
    private var position = 0
    private var depth = 0

    /// The value of `text`.
    static func evaluate(_ text: String) throws(ExpressionRuntimeError) -> JSON {
        var calculator = _Calculator(text: text)
        _NumberText.skipSpace(calculator.bytes, &calculator.position)
        guard calculator.position < calculator.bytes.count else {
            throw .invalidArgument("calc() needs an arithmetic expression, got an empty string")
        }
        let value = try calculator.sum()
        guard calculator.position == calculator.bytes.count else {
            throw calculator.unexpected()
        }
        return value
    }

    private init(text: String) {
        self.text = text
        self.bytes = Array(text.utf8)
    }

    private func unexpected() -> ExpressionRuntimeError {
        let shown = text.count <= 60 ? text : String(text.prefix(60)) + "…"
        guard position < bytes.count else {
            return .invalidArgument("calc(): '\(shown)' ends where a number or '(' was expected")
        }
        let column = String(decoding: bytes[..<position], as: UTF8.self).count + 1
        let character = String(decoding: bytes[position...], as: UTF8.self).first.map(String.init) ?? "?"
        return .invalidArgument(
            "calc(): unexpected '\(character)' at character \(column) of '\(shown)'"
                + " (only numbers, + - * /, parentheses and spaces)")
    }

    private mutating func peek() -> UInt8? {
        _NumberText.skipSpace(bytes, &position)
        return position < bytes.count ? bytes[position] : nil
    }

    private typealias Operation = @Sendable (JSON, JSON) throws(ExpressionRuntimeError) -> JSON

    /// Operands of `next` joined, left to right, by the operators in `operations`.
    private mutating func level(
        _ operations: [UInt8: Operation], _ next: (inout _Calculator) throws(ExpressionRuntimeError) -> JSON
    ) throws(ExpressionRuntimeError) -> JSON {
        var value = try next(&self)
        while let byte = peek(), let operation = operations[byte] {
            position += 1
            value = try operation(value, try next(&self))
        }
        return value
    }

    private mutating func sum() throws(ExpressionRuntimeError) -> JSON {
        try level([UInt8(ascii: "+"): Ops.add, UInt8(ascii: "-"): Ops.subtract]) {
            (calculator: inout _Calculator) throws(ExpressionRuntimeError) in try calculator.product()
        }
    }

    private mutating func product() throws(ExpressionRuntimeError) -> JSON {
        try level([UInt8(ascii: "*"): Ops.multiply, UInt8(ascii: "/"): Ops.divide]) {
            (calculator: inout _Calculator) throws(ExpressionRuntimeError) in try calculator.unary()
        }
    }

    private mutating func unary() throws(ExpressionRuntimeError) -> JSON {
        guard let byte = peek() else { throw unexpected() }
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "(") {
            depth += 1
            defer { depth -= 1 }
            if depth > Self.maximumDepth {
                throw .invalidArgument("calc(): nested more than \(Self.maximumDepth) levels deep")
            }
            position += 1
            if byte == UInt8(ascii: "(") {
                let inner = try sum()
                guard peek() == UInt8(ascii: ")") else { throw unexpected() }
                position += 1
                return inner
            }
            let operand = try unary()
            return byte == UInt8(ascii: "-") ? try Ops.negate(operand) : operand
        }
        guard let number = _NumberText.unsignedNumber(bytes, &position, exponent: false) else { throw unexpected() }
        return .number(number)
    }
}
