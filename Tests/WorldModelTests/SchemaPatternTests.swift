import Testing
import WorldModel

@Suite("Schema patterns")
struct SchemaPatternTests {
    static let patterns = [
        "^C-[0-9]+$", "^T-[0-9]+$", "^[a-z_]{1,8}$", "[0-9]", "^ab?c*d{2}e{1,}f{0,2}$", "^[^0-9]+$", "\\d{3}-\\d{4}",
        "^\\w+@\\w+\\.com$", "^[A-Z][a-z]*$", "x+y", "^$", "a{0}b", "^[\\d.]+$", "^[-a]+$", "^[a-]+$", "^\\$\\d+$",
        "^a{2}b?$", "^[0-9]{3}$", "^x*$", "^ab{2,3}$", "^\\d{2}[a-c]{0,2}$",
        // Outside the fast subset: must still work through Regex.
        "^(ab)+$", "a|b", "^.+$", "^a+?b$",
    ]
    static let inputs = [
        "", "C-1042", "C-", "c-1", "C-12a", "T-7031", "xT-1", "abc", "ab_cd", "abcdefghi", "ABC", "acdde", "abccddeeef",
        "abddeefff", "555-1234", "5551234", "dana@example.com", "a@b.co", "Dana", "dana", "xxy", "y", "b", "ab", "abab",
        "1.5", "--a", "$12", "é", "C-١٢", "aaab", "\u{1F381}", "aa", "aab", "aabb", "123", "1234", "xxx", "abbb",
        "abbbb", "12c", "12abc", "12",
    ]

    @Test("the fast pattern matcher agrees with Regex on every pattern and input")
    func fastMatcherAgrees() throws {
        for source in Self.patterns {
            let schema = try JSONSchema(["type": "string", "pattern": .string(source)])
            let regex = try Regex(source).asciiOnlyDigits().asciiOnlyWordCharacters().matchingSemantics(.unicodeScalar)
            for input in Self.inputs {
                let expected = input.contains(regex)
                #expect(schema.isValid(.string(input)) == expected, "/\(source)/ on \"\(input)\"")
            }
        }
    }
}
