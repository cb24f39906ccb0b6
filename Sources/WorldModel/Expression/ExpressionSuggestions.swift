/// "Did you mean …?" candidates by edit distance (optimal string alignment, so a swapped pair
/// of letters counts as one edit).
enum ExpressionSuggestions {
    /// The candidates close enough to `name`, closest first, ties in name order.
    static func closest(to name: String, among candidates: some Sequence<String>, limit: Int = 2) -> [String] {
        let threshold = max(1, (name.count + 2) / 3)
        let scored = candidates.compactMap { candidate -> (Int, String)? in
            let distance = editDistance(name, candidate)
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

    /// Optimal-string-alignment distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased())
        let b = Array(b.lowercased())
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
