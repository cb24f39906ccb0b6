import WorldModel

/// How reports mark pass and fail: Unicode check marks for terminals that show them, or plain
/// ASCII (`PASS`/`FAIL`) for logs, CI consoles and anything that mangles non-ASCII text.
public enum ReportSymbols: Sendable, Hashable {
    /// `✓` and `✗`.
    case unicode
    /// `PASS` and `FAIL`.
    case ascii

    /// The mark for a passing or failing item.
    public func mark(_ passed: Bool) -> String {
        switch self {
        case .unicode: passed ? "✓" : "✗"
        case .ascii: passed ? "PASS" : "FAIL"
        }
    }

    /// The separator between a check's name and its evidence.
    var separator: String {
        switch self {
        case .unicode: " — "
        case .ascii: " - "
        }
    }
}
