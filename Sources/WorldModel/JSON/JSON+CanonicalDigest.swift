extension JSON {
    /// How deep `canonicalSHA256` walks containers before writing a value whole: a scenario's
    /// root, its `data`, a collection and then one row at a time.
    static let canonicalDigestLevels = 3

    /// SHA-256 (hex) of `canonicalBytes`, computed without building them: the canonical form is
    /// written into a small buffer that is hashed and emptied as it fills, so hashing a 100 MB
    /// scenario holds one row's bytes, not the whole file's a second time. Equal to
    /// `SHA256.hexDigest(canonicalBytes)` (a test compares them).
    package var canonicalSHA256: String {
        var hasher = SHA256()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.canonicalDigestChunk + 1024)
        writeCanonical(into: &buffer, hashing: &hasher, levels: Self.canonicalDigestLevels)
        hasher.update(buffer)
        return SHA256.hexString(hasher.finalize())
    }

    /// The buffer size at which `canonicalSHA256` hashes what it has written.
    static let canonicalDigestChunk = 1 << 16

    /// Writes the canonical form into `buffer`, handing full buffers to `hasher`; containers
    /// `levels` deep or less are written member by member (in `writeCanonical`'s order: object
    /// keys by `sortedPositions`), deeper values whole by `writeCanonical`.
    private func writeCanonical(into buffer: inout [UInt8], hashing hasher: inout SHA256, levels: Int) {
        guard levels > 0 else {
            writeCanonical(into: &buffer)
            return
        }
        switch self {
        case .array(let elements):
            buffer.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { buffer.append(UInt8(ascii: ",")) }
                element.writeCanonical(into: &buffer, hashing: &hasher, levels: levels - 1)
                Self.flush(&buffer, into: &hasher)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let object):
            buffer.append(UInt8(ascii: "{"))
            let keys = object.keys
            let values = object.values
            for (offset, position) in object.sortedPositions.enumerated() {
                if offset > 0 { buffer.append(UInt8(ascii: ",")) }
                Self.writeEscaped(keys[position], into: &buffer)
                buffer.append(UInt8(ascii: ":"))
                values[position].writeCanonical(into: &buffer, hashing: &hasher, levels: levels - 1)
                Self.flush(&buffer, into: &hasher)
            }
            buffer.append(UInt8(ascii: "}"))
        case .null, .bool, .number, .string:
            writeCanonical(into: &buffer)
        }
    }

    /// Hashes and empties `buffer` once it holds `canonicalDigestChunk` bytes or more.
    @inline(__always)
    private static func flush(_ buffer: inout [UInt8], into hasher: inout SHA256) {
        guard buffer.count >= canonicalDigestChunk else { return }
        hasher.update(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
