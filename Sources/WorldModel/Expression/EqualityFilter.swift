/// A list filter whose leftmost conjunct is `row.f == args.x` (or `args.x == row.f`): alone, or
/// the first operand of a chain of `&&`.
///
/// For such a filter, a row whose `f` differs from `args.x` fails at the first conjunct, before
/// anything else is evaluated (`&&` stops at a false left side, and reading a member of `row` or
/// `args`, both objects, cannot fail). So when `args.x` is a string, the rows a scan would keep
/// are exactly those of the field index's candidates (`EntityCollection.positions(whereField:
/// equalTo:)`) that pass the whole filter, in the same order: the index answers in O(k) for k
/// candidates what the scan answers in O(n) (`WorldShortcuts.Shortcut.fieldIndex`).
struct EqualityFilter: Sendable, Hashable {
    /// The row field compared (`f`).
    let field: String
    /// The argument it is compared with (`x`).
    let argument: String

    /// The shape of the filter whose source is `source`, or nil when it has another.
    init?(source: String) {
        guard let syntax = try? ExpressionParser.parse(source), let found = Self.leftmost(syntax) else { return nil }
        self = found
    }

    init(field: String, argument: String) {
        self.field = field
        self.argument = argument
    }

    private static func leftmost(_ syntax: ExpressionSyntax) -> EqualityFilter? {
        switch syntax.kind {
        case .binary(.and, let lhs, _):
            return leftmost(lhs)
        case .binary(.equal, let lhs, let rhs):
            if let field = member(of: "row", lhs), let argument = member(of: "args", rhs) {
                return EqualityFilter(field: field, argument: argument)
            }
            if let field = member(of: "row", rhs), let argument = member(of: "args", lhs) {
                return EqualityFilter(field: field, argument: argument)
            }
            return nil
        default:
            return nil
        }
    }

    /// `key` when `syntax` is `name.key`.
    private static func member(of name: String, _ syntax: ExpressionSyntax) -> String? {
        guard case .member(let base, let key) = syntax.kind, case .name(let baseName) = base.kind, baseName == name
        else { return nil }
        return key
    }
}
