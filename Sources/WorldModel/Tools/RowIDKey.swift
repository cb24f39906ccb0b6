/// The key `E` of a `where` predicate whose leftmost conjunct is `row.id == E` (or `E == row.id`),
/// alone or the first operand of a chain of `&&`, with `E` not mentioning `row`.
///
/// For such a predicate only the row whose id is `E`'s value can match: on every other row the
/// first conjunct is false, and `&&` stops there (having evaluated only `E`, which does not depend
/// on the row). So an update or delete can look that one row up by id instead of testing every
/// row (`RowSelector.matchingID`, `WorldShortcuts.Shortcut.idLookup`), as `exists` and `count`
/// already do for the same shape.
struct RowIDKey {
    /// `E`, compiled in the predicate's scope.
    let key: CompiledExpression

    /// The key of `predicate`, or nil when it has another shape.
    init?(predicate: CompiledExpression) {
        let source = predicate.source
        guard let syntax = try? ExpressionParser.parse(source),
            let keySyntax = ExpressionChecker.idLookupKey(syntax, parameter: "row"),
            let end = Self.endOffset(of: keySyntax, in: syntax, sourceLength: source.utf8.count)
        else { return nil }
        // `E`'s text: from its first token to the operator after it (or the end). Parentheses
        // around `E` or around the comparison leave an unbalanced one in that text, which then
        // fails to compile: such predicates simply keep the scan.
        let bytes = Array(source.utf8)
        guard keySyntax.startOffset < end, end <= bytes.count else { return nil }
        let text = String(decoding: bytes[keySyntax.startOffset..<end], as: UTF8.self)
        guard let key = try? CompiledExpression.compile(text, in: predicate.scope) else { return nil }
        self.key = key
    }

    /// Where `key`'s text ends: at the operator that follows it in `syntax` (`==` when it is the
    /// comparison's left side, the `&&` after the comparison otherwise), or at the end.
    private static func endOffset(of key: ExpressionSyntax, in syntax: ExpressionSyntax, sourceLength: Int) -> Int? {
        var node = syntax
        var following = sourceLength
        while case .binary(.and, let lhs, _) = node.kind {
            following = node.offset
            node = lhs
        }
        guard case .binary(.equal, let lhs, _) = node.kind else { return nil }
        return lhs.startOffset == key.startOffset && lhs.offset == key.offset ? node.offset : following
    }
}
