import Testing
import WorldModel

@Suite("SHA-256")
struct SHA256Tests {
    @Test(
        "NIST vectors: empty, abc, 448-bit and 896-bit messages",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
            (
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
            ),
        ])
    func nistVectors(message: String, expected: String) {
        #expect(SHA256.hexDigest(message) == expected)
        #expect(SHA256.hexDigest(Array(message.utf8)) == expected)
    }

    @Test("NIST vector: one million 'a', fed in uneven chunks")
    func millionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        #expect(SHA256.hexString(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))) == expected)
        var hasher = SHA256()
        var fed = 0
        var size = 1
        while fed < 1_000_000 {
            let take = min(size, 1_000_000 - fed, chunk.count)
            hasher.update(chunk[0..<take])
            fed += take
            size = size % 997 + 7  // sizes that straddle block boundaries
        }
        #expect(SHA256.hexString(hasher.finalize()) == expected)
    }

    @Test(
        "known answers around the padding boundary: 55, 56, 63, 64, 65, 119 and 120 times 'a'",
        arguments: [
            (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
            (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
            (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
            (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
            (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
            (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
            (120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"),
        ])
    func paddingBoundary(length: Int, expected: String) {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: length)
        #expect(SHA256.hexDigest(message) == expected)
        #expect(SHA256.hexDigest(String(repeating: "a", count: length)) == expected)
        // Byte by byte: every partial-block path.
        var hasher = SHA256()
        for byte in message { hasher.update(CollectionOfOne(byte)) }
        #expect(hasher.finalizeHex() == expected)
    }

    @Test("4 MiB of every byte value, one-shot, in odd pieces and through a raw buffer, give the known answer")
    func largeMessage() {
        let expected = "2b07811057df887086f06a67edc6ebf911de8b6741156e7a2eb1416a4b8b1b2e"
        let message = [UInt8]((0..<(4 << 20)).map { UInt8(truncatingIfNeeded: $0) })
        #expect(SHA256.hexDigest(message) == expected)
        var pieces = SHA256()
        var offset = 0
        var size = 1
        while offset < message.count {
            let end = min(message.count, offset + size)
            message[offset..<end].withUnsafeBytes { pieces.update(buffer: $0) }
            offset = end
            size = size * 3 % 10_007 + 1
        }
        #expect(pieces.finalizeHex() == expected)
    }

    @Test("the digest as bytes, hex and 64-bit lanes agree; an empty update changes nothing")
    func digestForms() {
        var base = SHA256()
        base.update(Array("abc".utf8))
        base.update(buffer: UnsafeRawBufferPointer(start: nil, count: 0))
        base.update([UInt8]())
        var (bytes, hex, lanes) = (base, base, base)
        let digest = bytes.finalize()
        #expect(SHA256.hexString(digest) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex.finalizeHex() == SHA256.hexString(digest))
        let (l0, l1, l2, l3) = lanes.finalizeLanes()
        let fromLanes = [l0, l1, l2, l3].flatMap { lane in
            (0..<8).map { UInt8(truncatingIfNeeded: lane >> (56 - 8 * $0)) }
        }
        #expect(fromLanes == digest)
    }

    @Test("incremental hashing equals one-shot hashing at every split point")
    func incrementalMatchesOneShot() {
        let message = Array((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 200] {
            let prefix = Array(message[0..<length])
            let oneShot = SHA256.hash(prefix)
            #expect(oneShot.count == 32)
            for split in Set([0, length / 3, length / 2, length]) {
                var hasher = SHA256()
                hasher.update(prefix[0..<split])
                hasher.update(AnySequence(prefix[split...]))  // exercises the non-contiguous path
                #expect(hasher.finalize() == oneShot, "length \(length), split \(split)")
            }
        }
    }

    @Test("string updates hash the UTF-8 bytes")
    func stringUpdates() {
        var hasher = SHA256()
        hasher.update("héllo ")
        hasher.update("wörld")
        #expect(hasher.finalize() == SHA256.hash(Array("héllo wörld".utf8)))
        #expect(SHA256.hexString([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
    }
}
