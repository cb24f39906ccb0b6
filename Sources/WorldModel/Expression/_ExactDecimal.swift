/// The exact decimal value of a finite double, and rounding of it half to even: what `round(x,
/// d)` computes.
///
/// Every finite double is `m · 2^e` for integers `m` and `e`, so its decimal expansion is finite:
/// `m · 5^-e / 10^-e` when `e < 0`, the integer `m · 2^e` otherwise. Rounding that expansion
/// (not `x · 10^d`, which is itself rounded) is what makes `round(2.675, 2)` 2.67 (the double
/// nearest 2.675 is 2.67499999999999982236431605997495353221893310546875) and `round(0.125, 2)`
/// 0.12 (exactly half, and 2 is even).
struct _ExactDecimal {
    /// The decimal digits of the magnitude as an integer, most significant first, no leading
    /// zeros (a single `0` for zero).
    var digits: [UInt8]
    /// How many of `digits` (from the right) are after the decimal point.
    var fractionDigits: Int
    /// Whether the value is negative.
    var isNegative: Bool

    /// The exact expansion of a finite `value`.
    init(_ value: Double) {
        precondition(value.isFinite, "_ExactDecimal needs a finite value, got \(value)")
        isNegative = value.sign == .minus
        let magnitude = Swift.abs(value)
        let exponentBits = Int(magnitude.exponentBitPattern)
        var significand = magnitude.significandBitPattern
        var exponent: Int
        if exponentBits == 0 {
            exponent = -1074
        } else {
            significand |= 1 << 52
            exponent = exponentBits - 1075
        }
        if significand == 0 {
            digits = [0]
            fractionDigits = 0
            return
        }
        // Fewer digits to carry: drop the trailing zero bits of the significand.
        let zeros = significand.trailingZeroBitCount
        significand >>= UInt64(zeros)
        exponent += zeros
        var limbs = Self.limbs(of: significand)
        if exponent >= 0 {
            Self.multiply(&limbs, byPowerOf: 2, exponent, chunk: 30)
            fractionDigits = 0
        } else {
            Self.multiply(&limbs, byPowerOf: 5, -exponent, chunk: 13)
            fractionDigits = -exponent
        }
        digits = Self.decimalDigits(of: limbs)
    }

    private static let limbBase: UInt64 = 1_000_000_000

    /// `value` in base-10⁹ limbs, least significant first.
    private static func limbs(of value: UInt64) -> [UInt64] {
        var limbs: [UInt64] = []
        var rest = value
        repeat {
            limbs.append(rest % limbBase)
            rest /= limbBase
        } while rest > 0
        return limbs
    }

    /// Multiplies by `base^power`, `chunk` factors at a time (`base^chunk` stays below 2³¹ so a
    /// limb product fits in 64 bits).
    private static func multiply(_ limbs: inout [UInt64], byPowerOf base: UInt64, _ power: Int, chunk: Int) {
        var remaining = power
        while remaining > 0 {
            let step = min(chunk, remaining)
            remaining -= step
            var factor: UInt64 = 1
            for _ in 0..<step { factor *= base }
            var carry: UInt64 = 0
            for index in limbs.indices {
                let product = limbs[index] * factor + carry
                limbs[index] = product % limbBase
                carry = product / limbBase
            }
            while carry > 0 {
                limbs.append(carry % limbBase)
                carry /= limbBase
            }
        }
    }

    private static func decimalDigits(of limbs: [UInt64]) -> [UInt8] {
        var digits: [UInt8] = []
        digits.reserveCapacity(limbs.count * 9)
        for (position, limb) in limbs.enumerated().reversed() {
            var chunk = [UInt8](repeating: 0, count: 9)
            var rest = limb
            for index in stride(from: 8, through: 0, by: -1) {
                chunk[index] = UInt8(rest % 10)
                rest /= 10
            }
            if position == limbs.count - 1 {
                digits.append(contentsOf: chunk.drop { $0 == 0 })
            } else {
                digits.append(contentsOf: chunk)
            }
        }
        return digits.isEmpty ? [0] : digits
    }

    /// The integer `K` (as decimal digits, no leading zeros) such that `K · 10^-places` is the
    /// magnitude rounded to `places` decimal places, half to even; `nil` when the value already
    /// has at most that many decimal places (nothing to round).
    func roundedDigits(places: Int) -> [UInt8]? {
        let cut = fractionDigits - places
        if cut <= 0 { return nil }
        // Pad with leading zeros so at least one digit is kept and one dropped.
        let padding = max(0, cut + 1 - digits.count)
        let padded = [UInt8](repeating: 0, count: padding) + digits
        let keptCount = padded.count - cut
        var kept = Array(padded[..<keptCount])
        let firstDropped = padded[keptCount]
        let restIsZero = padded[(keptCount + 1)...].allSatisfy { $0 == 0 }
        let roundUp = firstDropped > 5 || (firstDropped == 5 && (!restIsZero || kept[kept.count - 1] % 2 == 1))
        if roundUp {
            var index = kept.count - 1
            while index >= 0 {
                if kept[index] < 9 {
                    kept[index] += 1
                    break
                }
                kept[index] = 0
                index -= 1
            }
            if index < 0 { kept.insert(1, at: 0) }
        }
        let firstNonZero = kept.firstIndex { $0 != 0 } ?? kept.count - 1
        return Array(kept[firstNonZero...])
    }

    /// Decimal digits as text.
    static func text(_ digits: [UInt8]) -> String {
        String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }
}
