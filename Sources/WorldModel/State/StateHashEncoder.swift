/// The bytes the state hash of trace format 3 is computed from (docs/trace-format.md, "The state
/// hash"), written into a buffer sized in advance: unsigned LEB128 integers, length-prefixed
/// UTF-8 strings and 32-byte digests. Only what a step can change is encoded; the scenario
/// (collection names and order, services, tools, regimes, bucket parameters) is pinned by the
/// trace header's `scenario.sha256` and fixes the layout.
package struct StateHashEncoder {
    /// The most bytes `uint` writes: 64 bits in 7-bit groups.
    package static let maximumIntegerBytes = 10

    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    /// How many bytes have been written.
    private(set) var count = 0

    /// An encoder writing into `buffer` from its start.
    init(_ buffer: UnsafeMutableRawBufferPointer) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// The bytes written so far.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Reserves `byteCount` more bytes; running out means the caller sized the buffer wrong.
    @inline(__always)
    private mutating func claim(_ byteCount: Int) -> UnsafeMutableRawPointer {
        precondition(count + byteCount <= capacity, "state hash buffer of \(capacity) bytes is too small")
        defer { count += byteCount }
        return base + count
    }

    /// Writes one byte.
    mutating func byte(_ value: UInt8) {
        claim(1).storeBytes(of: value, as: UInt8.self)
    }

    /// Writes `value` as unsigned LEB128 (seven bits a byte, lowest first, the high bit set on
    /// every byte but the last), taking a negative value as its 64-bit two's-complement pattern.
    mutating func uint(_ value: Int64) {
        var rest = UInt64(bitPattern: value)
        while rest >= 0x80 {
            byte(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        byte(UInt8(truncatingIfNeeded: rest))
    }

    /// Writes `digest` as 32 bytes (its four lanes, each big-endian).
    mutating func digest(_ digest: StateDigest) {
        digest.store(to: claim(32))
    }

    /// Writes `text` as `uint(its UTF-8 byte count)` followed by its UTF-8 bytes.
    mutating func string(_ text: String) {
        let utf8 = text.utf8
        uint(Int64(utf8.count))
        let start = claim(utf8.count)
        let copied: Void? = utf8.withContiguousStorageIfAvailable { bytes in
            if let source = bytes.baseAddress { start.copyMemory(from: source, byteCount: bytes.count) }
        }
        if copied == nil {
            for (offset, unit) in utf8.enumerated() { start.storeBytes(of: unit, toByteOffset: offset, as: UInt8.self) }
        }
    }

    /// The most bytes `string(text)` writes.
    static func maximumBytes(of text: String) -> Int { maximumIntegerBytes + text.utf8.count }
}

extension StateHashEncoder {
    /// A collection's term of the state hash: the SHA-256, as a `StateDigest`, of
    /// `string(name) digest(digest) uint(nextID)` followed by `0x00` when no row was created
    /// (`lastCreatedID` is nil) or `0x01 string(lastCreatedID)`.
    package static func collectionTerm(name: String, digest: StateDigest, nextID: Int, lastCreatedID: String?)
        -> StateDigest
    {
        let capacity =
            maximumBytes(of: name) + 32 + maximumIntegerBytes + 1 + (lastCreatedID.map(maximumBytes(of:)) ?? 0)
        return withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer in
            var encoder = StateHashEncoder(buffer)
            encoder.string(name)
            encoder.digest(digest)
            encoder.uint(Int64(nextID))
            if let lastCreatedID {
                encoder.byte(1)
                encoder.string(lastCreatedID)
            } else {
                encoder.byte(0)
            }
            return StateDigest(hashing: encoder.bytes)
        }
    }

    /// The state hash (64 lowercase hex digits): the SHA-256 of `digest(data) digest(idempotency)
    /// uint(now)`, then per service `uint(regime) uint(calls)` and, for a service with a rate
    /// limit, `uint(bucket level in micro-tokens) uint(bucket's last refill, ms)`, then per tool
    /// `uint(calls)`.
    package static func stateHash(
        data: StateDigest, idempotency: StateDigest, now: Int64, services: [ServiceState], toolCalls: [Int]
    ) -> String {
        let capacity = 64 + maximumIntegerBytes * (1 + 4 * services.count + toolCalls.count)
        return withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 8) { buffer in
            var encoder = StateHashEncoder(buffer)
            encoder.digest(data)
            encoder.digest(idempotency)
            encoder.uint(now)
            for service in services {
                encoder.uint(Int64(service.regime))
                encoder.uint(Int64(service.calls))
                if let bucket = service.bucket {
                    encoder.uint(bucket.levelMicroTokens)
                    encoder.uint(bucket.lastUpdateMs)
                }
            }
            for calls in toolCalls { encoder.uint(Int64(calls)) }
            var hasher = SHA256()
            hasher.update(buffer: encoder.bytes)
            return hasher.finalizeHex()
        }
    }
}
