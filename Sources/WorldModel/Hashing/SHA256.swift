/// SHA-256 (FIPS 180-4) in pure Swift, for scenario fingerprints, row digests and latent-state
/// hashes in traces.
///
/// One-shot: `SHA256.hash(bytes)`, `SHA256.hexDigest(bytes)`. Incremental:
/// ```swift
/// var hasher = SHA256()
/// hasher.update(header)
/// hasher.update(body)
/// let digest = hasher.finalize()   // 32 bytes
/// ```
/// It is on the hot path twice: loading hashes every row of a world (`EntityCollection`), and a
/// traced step hashes its state. So: contiguous input (an array, a string's UTF-8) is compressed
/// straight from its own storage, whole blocks at a time, with no copy; a partial block waits in
/// a fixed 64-byte buffer stored inline (no allocation per hasher, per byte or per block); the
/// compression function reads its input and message schedule through unsafe pointers (no bounds
/// checks) and runs its 64 rounds eight at a time with the working variables renamed instead of
/// moved. The hasher is a value: copying it forks the computation.
package struct SHA256: Sendable {
    /// The digest length in bytes.
    package static let digestByteCount = 32

    /// The eight 32-bit chaining words H0…H7.
    private var state: _SHA256Words = (
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB,
        0x5BE0_CD19
    )
    /// Bytes not yet compressed (64 bytes inline); only the first `pendingCount` are meaningful.
    private var pending: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var pendingCount = 0
    /// Total message length in bytes so far.
    private var byteCount: UInt64 = 0

    /// A hasher with no input yet.
    package init() {}

    /// Hashes `bytes` in one go and returns the 32-byte digest.
    package static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// Hashes the UTF-8 bytes of `text`.
    package static func hash(_ text: String) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(text)
        return hasher.finalize()
    }

    /// The digest of `bytes` as 64 lowercase hexadecimal digits.
    package static func hexDigest(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// The digest of the UTF-8 bytes of `text` as 64 lowercase hexadecimal digits.
    package static func hexDigest(_ text: String) -> String {
        var hasher = SHA256()
        hasher.update(text)
        return hasher.finalizeHex()
    }

    /// Lowercase hexadecimal text of any byte sequence (two digits per byte).
    package static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The lowercase hex digit of `nibble` (0…15).
    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ (nibble &- 10)
    }

    /// Appends `bytes` to the message (without copying them when they are contiguous).
    package mutating func update(_ bytes: some Sequence<UInt8>) {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            update(buffer: UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            let copy = Array(bytes)
            copy.withUnsafeBytes { update(buffer: $0) }
        }
    }

    /// Appends the UTF-8 bytes of `text` to the message.
    package mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(buffer: UnsafeRawBufferPointer($0)) }
    }

    /// Appends the bytes of `buffer` to the message.
    package mutating func update(buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let count = buffer.count
        byteCount &+= UInt64(count)
        var offset = 0
        if pendingCount > 0 {
            let take = Swift.min(64 - pendingCount, count)
            let start = pendingCount
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.advanced(by: start).copyMemory(from: base, byteCount: take)
            }
            pendingCount += take
            offset = take
            guard pendingCount == 64 else { return }
            withUnsafeBytes(of: pending) { block in Self.compress(&state, block.baseAddress!, blocks: 1) }
            pendingCount = 0
        }
        let blocks = (count - offset) / 64
        if blocks > 0 {
            Self.compress(&state, base + offset, blocks: blocks)
            offset += 64 * blocks
        }
        let rest = count - offset
        if rest > 0 {
            withUnsafeMutableBytes(of: &pending) { block in
                block.baseAddress!.copyMemory(from: base + offset, byteCount: rest)
            }
        }
        pendingCount = rest
    }

    /// Pads the message, returns the 32-byte digest and leaves the hasher finished (further
    /// updates start from the padded state; create a new hasher instead).
    package mutating func finalize() -> [UInt8] {
        let words = finalizeWords()
        return [UInt8](unsafeUninitializedCapacity: 32) { bytes, initialized in
            Self.forEachWord(words) { index, word in
                bytes[4 * index] = UInt8(truncatingIfNeeded: word >> 24)
                bytes[4 * index + 1] = UInt8(truncatingIfNeeded: word >> 16)
                bytes[4 * index + 2] = UInt8(truncatingIfNeeded: word >> 8)
                bytes[4 * index + 3] = UInt8(truncatingIfNeeded: word)
            }
            initialized = 32
        }
    }

    /// Like `finalize()`, but the digest as 64 lowercase hexadecimal digits, written straight
    /// into the string (no byte array in between).
    package mutating func finalizeHex() -> String {
        let words = finalizeWords()
        return String(unsafeUninitializedCapacity: 64) { text in
            Self.forEachWord(words) { index, word in
                for nibble in 0..<8 {
                    text[8 * index + nibble] = Self.hexDigit(
                        UInt8(truncatingIfNeeded: word >> (28 - 4 * nibble)) & 0x0F)
                }
            }
            return 64
        }
    }

    /// Like `finalize()`, but the digest as four 64-bit words, each read big-endian from 8
    /// digest bytes (bytes 0–7 are the first): what `StateDigest` adds up.
    package mutating func finalizeLanes() -> (UInt64, UInt64, UInt64, UInt64) {
        let w = finalizeWords()
        return (
            UInt64(w.0) << 32 | UInt64(w.1), UInt64(w.2) << 32 | UInt64(w.3), UInt64(w.4) << 32 | UInt64(w.5),
            UInt64(w.6) << 32 | UInt64(w.7)
        )
    }

    /// Pads the message (a 1 bit, zeros, the length in bits as a big-endian 64-bit number, up to
    /// a whole block), compresses the last block or two and returns the chaining words.
    private mutating func finalizeWords() -> _SHA256Words {
        let bitLength = byteCount &* 8
        var block = pending
        let used = pendingCount
        withUnsafeMutableBytes(of: &block) { bytes in
            let base = bytes.baseAddress!
            bytes[used] = 0x80
            if used + 1 > 56 {
                (base + used + 1).initializeMemory(as: UInt8.self, repeating: 0, count: 63 - used)
                Self.compress(&state, base, blocks: 1)
                base.initializeMemory(as: UInt8.self, repeating: 0, count: 56)
            } else {
                (base + used + 1).initializeMemory(as: UInt8.self, repeating: 0, count: 55 - used)
            }
            base.storeBytes(of: bitLength.bigEndian, toByteOffset: 56, as: UInt64.self)
            Self.compress(&state, base, blocks: 1)
        }
        pendingCount = 0
        return state
    }

    /// Calls `body` with each chaining word and its index, H0 first.
    @inline(__always)
    private static func forEachWord(_ words: _SHA256Words, _ body: (Int, UInt32) -> Void) {
        body(0, words.0)
        body(1, words.1)
        body(2, words.2)
        body(3, words.3)
        body(4, words.4)
        body(5, words.5)
        body(6, words.6)
        body(7, words.7)
    }

    private static let roundConstants: [UInt32] = [
        0x428A_2F98, 0x7137_4491, 0xB5C0_FBCF, 0xE9B5_DBA5, 0x3956_C25B, 0x59F1_11F1, 0x923F_82A4, 0xAB1C_5ED5,
        0xD807_AA98, 0x1283_5B01, 0x2431_85BE, 0x550C_7DC3, 0x72BE_5D74, 0x80DE_B1FE, 0x9BDC_06A7, 0xC19B_F174,
        0xE49B_69C1, 0xEFBE_4786, 0x0FC1_9DC6, 0x240C_A1CC, 0x2DE9_2C6F, 0x4A74_84AA, 0x5CB0_A9DC, 0x76F9_88DA,
        0x983E_5152, 0xA831_C66D, 0xB003_27C8, 0xBF59_7FC7, 0xC6E0_0BF3, 0xD5A7_9147, 0x06CA_6351, 0x1429_2967,
        0x27B7_0A85, 0x2E1B_2138, 0x4D2C_6DFC, 0x5338_0D13, 0x650A_7354, 0x766A_0ABB, 0x81C2_C92E, 0x9272_2C85,
        0xA2BF_E8A1, 0xA81A_664B, 0xC24B_8B70, 0xC76C_51A3, 0xD192_E819, 0xD699_0624, 0xF40E_3585, 0x106A_A070,
        0x19A4_C116, 0x1E37_6C08, 0x2748_774C, 0x34B0_BCB5, 0x391C_0CB3, 0x4ED8_AA4A, 0x5B9C_CA4F, 0x682E_6FF3,
        0x748F_82EE, 0x78A5_636F, 0x84C8_7814, 0x8CC7_0208, 0x90BE_FFFA, 0xA450_6CEB, 0xBEF9_A3F7, 0xC671_78F2,
    ]

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 {
        (x &>> n) | (x &<< (32 &- n))
    }

    /// One round: `t1 = h + Σ1(e) + Ch(e, f, g) + k + w`, `d += t1`, `h = t1 + Σ0(a) + Maj(a, b, c)`.
    /// The caller renames the variables for the next round instead of shifting them along.
    @inline(__always)
    private static func round(
        _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32,
        _ h: inout UInt32, _ kw: UInt32
    ) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
        d = d &+ t1
        h = t1 &+ (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
    }

    /// Compresses `blocks` consecutive 64-byte blocks at `data` into `state`.
    private static func compress(_ state: inout _SHA256Words, _ data: UnsafeRawPointer, blocks: Int) {
        roundConstants.withUnsafeBufferPointer { constants in
            let k = constants.baseAddress!
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { schedule in
                let w = schedule.baseAddress!
                var (h0, h1, h2, h3, h4, h5, h6, h7) = state
                for block in 0..<blocks {
                    let input = data + 64 * block
                    for i in 0..<16 {
                        w[i] = UInt32(bigEndian: input.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
                    }
                    for i in 16..<64 {
                        let x = w[i - 15]
                        let y = w[i - 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                        w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
                    }
                    var (a, b, c, d, e, f, g, h) = (h0, h1, h2, h3, h4, h5, h6, h7)
                    var i = 0
                    while i < 64 {
                        round(a, b, c, &d, e, f, g, &h, k[i] &+ w[i])
                        round(h, a, b, &c, d, e, f, &g, k[i + 1] &+ w[i + 1])
                        round(g, h, a, &b, c, d, e, &f, k[i + 2] &+ w[i + 2])
                        round(f, g, h, &a, b, c, d, &e, k[i + 3] &+ w[i + 3])
                        round(e, f, g, &h, a, b, c, &d, k[i + 4] &+ w[i + 4])
                        round(d, e, f, &g, h, a, b, &c, k[i + 5] &+ w[i + 5])
                        round(c, d, e, &f, g, h, a, &b, k[i + 6] &+ w[i + 6])
                        round(b, c, d, &e, f, g, h, &a, k[i + 7] &+ w[i + 7])
                        i += 8
                    }
                    h0 &+= a
                    h1 &+= b
                    h2 &+= c
                    h3 &+= d
                    h4 &+= e
                    h5 &+= f
                    h6 &+= g
                    h7 &+= h
                }
                state = (h0, h1, h2, h3, h4, h5, h6, h7)
            }
        }
    }
}

/// SHA-256's eight 32-bit chaining words.
typealias _SHA256Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
