/// The edit distance between two strings, counted in Unicode scalars: insertions, deletions,
/// substitutions and transpositions of adjacent scalars each cost 1 (optimal string alignment).
///
/// Used to suggest what a person meant when they wrote an unknown name (`amout` → `amount`).
package func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars)
    let b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                best = min(best, previous2[j - 2] + 1)
            }
            current[j] = best
        }
        swap(&previous2, &previous)
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The candidate closest to `name` by `editDistance`, if it is close enough to be a plausible
/// typo; `nil` otherwise.
///
/// "Close enough" allows one edit for names up to 5 scalars, two up to 8, three beyond, and
/// also accepts a case-insensitive exact match, or one name being a prefix of the other when
/// both have at least 4 scalars (`median` → `median_ms`). Ties go to the candidate that comes first in
/// `candidates`, so the answer is deterministic as long as the sequence order is. A candidate
/// equal to `name` is returned as is.
package func closestMatch(to name: String, among candidates: some Sequence<String>) -> String? {
    let length = name.unicodeScalars.count
    let threshold = length <= 5 ? 1 : (length <= 8 ? 2 : 3)
    let lowered = name.lowercased()
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        if candidate == name { return candidate }
        var distance = editDistance(name, candidate)
        if candidate.lowercased() == lowered { distance = 0 }
        if distance > threshold, length >= 4, candidate.hasPrefix(name) || name.hasPrefix(candidate),
            min(length, candidate.unicodeScalars.count) >= 4
        {
            distance = threshold  // `median` for `median_ms`: a truncated or extended name
        }
        guard distance <= threshold else { continue }
        if let current = best, distance >= current.distance { continue }
        best = (candidate, distance)
    }
    return best?.candidate
}
