/// Parses tokens into an `ExpressionSyntax` tree by precedence climbing.
///
/// Precedence, loosest first: the conditional `c ? a : b` (right-associative), `||`, `&&`, prefix `!` (so `!a == b` is `!(a == b)`),
/// `== !=`, `< <= > >=`, `in`, `+ -`, `* / %`, prefix `-` (and `!` on an operand, as in
/// `a == !b`), then postfix `.field`, `[index]` and calls. Binary operators associate to the left.
/// A lambda `x -> body` is accepted only as a function argument. Nesting deeper than
/// `maximumDepth` is rejected so hostile input cannot exhaust the stack.
struct ExpressionParser {
    static let maximumDepth = 64

    private let source: String
    private let tokens: [ExpressionToken]
    private var position = 0
    private var depth = 0

    /// Parses a whole expression.
    static func parse(_ source: String) throws(ExpressionCompileError) -> ExpressionSyntax {
        var parser = ExpressionParser(source: source, tokens: try ExpressionLexer.tokens(of: source))
        if parser.current.kind == .end { throw parser.error("empty expression", at: 0) }
        let syntax = try parser.expression()
        if parser.current.kind != .end {
            throw parser.error(
                "unexpected \(parser.current.display) after the end of the expression", at: parser.current.offset,
                suggestion: Self.hint(after: parser.current.kind))
        }
        return syntax
    }

    /// What a token left over after a complete expression was probably meant as.
    private static func hint(after kind: ExpressionToken.Kind) -> String? {
        switch kind {
        case .identifier("and"): "use '&&'"
        case .identifier("or"): "use '||'"
        case .identifier("if"), .identifier("then"), .identifier("else"): "choose with 'c ? a : b'"
        case .colon: "':' belongs in an object literal {key: value} or a conditional 'c ? a : b'"
        case .rightParen, .rightBracket, .rightBrace: "it closes nothing; check the brackets"
        case .number, .string, .identifier, .leftBrace, .leftBracket, .keywordTrue, .keywordFalse, .keywordNull:
            "join two values with an operator, or list them in an array [a, b]"
        default: nil
        }
    }

    private init(source: String, tokens: [ExpressionToken]) {
        self.source = source
        self.tokens = tokens
    }

    private var current: ExpressionToken { tokens[position] }

    private func peekKind(_ ahead: Int) -> ExpressionToken.Kind {
        tokens[min(position + ahead, tokens.count - 1)].kind
    }

    private func error(_ message: String, at offset: Int, suggestion: String? = nil) -> ExpressionCompileError {
        ExpressionCompileError(source: source, offset: offset, message: message, suggestion: suggestion)
    }

    private mutating func advance() -> ExpressionToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private mutating func expect(_ kind: ExpressionToken.Kind, _ what: String, suggestion: String? = nil)
        throws(ExpressionCompileError)
    {
        guard current.kind == kind else {
            throw error("expected \(what), found \(current.display)", at: current.offset, suggestion: suggestion)
        }
        _ = advance()
    }

