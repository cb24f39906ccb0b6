import WorldModel

/// Deterministic number formatting for reports: integer arithmetic only, so the text never
/// depends on the platform's floating-point printing or locale.
enum _TextFormatting {
    /// Milliseconds as seconds with three decimals: `1234` → `1.234`, `-5` → `-0.005`.
    static func seconds(milliseconds: Int64) -> String {
        let negative = milliseconds < 0
        let magnitude = milliseconds.magnitude
        let whole = magnitude / 1000
        let fraction = String(magnitude % 1000)
        let padded = String(repeating: "0", count: 3 - fraction.count) + fraction
        return (negative ? "-" : "") + "\(whole).\(padded)"
    }

    /// `numerator / denominator` as a percentage with one decimal, rounded half up: `47/50` →
    /// `94.0%`; `0/0` → `n/a`.
    static func percent(_ numerator: Int, of denominator: Int) -> String {
        guard denominator > 0 else { return "n/a" }
        let tenths = (numerator * 1000 + denominator / 2) / denominator
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// `text` padded on the left with spaces to `width` characters.
    static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// `text` padded on the right with spaces to `width` characters.
    static func rightPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
