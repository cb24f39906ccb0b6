import Sandbox
import Testing
import WorldModel

#if canImport(FoundationXML)
    import FoundationXML
#else
    import Foundation
#endif

@Suite("JUnit reports")
struct JUnitReportTests {
    static let awkward = "refund \"dup\" <&> 'x'\u{7}"

    static var card: Scorecard {
        let failing = EpisodeSummary(
            scenario: awkward, seed: 7, trial: 2, passed: false,
            failedChecks: [
                CheckResult(
                    name: "never <over>-refund", kind: .always, passed: false,
                    evidence: "broke at step 7\nsum 240 > 120"),
                CheckResult(name: "no deletes", kind: .calls, passed: false, evidence: "called 3 times, max 0"),
            ],
            callLatenciesMs: [10], faultsFired: [], virtualTimeMs: 2150, tracePath: "traces/a&b.jsonl",
            replayCommand: "simrun replay 'traces/a&b.jsonl'")
        let passing = EpisodeSummary(
            scenario: awkward, seed: 7, trial: 1, passed: true, failedChecks: [], callLatenciesMs: [10],
            faultsFired: [], virtualTimeMs: 40, tracePath: nil, replayCommand: "simrun replay t.jsonl")
        let other = EpisodeSummary(
            scenario: "billing-outage", seed: 3, trial: 1, passed: true, failedChecks: [], callLatenciesMs: [],
            faultsFired: [], virtualTimeMs: 12_345, tracePath: nil, replayCommand: "")
        return Scorecard(episodes: [failing, passing, other])
    }

    @Test("escaping covers markup, quotes and control characters")
    func escaping() {
        #expect(JUnitReport.escapeText("a<b & c>\"'") == "a&lt;b &amp; c&gt;\"'")
        #expect(JUnitReport.escapeAttribute("a<b & c>\"'") == "a&lt;b &amp; c&gt;&quot;&apos;")
        #expect(JUnitReport.escapeText("x\u{1B}[0m\u{0}\u{FFFF}") == "x\\u001B[0m\\u0000\\uFFFF")
        #expect(JUnitReport.escapeText("line\nnext\ttab\r") == "line\nnext\ttab&#13;")
        #expect(JUnitReport.escapeAttribute("line\nnext\ttab") == "line&#10;next&#9;tab")
        #expect(JUnitReport.escapeText("café ✓") == "café ✓")
    }

    @Test("one suite per scenario, one case per seed and trial, with counts and virtual times")
    func layout() {
        let xml = JUnitReport.xml(for: Self.card)
        #expect(
            xml.hasPrefix(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"simrun\" tests=\"3\" failures=\"1\" errors=\"0\" time=\"14.535\">\n"
            ))
        #expect(
            xml.contains(
                "  <testsuite name=\"billing-outage\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"12.345\">\n    <testcase name=\"seed 3 trial 1\" classname=\"billing-outage\" time=\"12.345\"/>\n"
            ))
        #expect(
            xml.contains(
                "<testcase name=\"seed 7 trial 1\" classname=\"refund &quot;dup&quot; &lt;&amp;&gt; &apos;x&apos;\\u0007\" time=\"0.040\"/>"
            ))
        #expect(xml.hasSuffix("</testsuites>\n"))
        let billing = xml.range(of: "<testsuite name=\"billing-outage\"")?.lowerBound
        let refund = xml.range(of: "<testsuite name=\"refund")?.lowerBound
        #expect(billing != nil && refund != nil && billing! < refund!)
    }

    #if canImport(FoundationXML) || canImport(Darwin)
        @Test("the report is well-formed XML and reads back to the original names and evidence")
        func wellFormed() throws {
            let xml = JUnitReport.xml(for: Self.card)
            let document = try XMLDocument(xmlString: xml, options: [])
            let root = try #require(document.rootElement())
            #expect(root.name == "testsuites")
            #expect(root.attribute(forName: "tests")?.stringValue == "3")
            let suites = root.elements(forName: "testsuite")
            #expect(
                suites.map { $0.attribute(forName: "name")?.stringValue } == [
                    "billing-outage", "refund \"dup\" <&> 'x'\\u0007",
                ])
            let cases = suites[1].elements(forName: "testcase")
            #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == ["seed 7 trial 1", "seed 7 trial 2"])
            #expect(suites[1].attribute(forName: "failures")?.stringValue == "1")
            #expect(cases[0].elements(forName: "failure").isEmpty)
            let failure = try #require(cases[1].elements(forName: "failure").first)
            #expect(failure.attribute(forName: "message")?.stringValue == "failed: never <over>-refund; no deletes")
            #expect(
                failure.stringValue == """
                    never <over>-refund: broke at step 7
                    sum 240 > 120
                    no deletes: called 3 times, max 0
                    trace: traces/a&b.jsonl
                    replay: simrun replay 'traces/a&b.jsonl'
                    """)
        }
    #endif
}