    private mutating func enter() throws(ExpressionCompileError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw error("expression is nested too deeply (more than \(Self.maximumDepth) levels)", at: current.offset)
        }
    }

    private mutating func expression() throws(ExpressionCompileError) -> ExpressionSyntax {
        try enter()
        defer { depth -= 1 }
        return try conditional()
    }

    /// `c ? a : b`, right-associative: `a ? b : c ? d : e` is `a ? b : (c ? d : e)`.
    private mutating func conditional() throws(ExpressionCompileError) -> ExpressionSyntax {
        let condition = try or()
        guard current.kind == .question else { return condition }
        let token = advance()
        let then = try expression()
        try expect(.colon, "':' of the conditional 'c ? a : b'")
        let otherwise = try expression()
        return ExpressionSyntax(kind: .conditional(condition, then, otherwise), offset: token.offset)
    }

    private mutating func binaryLevel(
        _ operators: [ExpressionToken.Kind: ExpressionSyntax.BinaryOperator],
        next: (inout ExpressionParser) throws(ExpressionCompileError) -> ExpressionSyntax
    ) throws(ExpressionCompileError) -> ExpressionSyntax {
        var left = try next(&self)
        while let op = operators[current.kind] {
            let token = advance()
            let right = try next(&self)
            left = ExpressionSyntax(kind: .binary(op, left, right), offset: token.offset)
        }
        return left
    }

    private mutating func or() throws(ExpressionCompileError) -> ExpressionSyntax {
        try binaryLevel([.or: .or]) { (p: inout ExpressionParser) throws(ExpressionCompileError) in try p.and() }
    }

    private mutating func and() throws(ExpressionCompileError) -> ExpressionSyntax {
        try binaryLevel([.and: .and]) { (p: inout ExpressionParser) throws(ExpressionCompileError) in try p.not() }
    }

    private mutating func not() throws(ExpressionCompileError) -> ExpressionSyntax {
        if current.kind == .bang {
            let token = advance()
            try enter()
            defer { depth -= 1 }
            return ExpressionSyntax(kind: .unary(.not, try not()), offset: token.offset)
        }
        return try equality()
    }

    private mutating func equality() throws(ExpressionCompileError) -> ExpressionSyntax {
        try binaryLevel([.equal: .equal, .notEqual: .notEqual]) {
            (p: inout ExpressionParser) throws(ExpressionCompileError) in
            try p.comparison()
        }
    }

    private mutating func comparison() throws(ExpressionCompileError) -> ExpressionSyntax {
        try binaryLevel([.less: .less, .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual]) {
            (p: inout ExpressionParser) throws(ExpressionCompileError) in try p.membership()
        }
    }

    private mutating func membership() throws(ExpressionCompileError) -> ExpressionSyntax {
        try binaryLevel([.keywordIn: .in]) { (p: inout ExpressionParser) throws(ExpressionCompileError) in
            try p.additive()
        }
    }

    private mutating func additive() throws(ExpressionCompileError) -> ExpressionSyntax {
        try binaryLevel([.plus: .add, .minus: .subtract]) {
            (p: inout ExpressionParser) throws(ExpressionCompileError) in
            try p.multiplicative()
        }
    }

    private mutating func multiplicative() throws(ExpressionCompileError) -> ExpressionSyntax {
        try binaryLevel([.star: .multiply, .slash: .divide, .percent: .remainder]) {
            (p: inout ExpressionParser) throws(ExpressionCompileError) in try p.unary()
        }
    }

    private mutating func unary() throws(ExpressionCompileError) -> ExpressionSyntax {
        let op: ExpressionSyntax.UnaryOperator
        switch current.kind {
        case .minus: op = .negate
        case .bang: op = .not
        default: return try postfix()
        }
        let token = advance()
        try enter()
        defer { depth -= 1 }
        let operand = try unary()
        // Fold `-5` into a literal so that `-9223372036854775808`-style constants stay exact.
        if op == .negate, case .literal(.number(let number)) = operand.kind {
            switch number {
            case .integer(let value) where value != .min:
                return ExpressionSyntax(kind: .literal(.number(.integer(-value))), offset: token.offset)
            case .double(let value):
                return ExpressionSyntax(kind: .literal(.number(.double(-value))), offset: token.offset)
            default: break
            }
        }
        return ExpressionSyntax(kind: .unary(op, operand), offset: token.offset)
    }

    private mutating func postfix() throws(ExpressionCompileError) -> ExpressionSyntax {
        var base = try primary()
        while true {
            switch current.kind {
            case .dot:
                _ = advance()
                guard case .identifier(let name) = current.kind else {
                    throw error("expected a field name after '.', found \(current.display)", at: current.offset)
                }
                let token = advance()
                base = ExpressionSyntax(kind: .member(base, name), offset: token.offset)
            case .leftBracket:
                let token = advance()
                if current.kind == .rightBracket {
                    throw error(
                        "expected an index inside '[ ]', found ']'", at: current.offset,
                        suggestion: "write xs[0] or obj['key']")
                }
                let index = try expression()
                switch current.kind {
                case .colon:
                    throw error(
                        "unexpected ':' in an index", at: current.offset,
                        suggestion: "take a part of an array or string with slice(xs, a, b)")
                case .comma:
                    throw error(
                        "an index holds one value, found ','", at: current.offset,
                        suggestion: "index twice, as in xs[i][j]")
                default: try expect(.rightBracket, "']'")
                }
                base = ExpressionSyntax(kind: .index(base, index), offset: token.offset)
            case .leftParen:
                var suggestion: String?
                if case .member(_, let method) = base.kind {
                    suggestion = "functions take the value as their first argument: \(method)(x, …), not x.\(method)(…)"
                }
                throw error("only built-in functions can be called", at: current.offset, suggestion: suggestion)
            default:
                return base
            }
        }
    }

    private mutating func primary() throws(ExpressionCompileError) -> ExpressionSyntax {
        let token = current
        switch token.kind {
        case .number(let number):
            _ = advance()
            return ExpressionSyntax(kind: .literal(.number(number)), offset: token.offset)
        case .string(let text):
            _ = advance()
            return ExpressionSyntax(kind: .literal(.string(text)), offset: token.offset)
        case .keywordTrue:
            _ = advance()
            return ExpressionSyntax(kind: .literal(.bool(true)), offset: token.offset)
        case .keywordFalse:
            _ = advance()
            return ExpressionSyntax(kind: .literal(.bool(false)), offset: token.offset)
        case .keywordNull:
            _ = advance()
            return ExpressionSyntax(kind: .literal(.null), offset: token.offset)
        case .leftParen:
            _ = advance()
            let inner = try expression()
            try expect(.rightParen, "')'")
            return inner
        case .leftBracket:
            _ = advance()
            var elements: [ExpressionSyntax] = []
            if current.kind != .rightBracket {
                while true {
                    elements.append(try expression())
                    if current.kind == .comma {
                        _ = advance()
                        if current.kind == .rightBracket { break }  // trailing comma
                        continue
                    }
                    break
                }
            }
            try expect(.rightBracket, "',' or ']'")
            return ExpressionSyntax(kind: .array(elements), offset: token.offset)
        case .leftBrace:
            _ = advance()
            return ExpressionSyntax(kind: .object(try objectMembers()), offset: token.offset)
        case .identifier(let name):
            _ = advance()
            if current.kind == .leftParen {
                _ = advance()
                var arguments: [ExpressionSyntax] = []
                if current.kind != .rightParen {
                    while true {
                        arguments.append(try argument())
                        guard current.kind == .comma else { break }
                        _ = advance()
                    }
                }
                try expect(.rightParen, "',' or ')'")
                return ExpressionSyntax(kind: .call(name, arguments), offset: token.offset)
            }
            if current.kind == .arrow {
                throw error("a lambda 'x -> …' is only allowed as a function argument", at: current.offset)
            }
            return ExpressionSyntax(kind: .name(name), offset: token.offset)
        default:
            throw error("expected a value, found \(token.display)", at: token.offset)
        }
    }

    /// The members of an object literal after its `{`, through its `}`: `key: value` separated
    /// by commas (a trailing comma is allowed); a key is a name or a quoted string, and unique.
    private mutating func objectMembers() throws(ExpressionCompileError) -> [ExpressionSyntax.ObjectMember] {
        var members: [ExpressionSyntax.ObjectMember] = []
        while current.kind != .rightBrace {
            let keyToken = advance()
            let key: String
            switch keyToken.kind {
            case .identifier(let name): key = name
            case .string(let text): key = text
            case .keywordTrue: key = "true"
            case .keywordFalse: key = "false"
            case .keywordNull: key = "null"
            case .keywordIn: key = "in"
            default:
                throw error(
                    "expected a key (a name or a 'string') in an object literal, found \(keyToken.display)",
                    at: keyToken.offset, suggestion: "for keys computed from values, write object([[key, value], …])")
            }
            if members.contains(where: { $0.key.utf8.elementsEqual(key.utf8) }) {
                throw error("key '\(key)' appears twice in the object literal", at: keyToken.offset)
            }
            if current.kind == .comma || current.kind == .rightBrace {
                throw error(
                    "expected ':' after the key '\(key)', found \(current.display)", at: current.offset,
                    suggestion: "write {\(key): value}")
            }
            try expect(.colon, "':' after the key '\(key)'")
            members.append(.init(key: key, keyOffset: keyToken.offset, value: try expression()))
            guard current.kind == .comma else { break }
            _ = advance()
        }
        try expect(.rightBrace, "',' or '}'")
        return members
    }

    private mutating func argument() throws(ExpressionCompileError) -> ExpressionSyntax {
        if case .identifier(let parameter) = current.kind, peekKind(1) == .arrow {
            let token = advance()
            _ = advance()
            let body = try expression()
            return ExpressionSyntax(kind: .lambda(parameter: parameter, body: body), offset: token.offset)
        }
        return try expression()
    }
}
