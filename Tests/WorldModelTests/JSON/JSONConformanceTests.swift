import Testing
import WorldModel

/// A named test document; shown by name only, so huge documents do not flood test output.
struct JSONTestDocument: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    var text: String { String(decoding: bytes, as: UTF8.self) }
    var testDescription: String { name }

    init(_ name: String, _ text: String) {
        self.name = name
        self.bytes = Array(text.utf8)
    }

    init(_ name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}

/// JSONTestSuite-style tables: `y_` documents must parse, `n_` documents must be rejected.
@Suite("JSON conformance")
struct JSONConformanceTests {
    static let accepted: [JSONTestDocument] = [
        .init("y_array_arraysWithSpaces", "[[]   ]"),
        .init("y_array_empty", "[]"),
        .init("y_array_empty-string", "[\"\"]"),
        .init("y_array_ending_with_newline", "[\"a\"]\n"),
        .init("y_array_false", "[false]"),
        .init("y_array_heterogeneous", "[null, 1, \"1\", {}]"),
        .init("y_array_null", "[null]"),
        .init("y_array_with_1_and_newline", "[1\n]"),
        .init("y_array_with_leading_space", " [1]"),
        .init("y_array_with_several_null", "[1,null,null,null,2]"),
        .init("y_array_with_trailing_space", "[2] "),
        .init("y_number", "[123e65]"),
        .init("y_number_0e+1", "[0e+1]"),
        .init("y_number_0e1", "[0e1]"),
        .init("y_number_after_space", "[ 4]"),
        .init(
            "y_number_double_close_to_zero",
            "[-0.000000000000000000000000000000000000000000000000000000000000000000000000000001]"),
        .init("y_number_int_with_exp", "[20e1]"),
        .init("y_number_minus_zero", "[-0]"),
        .init("y_number_negative_int", "[-123]"),
        .init("y_number_negative_one", "[-1]"),
        .init("y_number_negative_zero", "[-0]"),
        .init("y_number_real_capital_e", "[1E22]"),
        .init("y_number_real_capital_e_neg_exp", "[1E-2]"),
        .init("y_number_real_capital_e_pos_exp", "[1E+2]"),
        .init("y_number_real_exponent", "[123e45]"),
        .init("y_number_real_fraction_exponent", "[123.456e78]"),
        .init("y_number_real_neg_exp", "[1e-2]"),
        .init("y_number_real_pos_exponent", "[1e+2]"),
        .init("y_number_simple_int", "[123]"),
        .init("y_number_simple_real", "[123.456789]"),
        .init("y_number_huge_exp_underflow", "[1e-999999999999]"),
        .init("y_number_too_big_int", "[100000000000000000000000000000000000000000000]"),
        .init("y_object", "{\"asd\":\"sdf\", \"dfg\":\"fgh\"}"),
        .init("y_object_basic", "{\"asd\":\"sdf\"}"),
        .init("y_object_empty", "{}"),
        .init("y_object_empty_key", "{\"\":0}"),
        .init("y_object_escaped_null_in_key", "{\"foo\\u0000bar\": 42}"),
        .init("y_object_extreme_numbers", "{ \"min\": -1.0e+28, \"max\": 1.0e+28 }"),
        .init(
            "y_object_long_strings",
            "{\"x\":[{\"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}], \"id\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"
        ),
        .init("y_object_simple", "{\"a\":[]}"),
        .init("y_object_string_unicode", "{\"title\":\"\\u041f\\u043e\\u043b\\u0442\\u043e\\u0440\\u0430 \" }"),
        .init("y_object_with_newlines", "{\n\"a\": \"b\"\n}"),
        .init("y_object_canonically_equivalent_keys", "{\"\u{E9}\":1, \"e\u{301}\":2}"),
        .init("y_string_1_2_3_bytes_UTF-8_sequences", "[\"\\u0060\\u012a\\u12AB\"]"),
        .init("y_string_accepted_surrogate_pair", "[\"\\uD801\\udc37\"]"),
        .init("y_string_accepted_surrogate_pairs", "[\"\\ud83d\\ude39\\ud83d\\udc8d\"]"),
        .init("y_string_allowed_escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"),
        .init("y_string_backslash_and_u_escaped_zero", "[\"\\\\u0000\"]"),
        .init("y_string_backslash_doublequotes", "[\"\\\"\"]"),
        .init("y_string_comments", "[\"a/*b*/c/*d//e\"]"),
        .init("y_string_double_escape_a", "[\"\\\\a\"]"),
        .init("y_string_escaped_control_character", "[\"\\u0012\"]"),
        .init("y_string_escaped_noncharacter", "[\"\\uFFFF\"]"),
        .init("y_string_in_array", "[\"asd\"]"),
        .init("y_string_last_surrogates_1_and_2", "[\"\\uDBFF\\uDFFF\"]"),
        .init("y_string_nonCharacterInUTF-8_U+FFFF", "[\"\u{FFFF}\"]"),
        .init("y_string_null_escape", "[\"\\u0000\"]"),
        .init("y_string_pi", "[\"\u{3C0}\"]"),
        .init("y_string_raw_del", "[\"a\u{7F}a\"]"),
        .init("y_string_space", "\" \""),
        .init("y_string_three-byte-utf-8", "[\"\\u0821\"]"),
        .init("y_string_utf8", "[\"\u{20AC}\u{1D11E}\"]"),
        .init("y_string_with_del_character", "[\"a\u{7F}a\"]"),
        .init("y_string_unescaped_char_delete", "[\"\u{7F}\"]"),
        .init("y_string_u+2028_line_sep", "[\"\u{2028}\"]"),
        .init("y_structure_lonely_false", "false"),
        .init("y_structure_lonely_int", "42"),
        .init("y_structure_lonely_negative_real", "-0.1"),
        .init("y_structure_lonely_null", "null"),
        .init("y_structure_lonely_string", "\"asd\""),
        .init("y_structure_lonely_true", "true"),
        .init("y_structure_string_empty", "\"\""),
        .init("y_structure_trailing_newline", "[\"a\"]\n"),
        .init("y_structure_true_in_array", "[true]"),
        .init("y_structure_whitespace_array", " [] "),
        .init("y_structure_all_whitespace_kinds", "\t\r\n [ \t\r\n1\t\r\n ] \t\r\n"),
        .init("y_nested_511", String(repeating: "[", count: 511) + String(repeating: "]", count: 511)),
        .init("y_nested_512", String(repeating: "[", count: 512) + String(repeating: "]", count: 512)),
    ]

