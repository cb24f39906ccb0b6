import Testing
import WorldModel

@Suite("The streamed SHA-256 of a canonical form")
struct CanonicalDigestTests {
    /// A scenario-shaped document: unsorted keys at every level, escapes, numbers, nesting
    /// below the levels written member by member, and `rows` rows (enough to fill the buffer
    /// many times when large).
    static func document(rows: Int) -> JSON {
        var charges: [JSON] = []
        for index in 0..<rows {
            charges.append([
                "status": index % 2 == 0 ? "captured" : "refunded", "id": .string("CH-\(index)"),
                "amount": .double(Double(index) / 4), "note": .string("line \"\(index)\"\n\u{1}é"),
                "tags": ["b", ["z": 1, "a": .null]], "ok": .bool(index % 3 == 0),
            ])
        }
        return [
            "task": ["instruction": "Do it.", "max_steps": 12],
            "data": ["tickets": [], "charges": .array(charges), "customers": [["id": "C-1", "name": "Ana"]]],
            "name": "demo", "tools": [["op": "get", "name": "t"]], "simrun": 1, "empty": [:],
        ]
    }

    @Test(
        "equals the SHA-256 of canonicalBytes, for scalars, small and large documents",
        arguments: [
            JSON.null, .bool(true), .int(-3), .string("é\u{0}"), [], [:], [[[["deep": [1, 2]]]]],
            document(rows: 0), document(rows: 3), document(rows: 5_000),
        ])
    func equalsTheWholeHash(_ value: JSON) {
        #expect(value.canonicalSHA256 == SHA256.hexDigest(value.canonicalBytes))
    }
}
