import Testing

@testable import WorldModel

@Suite("Stream key parts encoded ahead of time")
struct EncodedKeyPartsTests {
    @Test(
        "encoded parts derive the same stream as appending the strings",
        arguments: [
            ("latency", "billing"), ("", ""), ("regime", "a"), ("error", "exactly8"), ("x", "sixteen-bytes-ok"),
            ("latency", "seventeen-bytes-x"), ("é", "服务"), ("emoji", "🧾 billing"),
        ])
    func sameStream(site: String, name: String) {
        for number in [0, 1, 7, 123_456] {
            var expected = RandomStream.site(42, site, name, number)
            var derived = RandomStream.site(42, RandomStream.EncodedParts(site, name), number)
            #expect((0..<4).map { _ in derived.next() } == (0..<4).map { _ in expected.next() })
        }
    }

    @Test("different parts give different streams")
    func differentParts() {
        var first = RandomStream.site(42, RandomStream.EncodedParts("latency", "billing"), 1)
        var second = RandomStream.site(42, RandomStream.EncodedParts("latency", "billinh"), 1)
        #expect(first.next() != second.next())
    }
}
