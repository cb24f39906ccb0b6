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
