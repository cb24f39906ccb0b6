/// An additive digest: four 64-bit lanes added with wrapping arithmetic, so a set of terms can be
/// kept summed while terms come and go (subtract the old term, add the new one) at a cost
/// proportional to the change, not to the whole set.
///
/// A term is the SHA-256 of some canonical bytes, read as four big-endian 64-bit words
/// (bytes 0–7 are lane 0, …). The digest of nothing is zero. Its text (`hex`) is the four lanes
/// as 16 lowercase hex digits each, lane 0 first: 64 digits, like a SHA-256. The state hash
/// (docs/trace-format.md, "The state hash") is built from these.
package struct StateDigest: Sendable, Hashable {
    private var lane0: UInt64 = 0
    private var lane1: UInt64 = 0
    private var lane2: UInt64 = 0
    private var lane3: UInt64 = 0

    /// The digest of no terms.
    package static let zero = StateDigest()

    private init() {}

    /// The term for `bytes`: their SHA-256 read as four big-endian lanes.
    package init(hashing bytes: [UInt8]) {
        var hasher = SHA256()
        hasher.update(bytes)
        (lane0, lane1, lane2, lane3) = hasher.finalizeLanes()
    }

    /// The term for the bytes of `buffer` (see `init(hashing:)`).
    package init(hashing buffer: UnsafeRawBufferPointer) {
        var hasher = SHA256()
        hasher.update(buffer: buffer)
        (lane0, lane1, lane2, lane3) = hasher.finalizeLanes()
    }

    /// Adds `term` (lane by lane, modulo 2^64).
    package mutating func add(_ term: StateDigest) {
        lane0 &+= term.lane0
        lane1 &+= term.lane1
        lane2 &+= term.lane2
        lane3 &+= term.lane3
    }

    /// Takes away `term`, which was added before.
    package mutating func subtract(_ term: StateDigest) {
        lane0 &-= term.lane0
        lane1 &-= term.lane1
        lane2 &-= term.lane2
        lane3 &-= term.lane3
    }

    /// The four lanes as 32 bytes, lane 0 first, each big-endian (the bytes of a SHA-256 when
    /// the digest is one term): the form the state hash of trace format 3 hashes.
    package func store(to pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: lane0.bigEndian, as: UInt64.self)
        pointer.storeBytes(of: lane1.bigEndian, toByteOffset: 8, as: UInt64.self)
        pointer.storeBytes(of: lane2.bigEndian, toByteOffset: 16, as: UInt64.self)
        pointer.storeBytes(of: lane3.bigEndian, toByteOffset: 24, as: UInt64.self)
    }

    /// The four lanes as 64 lowercase hex digits, lane 0 first, each big-endian.
    package var hex: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        appendHexDigits(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `hex` as a JSON string (in quotes) to `output`.
    package func writeHex(into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        appendHexDigits(to: &output)
        output.append(UInt8(ascii: "\""))
    }

    private func appendHexDigits(to output: inout [UInt8]) {
        for lane in [lane0, lane1, lane2, lane3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                let nibble = UInt8(truncatingIfNeeded: lane >> UInt64(shift)) & 0x0F
                output.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            }
        }
    }
}
