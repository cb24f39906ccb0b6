/// A keyed, deterministic random stream: the only source of randomness in simrun.
///
/// Every random decision draws from a stream derived from the episode's master seed and a key
/// that names the decision, e.g. `RandomStream(seed: seed, "billing", callIndex, "latency")`.
/// Distinct keys give independent streams, so adding a tool or a fault rule never shifts the
/// randomness of unrelated decisions; the same seed and key give the same stream on every
/// platform, forever (known-answer tests pin the first outputs).
///
/// ## Derivation (format version 1; changing it changes every recorded trace)
///
/// With `mix` the SplitMix64 finalizer and `absorb(h, w) = mix((h ^ w) &+ 0x9E3779B97F4A7C15)`:
///
/// 1. `h = absorb(0x73696D72756E2D31, seed)` (the constant is ASCII `"simrun-1"`).
/// 2. For each key part in order:
///    - string: `absorb` the tag `1`, then the UTF-8 byte count, then the UTF-8 bytes in
///      8-byte little-endian words (the last word zero-padded);
///    - integer: `absorb` the tag `2`, then the value's two's-complement bit pattern.
/// 3. The generator is `Xoshiro256StarStar(seed: h)` (state = four SplitMix64 outputs from `h`).
///
/// The encoding of parts is prefix-free (tags and lengths), so two different keys only map to
/// the same stream through a 64-bit collision of `h`.
///
/// ## Draws
/// Each method documents how many 64-bit words it consumes, so a consumer can reason about
/// which later draws an extra call would shift. Floating-point results use only IEEE basic
/// operations and `DeterministicMath`, never the platform's `libm`.
package struct RandomStream: RandomNumberGenerator, Sendable, Hashable {
    /// The underlying generator state.
    package private(set) var generator: Xoshiro256StarStar

    /// Derives the stream for `key` under `seed` (see the type's documentation).
    package init(seed: UInt64, key: [StreamKey]) {
        var builder = KeyBuilder(seed: seed)
        for part in key {
            switch part {
            case .string(let text): builder.append(text)
            case .integer(let value): builder.append(value)
            }
        }
        self = builder.stream
    }

    /// Derives a stream part by part, exactly as `init(seed:key:)` does, without building an
    /// array of parts (for hot paths): `var key = KeyBuilder(seed: s); key.append("latency");
    /// key.append(7); let stream = key.stream`.
    package struct KeyBuilder: Sendable {
        private var h: UInt64

        /// A builder for streams of `seed`.
        @inline(__always)
        package init(seed: UInt64) {
            h = RandomStream.absorb(0x7369_6D72_756E_2D31, seed)
        }

        /// Appends a string part.
        package mutating func append(_ text: String) {
            var state = h
            RandomStream.forEachWord(of: text) { state = RandomStream.absorb(state, $0) }
            h = state
        }

        /// Appends string parts encoded once ahead of time (`EncodedParts`): the same stream as
        /// appending the strings, without reading them on every derivation.
        @inline(__always)
        mutating func append(_ parts: EncodedParts) {
            for word in parts.words { h = RandomStream.absorb(h, word) }
        }

        /// Appends an integer part.
        @inline(__always)
        package mutating func append(_ value: Int64) {
            h = RandomStream.absorb(h, 2)
            h = RandomStream.absorb(h, UInt64(bitPattern: value))
        }

        /// The stream named by the parts so far.
        package var stream: RandomStream { RandomStream(generator: Xoshiro256StarStar(seed: h)) }
    }

    /// String key parts as the words `KeyBuilder.append(_:)` absorbs for them, worked out once
    /// for keys a hot path derives over and over (`"latency", "billing"`).
    struct EncodedParts: Sendable {
        /// For each string: the tag `1`, the UTF-8 byte count, then the bytes in 8-byte
        /// little-endian words (the last one zero-padded).
        let words: [UInt64]

        init(_ parts: String...) {
            var words: [UInt64] = []
            for part in parts { RandomStream.forEachWord(of: part) { words.append($0) } }
            self.words = words
        }
    }

    /// The words a string key part stands for, in order: the tag `1`, the UTF-8 byte count, then
    /// the bytes in 8-byte little-endian words (the last one zero-padded). `KeyBuilder` absorbs
    /// them; `EncodedParts` keeps them.
    @inline(__always)
    static func forEachWord(of text: String, _ body: (UInt64) -> Void) {
        let utf8 = text.utf8
        body(1)
        body(UInt64(utf8.count))
        // Fast path: whole little-endian words straight from contiguous UTF-8.
        let done: Void? = utf8.withContiguousStorageIfAvailable { bytes in
            var index = 0
            while index + 8 <= bytes.count {
                var word: UInt64 = 0
                for offset in 0..<8 { word |= UInt64(bytes[index + offset]) << (UInt64(offset) * 8) }
                body(word)
                index += 8
            }
            if index < bytes.count {
                var word: UInt64 = 0
                var shift: UInt64 = 0
                while index < bytes.count {
                    word |= UInt64(bytes[index]) << shift
                    shift += 8
                    index += 1
                }
                body(word)
            }
        }
        if done != nil { return }
        var word: UInt64 = 0
        var shift: UInt64 = 0
        for byte in utf8 {
            word |= UInt64(byte) << shift
            shift += 8
            if shift == 64 {
                body(word)
                word = 0
                shift = 0
            }
        }
        if shift != 0 { body(word) }
    }

    /// Derives the stream for the key parts written in order:
    /// `RandomStream(seed: 42, "billing", 7, "latency")`.
    package init(seed: UInt64, _ key: StreamKey...) {
        self.init(seed: seed, key: key)
    }

    /// Wraps an explicit generator (for tests and tools that replay a saved state).
    package init(generator: Xoshiro256StarStar) {
        self.generator = generator
    }

    @inline(__always)
    fileprivate static func absorb(_ h: UInt64, _ word: UInt64) -> UInt64 {
        SplitMix64.mix((h ^ word) &+ SplitMix64.increment)
    }

    /// The next 64 random bits (one word).
    package mutating func next() -> UInt64 {
        generator.next()
    }

    /// A uniform `Double` in `[0, 1)`: the top 53 bits of one word times 2⁻⁵³, so every
    /// result is a multiple of 2⁻⁵³ (one word).
    package mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0..<bound`, without modulo bias (Lemire's multiply-and-reject;
    /// one word, rarely more). Returns `0` when `bound <= 0`, which has no valid value; it never
    /// traps.
    package mutating func nextInt(below bound: Int) -> Int {
        guard bound > 0 else { return 0 }
        return Int(nextUInt64(below: UInt64(bound)))
    }

    /// A uniform integer in `range`, both ends included, without bias (one word, rarely more).
    /// Works for the full `Int64` range.
    package mutating func nextInt(in range: ClosedRange<Int64>) -> Int64 {
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound) &+ 1
        if span == 0 {  // the full 2^64 range
            return Int64(bitPattern: next())
        }
        return range.lowerBound &+ Int64(bitPattern: nextUInt64(below: span))
    }

    /// A uniform `UInt64` in `0..<bound` (Lemire 2019, "Fast Random Integer Generation in an
    /// Interval"). Returns `0` when `bound == 0`.
    package mutating func nextUInt64(below bound: UInt64) -> UInt64 {
        guard bound > 0 else { return 0 }
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    /// `true` with the given probability (one word, always, whatever the probability, so a
    /// change of probability never shifts later draws). Probabilities at or below 0 (and NaN)
    /// are never true; at or above 1 always true.
    package mutating func nextBool(probability: Double) -> Bool {
        let u = nextDouble()
        return u < probability
    }

    /// A standard normal sample (mean 0, standard deviation 1) by Marsaglia's polar method:
    /// pairs of words are drawn until a point falls inside the unit disc (on average 2.55
    /// words); the second variate of the pair is discarded so the stream carries no hidden
    /// cache.
    package mutating func nextNormal() -> Double {
        while true {
            let x = 2 * nextDouble() - 1
            let y = 2 * nextDouble() - 1
            let s = x * x + y * y
            if s > 0 && s < 1 {
                return x * (-2 * DeterministicMath.log(s) / s).squareRoot()
            }
        }
    }

    /// A lognormal sample `exp(mu + sigma · N(0, 1))`, i.e. a value whose natural logarithm is
    /// normal with mean `mu` and standard deviation `sigma` (median `exp(mu)`). Same draws as
    /// `nextNormal()`.
    package mutating func nextLognormal(mu: Double, sigma: Double) -> Double {
        DeterministicMath.exp(mu + sigma * nextNormal())
    }
}
