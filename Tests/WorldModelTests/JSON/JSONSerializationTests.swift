import Testing
import WorldModel

@Suite("JSON serialization")
struct JSONSerializationTests {
    static let documents: [String] = [
        #"{"b": [1, 2.5, "x\n"], "a": null, "c": {"z": true, "y": -0.1}}"#,
        #"[0.1, 1e-7, 1e21, -0.0, 120.0, 9007199254740993, 123456789012345678901234567890, -1e300]"#,
        #"{"\u00e9": "caf\u00e9", "e": "\u0001\u001f\u007f", "emoji": "\ud83d\ude39", "": {}}"#,
        #"[[], {}, [[[]]], {"a": {"b": {"c": [null, true, false]}}}]"#,
        #"{"z": 1, "Z": 2, "a": 3, "A": 4, "_": 5, "10": 6, "9": 7, "aa": 8, "a\u0000": 9}"#,
        #""just a string with \"quotes\" and \\backslashes\\ and \/slashes""#,
        #"[-9223372036854775808, 9223372036854775807, 9223372036854775808, -9223372036854775809]"#,
        #"[5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, 0.30000000000000004]"#,
    ]

    @Test("parse, canonical, parse gives an equal value and canonical is idempotent", arguments: documents)
    func roundTrip(_ text: String) throws {
        let value = try JSON(parsing: text)
        let canonical = value.canonicalText
        let reparsed = try JSON(parsing: canonical)
        #expect(reparsed == value)
        #expect(reparsed.canonicalText == canonical)
        #expect(value.canonicalBytes == Array(canonical.utf8))
        let pretty = try JSON(parsing: value.prettyText)
        #expect(pretty == value)
        #expect(pretty.canonicalText == canonical)
    }

