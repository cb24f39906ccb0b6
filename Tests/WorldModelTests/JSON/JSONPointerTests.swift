import Testing
import WorldModel

@Suite("JSON Pointer and JSONPath")
struct JSONPointerTests {
    static let rfcDocument = """
        {
          "foo": ["bar", "baz"],
          "": 0,
          "a/b": 1,
          "c%d": 2,
          "e^f": 3,
          "g|h": 4,
          "i\\\\j": 5,
          "k\\"l": 6,
          " ": 7,
          "m~n": 8
        }
        """

    @Test("RFC 6901 section 5 examples resolve as specified")
    func rfcExamples() throws {
        let document = try JSON(parsing: Self.rfcDocument)
        let expected: [(String, JSON)] = [
            ("", document),
            ("/foo", ["bar", "baz"]),
            ("/foo/0", "bar"),
            ("/", 0),
            ("/a~1b", 1),
            ("/c%d", 2),
            ("/e^f", 3),
            ("/g|h", 4),
            ("/i\\j", 5),
            ("/k\"l", 6),
            ("/ ", 7),
            ("/m~0n", 8),
        ]
        for (pointer, value) in expected {
            #expect(document[pointer: pointer] == value, "\(pointer)")
            #expect(try document.value(at: JSONPointer(pointer)) == value, "\(pointer)")
        }
    }

    @Test("pointers parse into unescaped tokens and print back escaped")
    func parsing() throws {
        let pointer = try JSONPointer("/a/b~1c/0/~01")
        #expect(pointer.tokens == ["a", "b/c", "0", "~1"])
        #expect(pointer.description == "/a/b~1c/0/~01")
        #expect(try JSONPointer("").tokens == [])
        #expect(try JSONPointer("/").tokens == [""])
        #expect(try JSONPointer("//").tokens == ["", ""])
        #expect(JSONPointer.root.description == "")
    }

    @Test("malformed pointers are syntax errors", arguments: ["a", "a/b", "/~", "/~2", "/a~"])
    func syntaxErrors(_ text: String) throws {
        let error = try #require(throws: JSONPointerError.self) { try JSONPointer(text) }
        guard case .syntax(let pointer, _) = error else {
            Issue.record("expected a syntax error, got \(error)")
            return
        }
        #expect(pointer == text)
    }

    @Test("lookups that do not resolve throw precise errors")
    func lookupErrors() throws {
        let document: JSON = ["tools": [["name": "a", "effects": [["set": ["status": "x"]]]]]]
        #expect(document[pointer: "/tools/0/effects/0/set/status"] == "x")
        #expect(document[pointer: "/tools/1"] == nil)
        #expect(document[pointer: "/tools/01"] == nil)
        #expect(document[pointer: "/tools/-"] == nil)
        #expect(document[pointer: "nope"] == nil)

        let missing = try #require(throws: JSONPointerError.self) {
            try document.value(at: JSONPointer("/tools/0/effects/0/set/state"))
        }
        #expect(
            missing
                == .notFound(
                    pointer: "/tools/0/effects/0/set/state",
                    at: JSONPath([
                        .key("tools"), .index(0), .key("effects"), .index(0), .key("set"), .key("state"),
                    ])))
        #expect(
            missing.description
                == #"JSON Pointer "/tools/0/effects/0/set/state": nothing at tools[0].effects[0].set.state"#)

        let scalar = try #require(throws: JSONPointerError.self) {
            try document.value(at: JSONPointer("/tools/0/name/x"))
        }
        #expect(
            scalar.description
                == #"JSON Pointer "/tools/0/name/x": expected an object or array at tools[0].name, found string"#)

        let index = try #require(throws: JSONPointerError.self) { try document.value(at: JSONPointer("/tools/first")) }
        #expect(index == .invalidIndex(pointer: "/tools/first", token: "first", at: JSONPath([.key("tools")])))
    }

    @Test("setValue replaces, appends and creates intermediate objects")
    func setting() throws {
        var document: JSON = ["a": ["b": 1], "list": [1, 2]]
        try document.setValue(2, at: JSONPointer("/a/b"))
        try document.setValue("new", at: JSONPointer("/x/y/z"))
        try document.setValue(3, at: JSONPointer("/list/-"))
        try document.setValue(4, at: JSONPointer("/list/3"))
        try document.setValue(["k": true], at: JSONPointer("/list/0"))
        try document.setValue(false, at: JSONPointer("/list/0/k"))
        #expect(document == ["a": ["b": 2], "list": [["k": false], 2, 3, 4], "x": ["y": ["z": "new"]]])
        // The new member keeps insertion order after existing ones.
        #expect(document.objectValue?.keys == ["a", "list", "x"])

        try document.setValue("root", at: .root)
        #expect(document == "root")
    }

    @Test("setValue throws on scalars, bad indices and gaps, leaving the value unchanged")
    func settingErrors() throws {
        let original: JSON = ["a": 1, "list": [1]]
        var document = original
        #expect(throws: JSONPointerError.notAContainer(pointer: "/a/b", at: JSONPath([.key("a")]), found: "integer")) {
            try document.setValue(0, at: JSONPointer("/a/b"))
        }
        #expect(throws: JSONPointerError.notFound(pointer: "/list/5", at: JSONPath([.key("list"), .index(5)]))) {
            try document.setValue(0, at: JSONPointer("/list/5"))
        }
        #expect(throws: JSONPointerError.self) { try document.setValue(0, at: JSONPointer("/list/x")) }
        #expect(throws: JSONPointerError.self) { try document.setValue(0, at: JSONPointer("/list/-/a")) }
        #expect(document == original)
    }

    @Test("JSONPath renders dotted paths with brackets for indices and odd keys")
    func pathDescription() {
        let path = JSONPath.root.appending(key: "tools").appending(index: 2).appending(key: "effects")
            .appending(index: 0).appending(key: "set").appending(key: "status")
        #expect(path.description == "tools[2].effects[0].set.status")
        #expect(JSONPath.root.description == "(root)")
        #expect(JSONPath.root.isRoot)
        #expect(JSONPath.root.appending(index: 0).appending(key: "name").description == "[0].name")
        #expect(JSONPath.root.appending(key: "data").appending(key: "weird key").description == #"data["weird key"]"#)
        #expect(JSONPath.root.appending(key: "a.b").appending(key: "c").description == #"["a.b"].c"#)
        #expect(JSONPath.root.appending(key: "9lives").description == #"["9lives"]"#)
        #expect(JSONPath.root.appending(key: "").description == #"[""]"#)
        #expect(JSONPath.root.appending(key: "q\"").description == #"["q\""]"#)
        #expect(JSONPath.root.appending(key: "_private1").description == "_private1")
        #expect(path.parent.description == "tools[2].effects[0].set")
        #expect(path.pointer.description == "/tools/2/effects/0/set/status")
        #expect(JSONPath.root.appending(key: "a/b").pointer.description == "/a~1b")
    }
}
