import Testing
import WorldModel

@Suite("JSON parse errors")
struct JSONParseErrorTests {
    func failure(_ text: String) throws -> JSONParseError {
        try #require(throws: JSONParseError.self) { try JSON(parsing: text) }
    }

    @Test("a trailing comma in an object points at the closing brace on its line")
    func trailingCommaPosition() throws {
        let error = try failure("{\n  \"a\": 1,\n  \"b\": 2,\n}")
        #expect(error.line == 4)
        #expect(error.column == 1)
        #expect(error.expected == "a string key (trailing commas are not allowed)")
        #expect(error.found == "'}'")
    }

    @Test("a missing comma names what was expected and found, with an excerpt")
    func missingComma() throws {
        let error = try failure("[1, 2 3]")
        #expect(error.line == 1)
        #expect(error.column == 7)
        #expect(error.offset == 6)
        #expect(error.expected == "',' or ']'")
        #expect(error.found == "'3'")
        #expect(error.excerpt == "[1, 2 3]")
        #expect(error.description == #"line 1, column 7: expected ',' or ']', found '3' near "[1, 2 3]""#)
    }

    @Test("the excerpt stays on the offending line and is at most 40 bytes")
    func excerptIsShort() throws {
        let long = String(repeating: "1,", count: 50)
        let error = try failure("[\n" + long + "x]")
        #expect(error.line == 2)
        #expect(error.column == 101)
        #expect(error.excerpt == "1,1,1,1,1,1,1,1,1,1,x]")
        #expect(!error.excerpt.contains("\n"))
    }

    @Test("a leading zero is reported at the second digit")
    func leadingZero() throws {
        let error = try failure(#"{"n": 012}"#)
        #expect(error.column == 8)
        #expect(error.expected == "no leading zeros")
        #expect(error.found == "'1'")
    }

    @Test("a raw control character in a string is named by its byte")
    func rawControlCharacter() throws {
        let error = try failure("[\"a\tb\"]")
        #expect(error.column == 4)
        #expect(error.found == "a raw control character (byte 0x09)")
        #expect(error.excerpt == "[\"a b\"]")
    }

    @Test("an invalid escape points at the backslash")
    func invalidEscape() throws {
        let error = try failure(#"["ab\x"]"#)
        #expect(error.column == 5)
        #expect(error.found == "'\\' followed by 'x'")
    }

    @Test("a lone surrogate escape is rejected at the escape")
    func loneSurrogate() throws {
        let high = try failure(#"["\uD83D"]"#)
        #expect(high.column == 3)
        #expect(high.found == "a lone high surrogate")
        let low = try failure(#"["x\uDE00"]"#)
        #expect(low.column == 4)
        #expect(low.found == "a lone low surrogate")
    }

    @Test("invalid UTF-8 is reported at the offending byte")
    func invalidUTF8Position() throws {
        let error = try #require(throws: JSONParseError.self) {
            try JSON(parsing: [0x5B, 0x22, 0x61, 0x62, 0xC3, 0x28, 0x22, 0x5D])
        }
        #expect(error.column == 6)
        #expect(error.expected == "valid UTF-8 text")
        #expect(error.found == "invalid UTF-8 byte 0x28")
    }

    @Test("garbage after the value is reported as expecting end of input")
    func garbageAfterValue() throws {
        let error = try failure("{} x")
        #expect(error.column == 4)
        #expect(error.expected == "end of input")
        #expect(error.found == "'x'")
    }

    @Test("an unclosed string points at its opening quote")
    func unclosedString() throws {
        let error = try failure("[1,\n \"abc")
        #expect(error.line == 2)
        #expect(error.column == 2)
        #expect(error.found == "end of input")
    }

    @Test("an unclosed array reports end of input")
    func unclosedArray() throws {
        let error = try failure("[1, 2")
        #expect(error.expected == "',' or ']'")
        #expect(error.found == "end of input")
        #expect(error.column == 6)
    }

    @Test("a duplicate key names the key and points at its second occurrence")
    func duplicateKey() throws {
        let error = try failure("{\"id\": 1,\n \"id\": 2}")
        #expect(error.line == 2)
        #expect(error.column == 2)
        #expect(error.expected == "unique object keys")
        #expect(error.found == #"a second "id""#)
    }

    @Test("NaN and single quotes read as an unexpected character")
    func unexpectedCharacters() throws {
        #expect(try failure("NaN").found == "'N'")
        #expect(try failure("['a']").found == "\"'\"")
        #expect(try failure("").expected == "a value")
        #expect(try failure("tru").expected == "'true'")
    }

    @Test("a number beyond Double's range is rejected with its text")
    func overflowingDouble() throws {
        let error = try failure("[1e400]")
        #expect(error.found == "1e400")
        #expect(error.column == 2)
    }
}
