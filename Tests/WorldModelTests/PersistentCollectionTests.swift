import Testing

@testable import WorldModel

/// The persistent storage behind `EntityCollection` (`_OrderedTree`, `_HashTrie`) checked against
/// plain arrays and dictionaries through random write sequences, with snapshots taken along the
/// way that later writes must not reach.
@Suite("Persistent collections")
struct PersistentCollectionTests {
    @Test(
        "random inserts, updates and deletes leave the rows, ids, positions and history those of a plain array, in order"
    )
    func collectionFollowsArrayModel() throws {
        for seed in 0..<4 {
            var rng = RandomStream(seed: UInt64(seed), "persistent-collection")
            // Enough rows for a tree three levels deep at the start.
            let initial = (0..<(seed == 0 ? 1_500 : 40)).map { index -> JSONObject in
                ["id": .string("R-\(index)"), "n": .int(Int64(index))]
            }
            var collection = try EntityCollection(name: "rows", rows: initial)
            var model = initial
            var history: [String: [JSONObject]] = [:]
            var snapshots: [(EntityCollection, [JSONObject])] = []
            var next = initial.count
            for step in 0..<1_500 {
                switch rng.nextInt(below: 6) {
                case 0, 1:
                    let row: JSONObject = ["id": .string("R-\(next)"), "n": .int(Int64(next))]
                    next += 1
                    try collection.insert(row)
                    model.append(row)
                case 2 where !model.isEmpty:
                    let index = rng.nextInt(below: model.count)
                    let id = try #require(model[index]["id"]?.stringValue)
                    let row: JSONObject = ["id": .string(id), "n": .int(Int64(step)), "step": true]
                    let changed = try collection.replace(id: id, with: row)
                    #expect(changed == (model[index] != row))
                    if changed {
                        history[id, default: []].append(model[index])
                        if history[id]!.count > EntityCollection.historyLimit { history[id]!.removeFirst() }
                    }
                    model[index] = row
                case 3,
                    4 where !model.isEmpty:
                    let index = rng.nextInt(below: model.count)
                    let id = try #require(model[index]["id"]?.stringValue)
                    let removed = collection.remove(id: id)
                    #expect(removed)
                    model.remove(at: index)
                    history[id] = nil
                default:
                    let removed = collection.remove(id: "R-absent")
                    #expect(!removed)
                }
                if step % 97 == 0 { snapshots.append((collection, model)) }
                if step % 50 == 0 || step < 100 {
                    collection.checkInvariants()
                    #expect(Array(collection.rows) == model, "seed \(seed), step \(step)")
                    #expect(collection.count == model.count)
                }
            }
            collection.checkInvariants()
            #expect(Array(collection.rows) == model)
            for (position, row) in model.enumerated() {
                let id = try #require(row["id"]?.stringValue)
                #expect(collection.position(of: id) == position)
                #expect(collection.row(id: id) == row)
                #expect(collection.rows[position] == row)
                #expect(collection.previousVersions(of: id) == history[id, default: []])
            }
            #expect(collection.digest == collection.digestFromScratch)
            for (snapshot, rows) in snapshots {
                snapshot.checkInvariants()
                #expect(Array(snapshot.rows) == rows, "a snapshot changed after later writes")
                #expect(snapshot.digest == snapshot.digestFromScratch)
            }
        }
    }

    @Test("a collection rebuilt from the same rows equals one that reached them by writes, and hashes alike")
    func equalityIsTheRows() throws {
        var written = try EntityCollection(name: "rows", rows: [["id": "A"], ["id": "B"]])
        try written.insert(["id": "C"])
        written.remove(id: "A")
        written.keepsHistory = false
        try written.replace(id: "B", with: ["id": "B", "x": 1])
        var rebuilt = try EntityCollection(name: "rows", rows: [["id": "B", "x": 1], ["id": "C"]])
        rebuilt.keepsHistory = false
        #expect(written != rebuilt, "the last created id differs")
        try rebuilt.insert(["id": "D"])
        try written.insert(["id": "D"])
        #expect(written == rebuilt)
        #expect(written.hashValue == rebuilt.hashValue)
        #expect(written.digest == rebuilt.digest)
    }

