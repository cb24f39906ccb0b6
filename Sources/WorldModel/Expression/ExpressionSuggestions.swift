/// "Did you mean …?" candidates for expressions: up to two close names, closest first (the
/// distance is the shared `editDistance`, ignoring case).
enum ExpressionSuggestions {
    /// The candidates close enough to `name`, closest first, ties in name order.
    static func closest(to name: String, among candidates: some Sequence<String>, limit: Int = 2) -> [String] {
        let threshold = max(1, (name.count + 2) / 3)
        let scored = candidates.compactMap { candidate -> (Int, String)? in
            let distance = WorldModel.editDistance(name.lowercased(), candidate.lowercased())
            let isPrefix =
                min(name.count, candidate.count) >= 3 && (candidate.hasPrefix(name) || name.hasPrefix(candidate))
            return (distance <= threshold || isPrefix) && candidate != name ? (distance, candidate) : nil
        }
        let sorted = scored.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.utf8.lexicographicallyPrecedes($1.1.utf8) }
        return Array(sorted.prefix(limit).map(\.1))
    }

    /// `did you mean 'a' or 'b'?`, or nil when there is nothing to suggest.
    static func didYouMean(_ options: [String]) -> String? {
        guard !options.isEmpty else { return nil }
        return "did you mean " + options.joined(separator: " or ") + "?"
    }

    /// Quoted suggestions for a name among candidates.
    static func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String? {
        didYouMean(closest(to: name, among: candidates).map { "'\($0)'" })
    }
}