    @Test("numbers print as shortest round-trip text, platform independent")
    func numberFormatting() throws {
        let cases: [(JSON, String)] = [
            (.double(0.1), "0.1"),
            (.double(1e-7), "1e-07"),
            (.double(1e21), "1e+21"),
            (.double(-0.0), "-0.0"),
            (.double(120.0), "120.0"),
            (.double(0), "0.0"),
            (.double(-3), "-3.0"),
            (.double(1e15), "1000000000000000.0"),
            (.double(9_007_199_254_740_991), "9007199254740991.0"),
            (.double(9_007_199_254_740_992), "9007199254740992.0"),
            (.double(1e16), "1e+16"),
            (.double(0.30000000000000004), "0.30000000000000004"),
            (.double(.leastNonzeroMagnitude), "5e-324"),
            (.double(1.5), "1.5"),
            (.int(0), "0"),
            (.int(-7), "-7"),
            (.int(Int64.max), "9223372036854775807"),
            (.int(Int64.min), "-9223372036854775808"),
            (.double(.nan), "null"),
            (.double(.infinity), "null"),
        ]
        for (value, text) in cases {
            #expect(value.canonicalText == text)
            if case .number(let number) = value { #expect(number.description == text) }
        }
    }

    @Test("integers in Int64 range are exact, larger ones keep their text")
    func exactIntegers() throws {
        let twoTo53Plus1 = try JSON(parsing: "9007199254740993")
        #expect(twoTo53Plus1 == .int(Int64(9_007_199_254_740_993)))
        #expect(twoTo53Plus1.int64Value == 9_007_199_254_740_993)
        #expect(twoTo53Plus1.canonicalText == "9007199254740993")

        let big = try JSON(parsing: "123456789012345678901234567890")
        #expect(big == .number(.bigInteger("123456789012345678901234567890")))
        #expect(big.canonicalText == "123456789012345678901234567890")
        #expect(big.typeName == "integer")
        #expect(big.int64Value == nil)

        #expect(try JSON(parsing: "-9223372036854775808") == .int(Int64.min))
        #expect(try JSON(parsing: "9223372036854775808") == .number(.bigInteger("9223372036854775808")))
        #expect(try JSON(parsing: "120.0") == .double(120))
        #expect(try JSON(parsing: "120.0").canonicalText == "120.0")
        #expect(try JSON(parsing: "1.0e2").canonicalText == "100.0")
        #expect(try JSON(parsing: "120") == .double(120.0))  // numeric equality
    }

    @Test("decimal text parses to the correctly rounded double")
    func correctlyRoundedDoubles() throws {
        let samples = [
            "0.1", "0.2", "0.3", "1e-7", "123.456", "3.141592653589793", "2.718281828459045",
            "1.7976931348623157e308", "4.9e-324", "2.2250738585072011e-308", "9007199254740993.0",
            "0.000001", "123456789.987654321", "1e22", "1e23", "8.98846567431158e307", "-12.5e-3",
        ]
        for text in samples {
            #expect(try JSON(parsing: text).doubleValue == Double(text), "\(text)")
        }
    }

    @Test("canonical keys sort by UTF-8 bytes")
    func keySorting() throws {
        let value = try JSON(parsing: #"{"b": 1, "a": 2, "B": 3, "\u00e9": 4, "z": 5, "aa": 6, "a\u0000": 7, "": 8}"#)
        #expect(value.canonicalText == "{\"\":8,\"B\":3,\"a\":2,\"a\\u0000\":7,\"aa\":6,\"b\":1,\"z\":5,\"\u{E9}\":4}")
        // Insertion order is kept for iteration.
        #expect(value.objectValue?.keys == ["b", "a", "B", "\u{E9}", "z", "aa", "a\u{0}", ""])
    }

    @Test("UTF-8 byte order differs from UTF-16 order for astral characters")
    func astralKeyOrder() throws {
        // U+FF61 is EF BD A1 in UTF-8; U+1F600 is F0 9F 98 80: bytes put the emoji last.
        let value: JSON = ["\u{1F600}": 1, "\u{FF61}": 2]
        #expect(value.canonicalText == "{\"\u{FF61}\":2,\"\u{1F600}\":1}")
    }

    @Test("control characters are escaped, non-ASCII is written as UTF-8")
    func escaping() {
        let value: JSON = .string("q\"b\\s/\u{8}\u{C}\n\r\t\u{0}\u{1F}\u{7F}\u{E9}\u{1F600}")
        #expect(value.canonicalText == "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0000\\u001f\u{7F}\u{E9}\u{1F600}\"")
    }

    @Test("the pretty printer indents by two spaces with sorted keys")
    func prettyPrinter() {
        let value: JSON = ["name": "x", "tags": ["a", 1], "empty": [], "nested": ["z": nil, "a": [:]]]
        #expect(
            value.prettyText == """
                {
                  "empty": [],
                  "name": "x",
                  "nested": {
                    "a": {},
                    "z": null
                  },
                  "tags": [
                    "a",
                    1
                  ]
                }
                """)
        #expect(JSON.int(3).prettyText == "3")
    }

    @Test("equality ignores member order and hashing agrees")
    func equalityAndHashing() throws {
        let a = try JSON(parsing: #"{"x": 1, "y": [1.0, "s"]}"#)
        let b = try JSON(parsing: #"{"y": [1, "s"], "x": 1.0}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a.canonicalText != b.canonicalText)  // 1 vs 1.0: equal numbers, different text
        #expect(Set([a, b]).count == 1)
    }

    @Test("large objects use their index and stay correct under mutation")
    func largeObjectLookups() throws {
        var object = JSONObject()
        for index in 0..<100 { object["k\(index)"] = .int(index) }
        #expect(object["k57"] == 57)
        #expect(object.removeValue(forKey: "k3") == 3)
        #expect(object["k3"] == nil)
        #expect(object["k99"] == 99)
        #expect(object.position(of: "k4") == 3)
        #expect(object.insertNew(key: "k4", value: 0) == false)
        for index in 0..<95 { object.removeValue(forKey: "k\(index)") }
        #expect(object.keys == ["k95", "k96", "k97", "k98", "k99"])
        #expect(object["k97"] == 97)
        object["e\u{301}"] = 1
        object["\u{E9}"] = 2
        #expect(object.count == 7)
    }

    @Test("number parsing and printing agree with the standard library on generated values")
    func differentialNumbers() throws {
        var generator = SplitMix64(state: 0x1234_5678_9ABC_DEF0)
        func next() -> UInt64 { generator.next() }
        for _ in 0..<2000 {
            // Decimal text with up to 20 significant digits and exponents around the fast path.
            let digits = String(next() % 100_000_000_000_000_000)
            let split = Int(next() % UInt64(digits.count + 1))
            let integer = split == 0 ? "0" : String(digits.prefix(split)).drop { $0 == "0" }
            let fraction = digits.dropFirst(split)
            let exponent = Int(next() % 61) - 30
            let sign = next() % 2 == 0 ? "-" : ""
            let text =
                sign + (integer.isEmpty ? "0" : String(integer)) + "." + (fraction.isEmpty ? "5" : fraction)
                + "e\(exponent)"
            let parsed = try JSON(parsing: text)
            #expect(parsed.doubleValue?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        for _ in 0..<2000 {
            let bits = Double(bitPattern: next())
            let integral = Double(Int64(bitPattern: next()) >> Int(next() % 64))
            for value in [bits, integral] where value.isFinite {
                #expect(JSON.double(value).canonicalText == value.description)
                #expect(try JSON(parsing: JSON.double(value).canonicalText).doubleValue?.bitPattern == value.bitPattern)
            }
        }
    }

    @Test("raw non-ASCII text mixed with escapes decodes exactly")
    func mixedEscapes() throws {
        #expect(try JSON(parsing: "\"caf\u{E9}\\n\u{1F600}\\u00e9\"") == .string("caf\u{E9}\n\u{1F600}\u{E9}"))
        // A non-contiguous byte collection takes the copying path.
        let lazyBytes = Array("[1, \"x\"]".utf8).lazy.map { $0 }
        #expect(try JSON(parsing: lazyBytes) == [1, "x"])
    }
}
