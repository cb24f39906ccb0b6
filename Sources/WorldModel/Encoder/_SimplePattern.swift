/// A fast matcher for the simple regular expressions tool schemas use most (`^C-[0-9]+$`,
/// `^[a-z_]{1,32}$`): a sequence of atoms — a literal, an escaped literal, `\d`, `\w`, or a
/// bracket class of literals and ranges (optionally negated) — each with an optional `?`, `*`,
/// `+`, `{n}`, `{n,}` or `{n,m}`, between optional `^` and `$` anchors. Matching is by Unicode
/// scalar with ASCII `\d` and `\w`, exactly as the `Regex` fallback is configured.
///
/// `init?` returns `nil` for anything outside this subset (alternation, groups, `.`, other
/// escapes, lazy quantifiers…); the caller then uses `Regex`.
struct _SimplePattern: Sendable {
    private enum Atom: Sendable {
        case scalar(Unicode.Scalar)
        case digit
        case word
        /// `ranges[start..<end]` of the pattern (kept there so that atoms are plain data and
        /// copying a piece costs no retain).
        case set(start: Int, end: Int, negated: Bool)

        static func isWord(_ value: UInt32) -> Bool {
            switch value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: true
            default: false
            }
        }
    }

    private struct Piece: Sendable {
        var atom: Atom
        var minimum: Int
        var maximum: Int
    }

    private let pieces: [Piece]
    /// The ranges of every bracket class, in order.
    private let ranges: [ClosedRange<UInt32>]
    private let anchoredStart: Bool
    private let anchoredEnd: Bool
    /// Anchored at both ends with every piece but the last of fixed count (`^T-[0-9]+$`): a
    /// match has no choices to make, so one left-to-right pass decides it (`matchLinearly`).
    private let isLinear: Bool

    init?(_ source: String) {
        var scalars = Array(source.unicodeScalars)
        var anchoredStart = false
        var anchoredEnd = false
        if scalars.first == "^" {
            anchoredStart = true
            scalars.removeFirst()
        }
        if scalars.last == "$", !(scalars.count >= 2 && scalars[scalars.count - 2] == "\\") {
            anchoredEnd = true
            scalars.removeLast()
        }
        var pieces: [Piece] = []
        var allRanges: [ClosedRange<UInt32>] = []
        var index = 0
        func escaped(_ scalar: Unicode.Scalar) -> Atom? {
            switch scalar {
            case "d": return .digit
            case "w": return .word
            case "\\", ".", "-", "+", "*", "?", "(", ")", "[", "]", "{", "}", "|", "^", "$", "/", "_", ":", "@", "#":
                return .scalar(scalar)
            default: return nil
            }
        }
        while index < scalars.count {
            let scalar = scalars[index]
            var atom: Atom
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count, let parsed = escaped(scalars[index + 1]) else { return nil }
                atom = parsed
                index += 2
            case "[":
                index += 1
                var negated = false
                if index < scalars.count, scalars[index] == "^" {
                    negated = true
                    index += 1
                }
                var ranges: [ClosedRange<UInt32>] = []
                var closed = false
                while index < scalars.count {
                    var low = scalars[index]
                    if low == "]" && !ranges.isEmpty {
                        closed = true
                        index += 1
                        break
                    }
                    if low == "[" { return nil }
                    if low == "\\" {
                        guard index + 1 < scalars.count else { return nil }
                        switch scalars[index + 1] {
                        case "d":
                            ranges.append(0x30...0x39)
                            index += 2
                            continue
                        case "w":
                            ranges += [0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F...0x5F]
                            index += 2
                            continue
                        case "\\", "]", "[", "-", "^", ".", "/", "+", "*", "?", "(", ")", "{", "}", "|", "$":
                            low = scalars[index + 1]
                            index += 2
                        default: return nil
                        }
                    } else {
                        index += 1
                    }
                    if index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] != "]" {
                        let high = scalars[index + 1]
                        if high == "\\" || high == "[" { return nil }
                        guard low.value <= high.value else { return nil }
                        ranges.append(low.value...high.value)
                        index += 2
                    } else {
                        ranges.append(low.value...low.value)
                    }
                }
                guard closed else { return nil }
                atom = .set(start: allRanges.count, end: allRanges.count + ranges.count, negated: negated)
                allRanges += ranges
            case ".", "(", ")", "|", "*", "+", "?", "{", "}", "^", "$", "]":
                return nil
            default:
                atom = .scalar(scalar)
                index += 1
            }
            var minimum = 1
            var maximum = 1
            if index < scalars.count {
                switch scalars[index] {
                case "?":
                    (minimum, maximum) = (0, 1)
                    index += 1
                case "*":
                    (minimum, maximum) = (0, Int.max)
                    index += 1
                case "+":
                    (minimum, maximum) = (1, Int.max)
                    index += 1
                case "{":
                    guard let close = scalars[index...].firstIndex(of: "}") else { return nil }
                    let body = String(String.UnicodeScalarView(scalars[(index + 1)..<close]))
                    let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                    guard parts.count == 1 || parts.count == 2, let low = Int(parts[0]), low >= 0 else { return nil }
                    minimum = low
                    if parts.count == 1 {
                        maximum = low
                    } else if parts[1].isEmpty {
                        maximum = Int.max
                    } else {
                        guard let high = Int(parts[1]), high >= low else { return nil }
                        maximum = high
                    }
                    index = close + 1
                default: break
                }
                // Lazy or possessive quantifiers, or a quantifier on a quantifier.
                if index < scalars.count, ["?", "+", "*", "{"].contains(scalars[index]) { return nil }
            }
            pieces.append(Piece(atom: atom, minimum: minimum, maximum: maximum))
        }
        self.pieces = pieces
        self.ranges = allRanges
        self.anchoredStart = anchoredStart
        self.anchoredEnd = anchoredEnd
        isLinear = anchoredStart && anchoredEnd && pieces.dropLast().allSatisfy { $0.minimum == $0.maximum }
    }

    /// Unanchored search (unless the pattern has anchors), as JSON Schema specifies.
    func matches(_ text: String) -> Bool {
        // ASCII text (the common case) is matched on its UTF-8 bytes without copying.
        let ascii = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool? in
            for byte in bytes where byte >= 0x80 { return nil }
            return search(bytes)
        }
        if let ascii, let result = ascii { return result }
        return search(text.unicodeScalars.map(\.value))
    }

    private func search<C: RandomAccessCollection>(_ scalars: C) -> Bool
    where C.Index == Int, C.Element: BinaryInteger {
        if isLinear { return matchLinearly(scalars) }
        if anchoredStart { return match(scalars, piece: 0, at: 0) }
        for start in 0...scalars.count where match(scalars, piece: 0, at: start) { return true }
        return false
    }

    private func match<C: RandomAccessCollection>(_ scalars: C, piece: Int, at position: Int) -> Bool
    where C.Index == Int, C.Element: BinaryInteger {
        guard piece < pieces.count else { return !anchoredEnd || position == scalars.count }
        let current = pieces[piece]
        var count = 0
        var end = position
        while count < current.maximum, end < scalars.count,
            matches(current.atom, UInt32(scalars[scalars.startIndex + end]))
        {
            count += 1
            end += 1
        }
        // Greedy with backtracking.
        while count >= current.minimum {
            if match(scalars, piece: piece + 1, at: position + count) { return true }
            if count == 0 { break }
            count -= 1
        }
        return false
    }

    /// `match(scalars, piece: 0, at: 0)` for a linear pattern: fixed pieces take exactly their
    /// count, and the last piece, followed only by the end, takes the rest of the text.
    private func matchLinearly<C: RandomAccessCollection>(_ scalars: C) -> Bool
    where C.Index == Int, C.Element: BinaryInteger {
        var position = 0
        for (number, piece) in pieces.enumerated() {
            let isLast = number == pieces.count - 1
            let count = isLast ? scalars.count - position : piece.minimum
            guard count >= piece.minimum, count <= piece.maximum, position + count <= scalars.count else {
                return false
            }
            for offset in position..<(position + count)
            where !matches(piece.atom, UInt32(scalars[scalars.startIndex + offset])) {
                return false
            }
            position += count
        }
        return position == scalars.count
    }

    @inline(__always)
    private func matches(_ atom: Atom, _ value: UInt32) -> Bool {
        switch atom {
        case .scalar(let expected): return value == expected.value
        case .digit: return value >= 0x30 && value <= 0x39
        case .word: return Atom.isWord(value)
        case .set(let start, let end, let negated):
            var found = false
            var position = start
            while position < end {
                if ranges[position].contains(value) {
                    found = true
                    break
                }
                position += 1
            }
            return found != negated
        }
    }
}