    static let rejected: [JSONTestDocument] = [
        // Trailing commas and missing/extra separators.
        .init("n_array_extra_comma", "[\"\",]"),
        .init("n_array_number_and_comma", "[1,]"),
        .init("n_array_double_comma", "[1,,2]"),
        .init("n_array_comma_only", "[,]"),
        .init("n_array_leading_comma", "[,1]"),
        .init("n_array_missing_value", "[   , \"\"]"),
        .init("n_array_1_true_without_comma", "[1 true]"),
        .init("n_array_colon_instead_of_comma", "[\"\": 1]"),
        .init("n_object_trailing_comma", "{\"id\":0,}"),
        .init("n_object_several_trailing_commas", "{\"id\":0,,,,,}"),
        .init("n_object_double_colon", "{\"x\"::\"b\"}"),
        .init("n_object_missing_colon", "{\"a\" b}"),
        .init("n_object_missing_semicolon", "{\"a\" \"b\"}"),
        .init("n_object_missing_value", "{\"a\":"),
        .init("n_object_comma_instead_of_colon", "{\"x\", null}"),
        .init("n_object_no-colon", "{\"a\""),
        .init("n_object_missing_key", "{:\"b\"}"),
        .init("n_object_unquoted_key", "{a: \"b\"}"),
        .init("n_object_non_string_key", "{1:1}"),
        .init("n_object_single_quote_key", "{'a':0}"),
        // Unclosed containers and strings.
        .init("n_array_unclosed", "[\"\""),
        .init("n_array_unclosed_with_new_lines", "[1,\n1\n,1"),
        .init("n_array_unclosed_trailing_comma", "[1,"),
        .init("n_object_unclosed", "{\"asd\":\"asd\""),
        .init("n_object_unclosed_after_comma", "{\"a\":1,"),
        .init("n_string_unclosed", "\"abc"),
        .init("n_string_unclosed_in_array", "[\"a"),
        .init("n_string_single_doublequote", "\""),
        .init("n_structure_open_array_object", "[{"),
        .init("n_structure_close_unopened_array", "1]"),
        .init("n_structure_unopened_object_close", "}"),
        .init("n_structure_mismatched", "[}"),
        // Numbers.
        .init("n_number_leading_zero", "[012]"),
        .init("n_number_negative_leading_zero", "[-012]"),
        .init("n_number_double_zero", "[00]"),
        .init("n_number_plus_one", "[+1]"),
        .init("n_number_starting_with_dot", "[.5]"),
        .init("n_number_neg_starting_with_dot", "[-.123]"),
        .init("n_number_trailing_dot", "[1.]"),
        .init("n_number_2.e3", "[2.e3]"),
        .init("n_number_exponent_without_digits", "[1e]"),
        .init("n_number_exponent_sign_only", "[1e+]"),
        .init("n_number_0_capital_E", "[0E]"),
        .init("n_number_minus_only", "[-]"),
        .init("n_number_minus_space", "[- 1]"),
        .init("n_number_hex", "[0x1]"),
        .init("n_number_hex_2", "[0x42]"),
        .init("n_number_NaN", "[NaN]"),
        .init("n_number_minus_NaN", "[-NaN]"),
        .init("n_number_infinity", "[Infinity]"),
        .init("n_number_minus_infinity", "[-Infinity]"),
        .init("n_number_overflowing_double", "[1e400]"),
        .init("n_number_huge_exponent", "[1.5e99999999999999]"),
        .init("n_number_comma_decimal", "[1,5.]"),
        .init("n_number_two_dots", "[1.2.3]"),
        .init("n_number_1_000", "[1 000.0]"),
        // Literals, quotes and comments.
        .init("n_literal_True", "[True]"),
        .init("n_literal_nul", "[nul]"),
        .init("n_literal_truth", "[truth]"),
        .init("n_literal_undefined", "undefined"),
        .init("n_single_quote_string", "['single quote']"),
        .init("n_string_single_quote", "'a'"),
        .init("n_comment_line", "[1] // comment"),
        .init("n_comment_block", "/* c */ [1]"),
        .init("n_comment_inside_array", "[1, /* two */ 2]"),
        // Escapes.
        .init("n_string_invalid_escape_x", "[\"\\x00\"]"),
        .init("n_string_invalid_escape_a", "[\"\\a\"]"),
        .init("n_string_escape_uppercase_U", "[\"\\U0041\"]"),
        .init("n_string_incomplete_unicode_escape", "[\"\\u00A\"]"),
        .init("n_string_unicode_escape_non_hex", "[\"\\uqqqq\"]"),
        .init("n_string_escaped_emoji_raw", "[\"\\\u{1F600}\"]"),
        .init("n_string_backslash_at_end", "[\"\\"),
        // Lone surrogates (escaped).
        .init("n_string_lone_high_surrogate", "[\"\\uD800\"]"),
        .init("n_string_lone_high_surrogate_then_text", "[\"\\uD800abc\"]"),
        .init("n_string_high_surrogate_then_non_low_escape", "[\"\\uD800\\u0041\"]"),
        .init("n_string_two_high_surrogates", "[\"\\uD800\\uD800\"]"),
        .init("n_string_lone_low_surrogate", "[\"\\uDC00\"]"),
        .init("n_string_reversed_surrogates", "[\"\\uDC00\\uD800\"]"),
        // Raw control characters.
        .init("n_string_raw_newline", "[\"a\nb\"]"),
        .init("n_string_raw_tab", "[\"\t\"]"),
        .init("n_string_raw_nul", "[\"a\u{0}a\"]"),
        .init("n_string_raw_control_1F", "[\"\u{1F}\"]"),
        .init("n_string_raw_control_after_escape", "[\"\\n\u{1}\"]"),
        // Garbage after the value and empty documents.
        .init("n_structure_double_array", "[][]"),
        .init("n_structure_trailing_garbage", "[1]x"),
        .init("n_structure_two_values", "1 2"),
        .init("n_structure_object_followed_by_closing", "{}}"),
        .init("n_structure_number_with_trailing_garbage", "2@"),
        .init("n_structure_empty", ""),
        .init("n_structure_whitespace_only", " \n\t "),
        .init("n_structure_lone_open_bracket", "["),
        .init("n_structure_non_breaking_space", "\u{A0}[]"),
        .init("n_structure_form_feed_whitespace", "[\u{0C}]"),
        .init("n_structure_vertical_tab_whitespace", "[\u{0B}1]"),
        .init("n_structure_bom", "\u{FEFF}[]"),
        .init("n_structure_angle_bracket", "<.>"),
        // Duplicate keys and depth.
        .init("n_object_duplicate_key", "{\"a\":1,\"a\":2}"),
        .init("n_object_duplicate_key_same_value", "{\"a\":\"b\",\"a\":\"b\"}"),
        .init("n_object_duplicate_key_escaped", "{\"a\":1,\"\\u0061\":2}"),
        .init(
            "n_object_duplicate_key_large_object",
            "{" + (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k7\":0}"),
        .init("n_structure_nested_513", String(repeating: "[", count: 513) + String(repeating: "]", count: 513)),
        .init(
            "n_structure_nested_objects_513",
            String(repeating: "{\"a\":", count: 513) + "1" + String(repeating: "}", count: 513)),
        .init("n_structure_100000_opening_arrays", String(repeating: "[", count: 100_000)),
    ]

    /// Byte documents that are not valid UTF-8 (Swift string literals cannot hold them).
    static let rejectedBytes: [JSONTestDocument] = [
        .init("n_string_invalid_utf8_lone_continuation", bytes: [0x22, 0x80, 0x22]),
        .init("n_string_invalid_utf8_after_ascii", bytes: [0x5B, 0x22, 0x61, 0xFF, 0x22, 0x5D]),
        .init("n_string_overlong_slash", bytes: [0x22, 0xC0, 0xAF, 0x22]),
        .init("n_string_overlong_3_byte", bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22]),
        .init("n_string_utf8_encoded_surrogate", bytes: [0x22, 0xED, 0xA0, 0x80, 0x22]),
        .init("n_string_above_U+10FFFF", bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22]),
        .init("n_string_truncated_sequence", bytes: [0x22, 0xE2, 0x82, 0x22]),
        .init("n_string_invalid_utf8_after_escape", bytes: [0x22, 0x5C, 0x6E, 0xFE, 0x22]),
        .init("n_string_invalid_utf8_before_escape", bytes: [0x22, 0x61, 0xFF, 0x5C, 0x6E, 0x22]),
        .init("n_string_truncated_sequence_before_escape", bytes: [0x22, 0xC3, 0x5C, 0x6E, 0x22]),
        .init("n_structure_invalid_utf8_outside_string", bytes: [0x5B, 0xE5, 0x5D]),
        .init("n_structure_nul_byte_after_value", bytes: [0x5B, 0x5D, 0x00]),
    ]

    @Test("accepts every y_ document", arguments: accepted)
    func acceptsValidDocument(_ document: JSONTestDocument) throws {
        let fromBytes = try JSON(parsing: document.bytes)
        let fromText = try JSON(parsing: document.text)
        #expect(fromBytes == fromText)
    }

    @Test("rejects every n_ document", arguments: rejected)
    func rejectsInvalidDocument(_ document: JSONTestDocument) {
        #expect(throws: JSONParseError.self) { try JSON(parsing: document.bytes) }
        #expect(throws: JSONParseError.self) { try JSON(parsing: document.text) }
    }

    @Test("rejects invalid UTF-8 bytes", arguments: rejectedBytes)
    func rejectsInvalidBytes(_ document: JSONTestDocument) {
        #expect(throws: JSONParseError.self) { try JSON(parsing: document.bytes) }
    }

    @Test("the tables are as large as promised")
    func tableSizes() {
        #expect(Self.accepted.count >= 60)
        #expect(Self.rejected.count + Self.rejectedBytes.count >= 80)
    }

    @Test("a stricter depth limit rejects what the default accepts")
    func customDepthLimit() throws {
        let text = "[[[[1]]]]"
        _ = try JSON(parsing: text)
        #expect(throws: Never.self) { try JSON(parsing: text, limits: JSONParseLimits(maximumDepth: 4)) }
        let error = try #require(throws: JSONParseError.self) {
            try JSON(parsing: text, limits: JSONParseLimits(maximumDepth: 3))
        }
        #expect(error.expected == "nesting of at most 3 levels")
        #expect(error.column == 4)
    }

    @Test("the size limit rejects documents larger than allowed")
    func sizeLimit() throws {
        let limits = JSONParseLimits(maximumBytes: 8)
        #expect(throws: Never.self) { try JSON(parsing: "[1,2,3]", limits: limits) }
        let error = try #require(throws: JSONParseError.self) { try JSON(parsing: "[1,2,3,4]", limits: limits) }
        #expect(error.expected == "a document of at most 8 bytes")
        #expect(error.found == "9 bytes")
    }

    @Test("parsed values are the expected ones")
    func parsedValues() throws {
        #expect(try JSON(parsing: #"{"foo\u0000bar": 42}"#) == ["foo\u{0}bar": 42])
        #expect(try JSON(parsing: #"["\uD801\udc37"]"#) == ["\u{10437}"])
        #expect(try JSON(parsing: #""\"\\\/\b\f\n\r\t""#) == "\"\\/\u{8}\u{C}\n\r\t")
        #expect(try JSON(parsing: #""\u00e9\u20AC""#) == "\u{E9}\u{20AC}")
        #expect(try JSON(parsing: "[-0]") == [0])
        #expect(try JSON(parsing: "[1E22]") == [.double(1e22)])
        #expect(
            try JSON(parsing: "-0.000000000000000000000000000000000000000000000000000000000000000000000000000001")
                == .double(-1e-78))
        #expect(try JSON(parsing: "[1e-999999999999]") == [.double(0)])
    }

    @Test("canonically equivalent but different keys are distinct members")
    func keysCompareByBytes() throws {
        let value = try JSON(parsing: "{\"\u{E9}\":1, \"e\u{301}\":2}")
        let object = try #require(value.objectValue)
        #expect(object.count == 2)
        #expect(object["\u{E9}"] == 1)
        #expect(object["e\u{301}"] == 2)
        #expect(JSON.string("\u{E9}") != JSON.string("e\u{301}"))
    }
}
