/// Vigna's SplitMix64 generator, used to derive stream seeds from keys.
///
/// A 64-bit counter advanced by the golden-ratio increment and passed through a bijective
/// finalizer (`mix(_:)`). It is not used for decisions directly: it expands one 64-bit value
/// into the 256-bit state of a `Xoshiro256StarStar`, and `mix(_:)` is the building block of
/// `RandomStream`'s key derivation. Output is identical to the reference C implementation
/// (<https://prng.di.unimi.it/splitmix64.c>) on every platform.
package struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    /// The golden-ratio increment added to the state on every step.
    package static let increment: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The current counter; the next output is `mix(state &+ increment)`.
    package var state: UInt64

    /// Creates a generator whose counter starts at `state` (the reference code's `x`).
    package init(state: UInt64) {
        self.state = state
    }

    /// Advances the counter and returns the next output.
    package mutating func next() -> UInt64 {
        state &+= Self.increment
        return Self.mix(state)
    }

    /// The SplitMix64 finalizer: a bijection on `UInt64` with good avalanche (every input bit
    /// flips each output bit with probability close to 1/2). `mix(0) == 0`.
    @inlinable
    package static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
