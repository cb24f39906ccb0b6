/// Short renderings of JSON values for schema messages.
enum _SchemaText {
    /// The longest rendering of a value before it is cut with `…`.
    static let maximumLength = 60

    /// Short canonical JSON, cut at `maximumLength` scalars.
    static func short(_ value: JSON) -> String {
        let text = value.canonicalText
        guard text.unicodeScalars.count > maximumLength else { return text }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(maximumLength - 1))
        return String(scalars) + "…"
    }

    /// The type and value: `string "12.5"`, `integer 5`, `null`, `boolean true`.
    static func described(_ value: JSON) -> String {
        if case .null = value { return "null" }
        return "\(value.typeName) \(short(value))"
    }

    /// A literal as in `expected one of 'open', 'closed'`: strings in single quotes when they
    /// contain none, everything else as short JSON.
    static func literal(_ value: JSON) -> String {
        if case .string(let text) = value, !text.contains("'"), text.unicodeScalars.count <= maximumLength {
            return "'\(text)'"
        }
        return short(value)
    }

    /// `'a', 'b' or 'c'` style listing with at most `limit` entries.
    static func listing(_ values: [JSON], limit: Int = 12) -> String {
        var parts = values.prefix(limit).map(literal)
        if values.count > limit { parts.append("… (\(values.count - limit) more)") }
        return parts.joined(separator: ", ")
    }

    /// `1 item`, `2 items`, `2 properties`.
    static func count(_ n: Int, _ noun: String) -> String {
        if n == 1 { return "1 \(noun)" }
        return noun.hasSuffix("y") ? "\(n) \(noun.dropLast())ies" : "\(n) \(noun)s"
    }
}
