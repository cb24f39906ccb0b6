/// The syntax tree of an expression as parsed, before names are resolved.
///
/// Every node keeps the UTF-8 offset of the token that best locates it in error messages
/// (the operator of a binary expression, the field name of a member access, …).
struct ExpressionSyntax: Sendable {
    /// Binary operators, in the language's own spelling.
    enum BinaryOperator: String, Sendable {
        case or = "||"
        case and = "&&"
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessEqual = "<="
        case greater = ">"
        case greaterEqual = ">="
        case `in` = "in"
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case remainder = "%"
    }

    /// Unary operators.
    enum UnaryOperator: String, Sendable {
        case not = "!"
        case negate = "-"
    }

    /// The node's shape.
    indirect enum Kind: Sendable {
        case literal(JSON)
        case array([ExpressionSyntax])
        /// An object literal `{name: e, 'any key': e}`: members in written order, keys unique.
        case object([ObjectMember])
        /// `condition ? then : else`.
        case conditional(ExpressionSyntax, ExpressionSyntax, ExpressionSyntax)
        case name(String)
        case member(ExpressionSyntax, String)
        case index(ExpressionSyntax, ExpressionSyntax)
        case unary(UnaryOperator, ExpressionSyntax)
        case binary(BinaryOperator, ExpressionSyntax, ExpressionSyntax)
        case call(String, [ExpressionSyntax])
        case lambda(parameter: String, body: ExpressionSyntax)
    }

    /// One `key: value` member of an object literal.
    struct ObjectMember: Sendable {
        /// The key, as written (a name or a quoted string).
        var key: String
        /// The offset of the key, for messages.
        var keyOffset: Int
        /// The value expression.
        var value: ExpressionSyntax
    }

    var kind: Kind
    var offset: Int

    /// The offset where the node's text begins (its leftmost operand's start).
    var startOffset: Int {
        switch kind {
        case .member(let base, _), .index(let base, _), .binary(_, let base, _), .conditional(let base, _, _):
            base.startOffset
        default: offset
        }
    }
}
