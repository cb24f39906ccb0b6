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

    /// `value` with `digits` decimals (0 to 9), rounded half away from zero, by integer
    /// arithmetic: `decimal(0.01234, digits: 3)` → `0.012`, `decimal(-2.5, digits: 0)` → `-3`;
    /// never `-0.000`. Values beyond ±9·10⁹ are clamped there (no figure of a report gets near).
    static func decimal(_ value: Double, digits: Int) -> String {
        precondition((0...9).contains(digits), "0 to 9 decimals")
        var scale: Int64 = 1
        for _ in 0..<digits { scale *= 10 }
        let limit = 9e9 * Double(scale)
        let scaled = Swift.min(Swift.max((value * Double(scale)).rounded(.toNearestOrAwayFromZero), -limit), limit)
        let units = Int64(scaled.isNaN ? 0 : scaled)
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(scale)
        var text = (units < 0 ? "-" : "") + "\(whole)"
        if digits > 0 {
            let fraction = String(magnitude % UInt64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
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
