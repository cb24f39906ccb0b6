/// One lexical token of an expression, with the UTF-8 offset where it starts.
struct ExpressionToken: Sendable, Hashable {
    /// What kind of token this is.
    enum Kind: Sendable, Hashable {
        case number(JSONNumber)
        case string(String)
        case identifier(String)
        case keywordTrue, keywordFalse, keywordNull, keywordIn
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace, comma, dot, arrow, colon, question
        case plus, minus, star, slash, percent
        case bang, equal, notEqual, less, lessEqual, greater, greaterEqual, and, or
        case end
    }

    /// The kind and payload.
    var kind: Kind
    /// 0-based UTF-8 offset of the token's first byte in the source.
    var offset: Int

    /// How the token reads in an error message (`'+'`, `identifier 'row'`, `end of input`).
    var display: String {
        switch kind {
        case .number(let number): "number \(number)"
        case .string(let text): "string '\(text)'"
        case .identifier(let name): "name '\(name)'"
        case .keywordTrue: "'true'"
        case .keywordFalse: "'false'"
        case .keywordNull: "'null'"
        case .keywordIn: "'in'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .leftBrace: "'{'"
        case .rightBrace: "'}'"
        case .colon: "':'"
        case .question: "'?'"
        case .comma: "','"
        case .dot: "'.'"
        case .arrow: "'->'"
        case .plus: "'+'"
        case .minus: "'-'"
        case .star: "'*'"
        case .slash: "'/'"
        case .percent: "'%'"
        case .bang: "'!'"
        case .equal: "'=='"
        case .notEqual: "'!='"
        case .less: "'<'"
        case .lessEqual: "'<='"
        case .greater: "'>'"
        case .greaterEqual: "'>='"
        case .and: "'&&'"
        case .or: "'||'"
        case .end: "end of input"
        }
    }
}
