import Dispatch
import Testing

@testable import WorldModel

/// The bulk builds behind loading a large scenario (`_HashTrie(uniqueKeys:values:)`,
/// `_OrderedTree(count:element:)`, `EntityCollection(name:rows:concurrently:)`, the parser's
/// shared key arrays) against what building one element at a time gives.
@Suite("Bulk builds")
struct BulkBuildTests {
    @Test("a hash trie built in bulk answers as a dictionary, then through random writes, and refuses repeated keys")
    func bulkTrieAgainstDictionary() {
        for size in [0, 1, 31, 33, 5_000] {
            let keys = (0..<size).map { _JSONKey("k\($0)") }
            guard var trie = _HashTrie(uniqueKeys: keys, values: Array(0..<size)) else {
                Issue.record("distinct keys were refused (\(size))")
                continue
            }
            var model = Dictionary(uniqueKeysWithValues: (0..<size).map { ("k\($0)", $0) })
            #expect(trie.count == size)
            var rng = RandomStream(seed: UInt64(size), "bulk-trie")
            for step in 0..<2_000 {
                let key = "k\(rng.nextInt(below: size + 100))"
                if rng.nextInt(below: 2) == 0 {
                    #expect(trie.updateValue(-step, forKey: _JSONKey(key)) == model.updateValue(-step, forKey: key))
                } else {
                    #expect(trie.removeValue(forKey: _JSONKey(key)) == model.removeValue(forKey: key))
                }
            }
            #expect(trie.count == model.count)
            #expect((0..<size + 100).allSatisfy { trie[_JSONKey("k\($0)")] == model["k\($0)"] })
        }
        let repeated = ["a", "b", "c", "b"].map(_JSONKey.init)
        #expect(_HashTrie(uniqueKeys: repeated, values: [1, 2, 3, 4]) == nil)
    }

    @Test("keys whose hashes collide in full are built into one list, and a repeated one is refused")
    func bulkTrieCollisions() {
        let keys = (0..<40).map { PersistentCollectionTests.Colliding(value: $0) }
        let trie = _HashTrie(uniqueKeys: keys, values: Array(0..<40))
        #expect(trie?.count == 40)
        #expect((0..<40).allSatisfy { trie?[PersistentCollectionTests.Colliding(value: $0)] == $0 })
        #expect(_HashTrie(uniqueKeys: keys + [keys[7]], values: Array(0..<41)) == nil)
    }

    @Test("an ordered tree built from a generator equals one built by appending, at every size around a node's width")
    func treeFromGenerator() {
        for count in [0, 1, 32, 33, 1_024, 1_025, 40_000] {
            let tree = _OrderedTree<UInt64>(count: count) { UInt64($0 * 3) }
            var appended = _OrderedTree<UInt64>()
            for rank in 0..<count { appended.insert(UInt64(rank * 3)) }
            tree.checkInvariants()
            #expect(tree.count == count)
            #expect(Array(tree) == Array(appended))
            if count > 0 { #expect(tree.rank(of: UInt64((count - 1) * 3)) == count - 1) }
        }
    }

    /// Rows `R-0`… with a field that varies, enough for several term chunks.
    static func rows(_ count: Int) -> [JSONObject] {
        (0..<count).map { ["id": .string("R-\($0)"), "n": .int(Int64($0 % 7)), "note": .string("row \($0)")] }
    }

    @Test(
        "a collection built in bulk, its terms spread over threads in any order, has the digest and rows of one grown by inserts"
    )
    func bulkCollectionEqualsInserted() throws {
        let rows = Self.rows(EntityCollection.termChunk * 3 + 17)
        // The iterations last first, and on Dispatch's threads: the result must not depend on it.
        let reversed: ConcurrentPerform = { iterations, body in
            for index in (0..<iterations).reversed() { body(index) }
        }
        let threads: ConcurrentPerform = { iterations, body in
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
        }
        let spread = try EntityCollection(name: "rows", rows: rows, concurrently: threads)
        let backwards = try EntityCollection(name: "rows", rows: rows, concurrently: reversed)
        let plain = try EntityCollection(name: "rows", rows: rows, concurrently: nil)
        var inserted = try EntityCollection(name: "rows", rows: [JSONObject]())
        for row in rows { try inserted.insert(row) }
        spread.checkInvariants()
        #expect(spread.digest == spread.digestFromScratch)
        #expect(spread.digest == plain.digest)
        #expect(backwards.digest == plain.digest)
        #expect(spread.digest == inserted.digest)
        #expect(Array(spread.rows) == Array(inserted.rows))  // (Inserting also sets the last created id.)
        #expect(Array(spread.rows) == rows)
        #expect(spread.row(id: "R-4100")?["note"] == "row 4100")
        var grown = spread
        let id = grown.generateID()
        #expect(id == "RW-1")
        try grown.insert(["id": .string(id)])
        #expect(grown.digest == grown.digestFromScratch)
    }

    @Test("a bulk build fails with the error inserting the rows in order meets first")
    func bulkCollectionErrors() {
        var rows = Self.rows(100)
        rows[40]["id"] = "R-3"  // A repeat before…
        rows[60]["id"] = nil  // …a row without an id: the repeat is met first.
        #expect(throws: EntityStoreError.duplicateID(collection: "rows", id: "R-3")) {
            try EntityCollection(name: "rows", rows: rows, concurrently: nil)
        }
        rows[40]["id"] = "R-40"
        #expect(throws: EntityStoreError.missingID(collection: "rows", index: 60)) {
            try EntityCollection(name: "rows", rows: rows, concurrently: nil)
        }
        rows[60]["id"] = .int(60)  // Not a string.
        rows[80]["id"] = "R-1"
        #expect(throws: EntityStoreError.missingID(collection: "rows", index: 60)) {
            try EntityCollection(name: "rows", rows: rows, concurrently: nil)
        }
    }

    @Test("parsed objects with the same keys at the same depth share one key array, and stay independent values")
    func parserSharesKeys() throws {
        let json = try JSON(
            parsing: Array(#"[{"a":1,"b":{"x":1}},{"a":2,"b":{"x":2}},{"b":3,"a":4},{"a":5,"b":6}]"#.utf8))
        let objects = try #require(json.arrayValue).compactMap(\.objectValue)
        func storage(_ object: JSONObject) -> UnsafePointer<String>? {
            object.keys.withUnsafeBufferPointer(\.baseAddress)
        }
        #expect(storage(objects[0]) == storage(objects[1]))
        #expect(storage(objects[0]["b"]!.objectValue!) == storage(objects[1]["b"]!.objectValue!))
        #expect(storage(objects[1]) != storage(objects[2]))  // Other order: other keys.
        #expect(objects[2].keys == ["b", "a"])
        #expect(objects[3].keys == ["a", "b"])
        var changed = objects[0]
        changed["c"] = true
        #expect(changed.keys == ["a", "b", "c"])
        #expect(objects[1].keys == ["a", "b"])
        #expect(json == JSON.array(objects.map(JSON.object)))
    }
}
