import Testing

@testable import WorldModel

@Suite("Field indexes for equality-filtered lists")
struct FieldIndexTests {
    /// The positions a scan finds: rows whose `field` is the string `value`, in order.
    static func scanned(_ collection: EntityCollection, _ field: String, _ value: String) -> [Int] {
        collection.rows.indices.filter { collection.rows[$0][field] == .string(value) }
    }

    @Test(
        "after every random insert, replace, in-place change and delete, the index finds what a scan finds and the digest, settled or not, is its definition"
    )
    func indexFollowsWrites() throws {
        let values: [JSON] = ["a", "b", "c", "e\u{301}", "\u{E9}", 1, .null]
        var rng = RandomStream(seed: 16, "field-index")
        var rows: [JSONObject] = []
        for index in 0..<40 {
            rows.append(["id": .string("R-\(index)"), "f": values[rng.nextInt(below: values.count)]])
        }
        var collection = try EntityCollection(name: "rows", rows: rows)
        collection.index(field: "f")
        collection.keepsHistory = rng.nextInt(below: 2) == 0
        var next = 40
        for step in 0..<2_000 {
            let ids = collection.rows.compactMap { $0["id"]?.stringValue }
            let value = values[rng.nextInt(below: values.count)]
            switch rng.nextInt(below: 5) {
            case 0:
                try collection.insert(["id": .string("R-\(next)"), "f": value])
                next += 1
            case 1 where !ids.isEmpty:
                let id = ids[rng.nextInt(below: ids.count)]
                var row: JSONObject = ["id": .string(id)]
                if rng.nextInt(below: 4) != 0 { row["f"] = value }
                try collection.replace(id: id, with: row)
            case 2 where !ids.isEmpty:
                let position = try #require(collection.position(of: ids[rng.nextInt(below: ids.count)]))
                _ = collection.modifyRow(at: position) { row in
                    row["f"] = value
                    return true
                }
            case 3 where !ids.isEmpty:
                collection.remove(id: ids[rng.nextInt(below: ids.count)])
            default:
                collection.keepsHistory.toggle()
            }
            for case .string(let text) in values {
                #expect(
                    collection.positions(whereField: "f", equalTo: text) == Self.scanned(collection, "f", text),
                    "step \(step), value \(text)")
            }
            #expect(collection.digest == collection.digestFromScratch, "step \(step)")
            if rng.nextInt(below: 3) == 0 {
                collection.settleDigest()
                #expect(collection.digest == collection.digestFromScratch, "step \(step), settled")
            }
        }
        #expect(collection.positions(whereField: "other", equalTo: "a") == nil)
    }

    @Test("indexes are derived data: a collection with one equals the same rows without")
    func indexIsNotState() throws {
        let plain = try EntityCollection(name: "rows", rows: [["id": "R-1", "f": "a"]])
        var indexed = plain
        indexed.index(field: "f")
        #expect(indexed == plain)
        #expect(indexed.positions(whereField: "f", equalTo: "a") == [0])
        #expect(indexed.positions(whereField: "f", equalTo: "zz") == [])
    }

    @Test("the equality shapes are recognised only where the first conjunct decides")
    func shapes() {
        #expect(
            EqualityFilter(source: "row.customer_id == args.customer_id")
                == .init(field: "customer_id", argument: "customer_id"))
        #expect(EqualityFilter(source: "args.q == row.status")?.field == "status")
        #expect(EqualityFilter(source: "row.a == args.b && row.c > 3 && row.d != 'x'")?.argument == "b")
        #expect(EqualityFilter(source: "(row.a == args.b && row.c > 3) && row.d")?.field == "a")
        // The equality is not evaluated first, or not a plain member on each side.
        #expect(EqualityFilter(source: "row.c > 3 && row.a == args.b") == nil)
        #expect(EqualityFilter(source: "row.a == args.b || row.c == args.d") == nil)
        #expect(EqualityFilter(source: "row.a != args.b") == nil)
        #expect(EqualityFilter(source: "row.a == 'x'") == nil)
        #expect(EqualityFilter(source: "row.a.b == args.b") == nil)
        #expect(EqualityFilter(source: "lower(row.a) == args.b") == nil)
        #expect(EqualityFilter(source: "row.a ==") == nil)
    }
}