    @Test("the ordered tree keeps keys in order through random inserts anywhere and removals, sharing with copies")
    func orderedTreeAgainstSortedArray() {
        var rng = RandomStream(seed: 7, "ordered-tree")
        var tree = _OrderedTree<UInt64>()
        var model: [UInt64] = []
        var copies: [(_OrderedTree<UInt64>, [UInt64])] = []
        for step in 0..<6_000 {
            if rng.nextInt(below: 3) != 0 || model.isEmpty {
                let key = UInt64(rng.nextInt(below: 100_000))
                guard !model.contains(key) else { continue }
                tree.insert(key)
                model.insert(key, at: model.firstIndex { $0 > key } ?? model.count)
            } else {
                let rank = rng.nextInt(below: model.count)
                let removed = tree.remove(at: rank)
                #expect(removed == model.remove(at: rank))
            }
            if step % 500 == 0 { copies.append((tree, model)) }
        }
        tree.checkInvariants()
        #expect(Array(tree) == model)
        for (rank, key) in model.enumerated() {
            #expect(tree.rank(of: key) == rank)
            #expect(tree.element(at: rank) == key)
        }
        #expect(tree.rank(of: 100_001) == nil)
        for (copy, keys) in copies {
            copy.checkInvariants()
            #expect(Array(copy) == keys)
        }
        while tree.count > 0 { tree.remove(at: tree.count / 2) }
        tree.checkInvariants()
        #expect(Array(tree).isEmpty)
    }

    @Test("the hash trie answers as a dictionary through random writes, and copies keep their members")
    func hashTrieAgainstDictionary() {
        var rng = RandomStream(seed: 9, "hash-trie")
        var trie = _HashTrie<_JSONKey, Int>()
        var model: [String: Int] = [:]
        var copy = trie
        var copyModel = model
        for step in 0..<20_000 {
            let key = "k\(rng.nextInt(below: 3_000))"
            switch rng.nextInt(below: 3) {
            case 0, 1:
                let old = trie.updateValue(step, forKey: _JSONKey(key))
                #expect(old == model.updateValue(step, forKey: key))
            default:
                let old = trie.removeValue(forKey: _JSONKey(key))
                #expect(old == model.removeValue(forKey: key))
            }
            if step == 10_000 { (copy, copyModel) = (trie, model) }
        }
        #expect(trie.count == model.count)
        for index in 0..<3_000 {
            #expect(trie[_JSONKey("k\(index)")] == model["k\(index)"])
            #expect(copy[_JSONKey("k\(index)")] == copyModel["k\(index)"])
        }
    }

    @Test("keys whose hashes collide in full are kept apart")
    func hashTrieCollisions() {
        var trie = _HashTrie<Colliding, Int>()
        for index in 0..<50 { trie.updateValue(index, forKey: Colliding(value: index)) }
        #expect(trie.count == 50)
        #expect((0..<50).allSatisfy { trie[Colliding(value: $0)] == $0 })
        for index in stride(from: 0, to: 50, by: 2) { trie.removeValue(forKey: Colliding(value: index)) }
        #expect(trie.count == 25)
        #expect((0..<50).allSatisfy { trie[Colliding(value: $0)] == ($0 % 2 == 0 ? nil : $0) })
    }

    @Test("taking the rows is a snapshot: writes after it do not show through")
    func rowsAreASnapshot() throws {
        var collection = try EntityCollection(
            name: "rows", rows: (0..<100).map { ["id": .string("R-\($0)")] as JSONObject })
        let before = collection.rows
        collection.remove(id: "R-0")
        try collection.insert(["id": "R-100"])
        #expect(before.count == 100)
        #expect(before.first?["id"] == "R-0")
        #expect(collection.rows.first?["id"] == "R-1")
        #expect(collection.rows.last?["id"] == "R-100")
    }

    /// A key whose hash is the same for every value.
    struct Colliding: Hashable, Sendable {
        let value: Int
        func hash(into hasher: inout Hasher) { hasher.combine(0) }
    }
}
