import Sandbox
import Testing
import WorldModel

@Suite("Verdicts and check results")
struct VerdictTests {
    @Test("a verdict passes only when every check passes")
    func passedFollowsChecks() {
        #expect(!RecordFixtures.verdict.passed)
        #expect(RecordFixtures.verdict.failedChecks.map(\.name) == ["never over-refund", "no deletes"])
        let allGood = Verdict(
            checks: [CheckResult(name: "a", kind: .builtin, passed: true, evidence: "")], answer: nil, steps: 0,
            virtualTimeMs: 0)
        #expect(allGood.passed)
    }

    @Test("JSON round trip with sorted keys")
    func jsonRoundTrip() throws {
        let verdict = RecordFixtures.verdict
        let text = verdict.json.canonicalText
        #expect(text.hasPrefix("{\"answer\":\"Refunded CH-2.\",\"checks\":[{\"evidence\":\"\",\"kind\":\"expect\""))
        #expect(text.hasSuffix("\"passed\":false,\"steps\":3,\"verdict\":\"fail\",\"virtual_time_ms\":2150}"))
        let decoded = try Verdict(json: try JSON(parsing: text))
        #expect(decoded == verdict)
        let noAnswer = Verdict(passed: true, checks: [], answer: nil, steps: 0, virtualTimeMs: 0)
        #expect(try Verdict(json: noAnswer.json) == noAnswer)
    }

    @Test("decoding names the offending member")
    func decodingErrors() throws {
        var json = RecordFixtures.verdict.json.objectValue ?? [:]
        json["checks"] = [["name": "x", "kind": "sometimes", "passed": true, "evidence": ""]]
        #expect {
            try Verdict(json: .object(json))
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix("verdict.checks[0].kind: expected one of \"expect\", \"always\"")
                && message.hasSuffix("found string \"sometimes\"")
        }
        json = RecordFixtures.verdict.json.objectValue ?? [:]
        json["extra"] = 1
        #expect(
            throws: RecordDecodingError(path: "verdict.extra", expected: "no such member", found: "an unknown member")
        ) {
            try Verdict(json: .object(json))
        }
        json = RecordFixtures.verdict.json.objectValue ?? [:]
        json["steps"] = "3"
        #expect(throws: RecordDecodingError(path: "verdict.steps", expected: "an integer", found: "string \"3\"")) {
            try Verdict(json: .object(json))
        }
    }

    @Test("text rendering marks each check with its evidence")
    func unicodeRendering() {
        let text = RecordFixtures.verdict.rendered()
        #expect(
            text == """
                FAILED  2 of 3 checks failed · 3 steps · 2.150 s virtual
                  ✓ duplicate refunded exactly once
                  ✗ never over-refund — broke at step 7
                  ✗ no deletes — called 3 times, max 0
                answer: "Refunded CH-2."

                """)
    }

    @Test("ASCII rendering uses PASS and FAIL and keeps evidence on one line")
    func asciiRendering() {
        var verdict = RecordFixtures.verdict
        verdict.checks[1].evidence = "broke at step 7\nsum was 240"
        verdict.answer = nil
        let text = verdict.rendered(symbols: .ascii)
        let isASCII = text.unicodeScalars.allSatisfy { $0.isASCII }
        #expect(isASCII)
        #expect(text.contains("  PASS duplicate refunded exactly once\n"))
        #expect(text.contains("  FAIL never over-refund - broke at step 7\\nsum was 240\n"))
        #expect(text.hasPrefix("FAILED  2 of 3 checks failed, 3 steps, 2.150 s virtual\n"))
        #expect(text.hasSuffix("answer: (none)\n"))
        #expect(verdict.description == text)
    }
}
