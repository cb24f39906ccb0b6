/// Blackman and Vigna's xoshiro256** generator: the fast all-purpose generator behind every
/// `RandomStream`.
///
/// 256 bits of state, period 2^256 − 1, output identical to the reference C implementation
/// (<https://prng.di.unimi.it/xoshiro256starstar.c>) on every platform. The all-zero state is
/// the one state it must never be in; the initializers below never produce it.
package struct Xoshiro256StarStar: RandomNumberGenerator, Sendable, Hashable {
    /// The four state words `s[0]…s[3]` of the reference code.
    package private(set) var s0: UInt64
    /// State word `s[1]`.
    package private(set) var s1: UInt64
    /// State word `s[2]`.
    package private(set) var s2: UInt64
    /// State word `s[3]`.
    package private(set) var s3: UInt64

    /// Creates a generator from explicit state words, as the reference code's `s[4]`.
    ///
    /// An all-zero state would output zeros forever, so it is replaced by the state
    /// `init(seed: 0)` gives.
    package init(state: (UInt64, UInt64, UInt64, UInt64)) {
        if state == (0, 0, 0, 0) {
            self = Xoshiro256StarStar(seed: 0)
        } else {
            (s0, s1, s2, s3) = state
        }
    }

    /// Creates a generator whose state is the first four outputs of `SplitMix64(state: seed)`,
    /// the seeding the xoshiro authors recommend. Never all zero (SplitMix64's outputs over
    /// four consecutive counters are distinct).
    package init(seed: UInt64) {
        var seeder = SplitMix64(state: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    /// Returns the next 64 random bits and advances the state.
    package mutating func next() -> UInt64 {
        let result = Self.rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotateLeft(s3, by: 45)
        return result
    }

    static func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}
