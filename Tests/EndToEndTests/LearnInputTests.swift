import Foundation
import Testing
import WorldModel

/// `simrun learn` given inputs it must not learn silently: corrupt or empty files, too few calls,
/// and inputs of different servers mixed up. Each gets exit 2 with the file, line or JSON path,
/// what was expected and what was found (or a report line saying what the data cannot support),
/// and no error leaves an `--out` or `--report` file behind.
@Suite("simrun learn: bad and mixed-up inputs")
struct LearnInputTests {
    /// A recording of one session: `server` with `command`, the listed tools (none: no `tools`
    /// line), and calls of `(tool, arguments, answer text)` 10 ms apart.
    static func recording(
        server: String, command: String, tools: [(name: String, schema: String)]?,
        calls: [(tool: String, arguments: String, text: String)]
    ) -> String {
        var lines = [
            #"{"type":"header","format":"simrun-recording","version":1,"session":1,"recorder":"simrun 0.1.0","started_at":"2026-01-01T00:00:00Z","server":{"name":"\#(server)","command":"\#(command)","args":[]},"protocol_version":"2025-06-18","client_info":null,"server_info":null}"#
        ]
        if let tools {
            let listed = tools.map { #"{"name":"\#($0.name)","inputSchema":\#($0.schema)}"# }
            lines.append(#"{"type":"tools","session":1,"at_ms":1,"tools":[\#(listed.joined(separator: ","))]}"#)
        }
        for (index, call) in calls.enumerated() {
            let text = String(decoding: JSON.string(call.text).canonicalBytes, as: UTF8.self)
            lines.append(
                #"{"type":"call","session":1,"id":\#(index + 1),"tool":"\#(call.tool)","arguments":\#(call.arguments),"at_ms":\#(10 * (index + 1)),"latency_ms":\#(5 + index % 7),"result":{"content":[{"type":"text","text":\#(text)}],"isError":false},"error":null}"#
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let recordSchema =
        #"{"type":"object","properties":{"record_id":{"type":"string"}},"required":["record_id"]}"#
    static let noteSchema = #"{"type":"object","properties":{"note_id":{"type":"integer"}},"required":["note_id"]}"#

    /// `count` calls of `get_record`, answering rows (JSON) or, with `text`, plain text.
    static func records(_ count: Int, text: Bool = false) -> [(tool: String, arguments: String, text: String)] {
        (0..<count).map { index in
            let id = "R-\(index % 4 + 1)"
            return (
                "get_record", #"{"record_id":"\#(id)"}"#,
                text ? "record \(id) is open" : #"{"id":"\#(id)","status":"open"}"#
            )
        }
    }

    /// Runs `simrun learn` with `--out` and `--report` in `scratch`; expects exit 2 with every
    /// fragment of `expected` on stderr and neither file written.
    func expectRefused(
        _ inputs: [String], in scratch: ScratchDirectory, _ expected: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let out = scratch.path + "/learned.json"
        let report = scratch.path + "/report.txt"
        let result = try SimrunProcess.run(["learn"] + inputs + ["--out", out, "--report", report])
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        for fragment in expected {
            #expect(result.stderr.contains(fragment), "\(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(!result.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        let left = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter {
            $0.hasPrefix("learned") || $0.hasPrefix("report")
        }
        #expect(left.isEmpty, "files left behind: \(left)", sourceLocation: sourceLocation)
    }

    @Test("two recordings listing one tool name with different input schemas: exit 2 naming both files")
    func differentSchemas() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let a = try scratch.write(
            "a.jsonl",
            Self.recording(
                server: "python3", command: "python3 crud.py", tools: [("get_record", Self.recordSchema)],
                calls: Self.records(30)))
        let b = try scratch.write(
            "b.jsonl",
            Self.recording(
                server: "python3", command: "python3 other.py", tools: [("get_record", Self.noteSchema)],
                calls: Self.records(30)))
        try expectRefused(
            [a, b], in: scratch,
            [
                "simrun learn: tool 'get_record' is listed with different input schemas in \(a) and \(b): "
                    + "expected one schema per tool, found two (inputs from different servers mixed up?"
            ])
    }

    @Test("sessions of one recording listing one tool with different schemas: exit 2 naming the line")
    func differentSchemasInOneFile() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let first = Self.recording(
            server: "python3", command: "python3 crud.py", tools: [("get_record", Self.recordSchema)],
            calls: Self.records(3))
        let second = Self.recording(
            server: "python3", command: "python3 other.py", tools: [("get_record", Self.noteSchema)],
            calls: Self.records(3)
        ).replacingOccurrences(of: #""session":1"#, with: #""session":2"#)
        let file = try scratch.write("appended.jsonl", first + second)
        try expectRefused(
            [file], in: scratch,
            [
                "\(file): line 7: tools[0].inputSchema: expected the input schema line 2 listed for 'get_record', "
                    + "found a different one"
            ])
    }

    @Test("servers that share a default name but no tool become services of their own, and the report says so")
    func separateServices() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let a = try scratch.write(
            "a.jsonl",
            Self.recording(
                server: "python3", command: "python3 crud.py", tools: [("get_record", Self.recordSchema)],
                calls: Self.records(30)))
        let notes = (0..<30).map { index in
            ("get_note", #"{"note_id":\#(index % 3)}"#, #"{"id":"N-\#(index % 3)","text":"hello"}"#)
        }
        let b = try scratch.write(
            "b.jsonl",
            Self.recording(
                server: "python3", command: "python3 notes.py", tools: [("get_note", Self.noteSchema)], calls: notes))
        let out = scratch.path + "/learned.json"
        let result = try SimrunProcess.run(["learn", a, b, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        let scenario = try JSON(parsing: try String(contentsOfFile: out, encoding: .utf8))
        #expect(scenario["services"]?.objectValue?.keys.sorted() == ["python3", "python3_2"])
        let services = scenario["tools"]?.arrayValue?.map {
            "\($0["name"]?.stringValue ?? ""):\($0["service"]?.stringValue ?? "")"
        }
        #expect(services == ["get_record:python3", "get_note:python3_2"])
        #expect(result.stdout.contains("service python3_2 (recorded as python3): 30 calls in 1 sequence"))
        #expect(
            result.stdout.contains(
                "  note: a different server from the other service recorded as python3 (`python3 crud.py` in \(a)): "
                    + "`python3 notes.py` in \(b), with no tool or origin in common, so learned as a service of its own"
            ))
        // The same server recorded twice (same command) stays one service, whatever tools each called.
        let c = try scratch.write(
            "c.jsonl",
            Self.recording(
                server: "python3", command: "python3 crud.py", tools: [("get_note", Self.noteSchema)], calls: notes))
        let same = try SimrunProcess.run(["learn", a, c, "--out", scratch.path + "/same.json"])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.contains("service python3 (recorded as python3): 60 calls in 2 sequences"))
        #expect(!same.stdout.contains("python3_2"))
    }

    @Test("a trace and a recording calling one tool on different services: exit 2 naming both files")
    func toolOnTwoServices() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let run = try SimrunProcess.run([
            "run", SimrunProcess.root + "/scenarios/billing-outage.json", "--seed", "3", "--trace-dir",
            scratch.path + "/traces",
        ])
        #expect(run.status <= 1, "\(run.stderr)")
        let traces = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/traces/billing-outage")
            .filter { $0.hasSuffix(".jsonl") && !$0.hasSuffix(".index.jsonl") }
        let trace = scratch.path + "/traces/billing-outage/" + (try #require(traces.first))
        let calls = (0..<5).map { _ in ("billing_list_credit_requests", "{}", #"{"items":[]}"#) }
        let recording = try scratch.write(
            "payments.jsonl", Self.recording(server: "payments", command: "payments-server", tools: nil, calls: calls))
        try expectRefused(
            [trace, recording], in: scratch,
            [
                "simrun learn: tool 'billing_list_credit_requests' is called on service 'billing' in \(trace) and on "
                    + "service 'payments' in \(recording): expected each tool on one service, found two"
            ])
        // An unrelated server (no tool in common) is a service of its own beside the trace's.
        let unrelated = try scratch.write(
            "crud.jsonl",
            Self.recording(
                server: "crud", command: "python3 crud.py", tools: [("get_record", Self.recordSchema)],
                calls: Self.records(30)))
        let together = try SimrunProcess.run(["learn", trace, unrelated, "--out", scratch.path + "/both.json"])
        #expect(together.status == 0, "\(together.stderr)")
        let scenario = try JSON(parsing: try String(contentsOfFile: scratch.path + "/both.json", encoding: .utf8))
        #expect(scenario["services"]?.objectValue?.keys.sorted() == ["billing", "crud"])
    }

    @Test("one tool answering JSON in one recording and only text in another: exit 2 naming both files")
    func differentAnswers() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let a = try scratch.write(
            "json.jsonl",
            Self.recording(server: "records", command: "records-v1", tools: nil, calls: Self.records(12)))
        let b = try scratch.write(
            "text.jsonl",
            Self.recording(server: "records", command: "records-v1", tools: nil, calls: Self.records(9, text: true)))
        try expectRefused(
            [a, b], in: scratch,
            [
                "simrun learn: tool 'get_record' answers JSON in \(a) (all 12 successful answers) but only text in "
                    + "\(b) (all 9 successful answers): expected answers of one kind per tool, found both"
            ])
    }

    @Test("corrupt, empty and call-less recordings: exit 2 with file, line, expected and found; no file left")
    func corruptRecordings() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let good = Self.recording(
            server: "records", command: "records", tools: [("get_record", Self.recordSchema)], calls: Self.records(4))
        var lines = good.split(separator: "\n").map(String.init)
        let truncated = try scratch.write("truncated.jsonl", lines.joined(separator: "\n") + "\n" + lines[3].prefix(40))
        try expectRefused(
            [truncated], in: scratch,
            [
                "\(truncated): line 7: expected a complete JSON line, found a line cut short (the recording was "
                    + "probably interrupted while writing it); the 6 lines before it are intact"
            ])
        let notJSON = try scratch.write("notjson.jsonl", good + "this is not JSON\n" + lines[3] + "\n")
        try expectRefused(
            [notJSON], in: scratch, ["\(notJSON): line 7: expected a JSON object, found text that is not JSON"])
        let wrongFormat = try scratch.write(
            "format.jsonl", good.replacingOccurrences(of: "simrun-recording", with: "other-recording"))
        try expectRefused(
            [wrongFormat], in: scratch,
            [
                #"\#(wrongFormat): line 1: format: expected "simrun-recording" or "simrun-trace", found "other-recording""#
            ])
        let wrongVersion = try scratch.write(
            "version.jsonl", good.replacingOccurrences(of: #""version":1"#, with: #""version":7"#))
        try expectRefused(
            [wrongVersion], in: scratch,
            ["\(wrongVersion): line 1: version: expected 1 (the recording format version this simrun reads), found"])
        let empty = try scratch.write("empty.jsonl", "")
        try expectRefused(
            [empty], in: scratch,
            ["\(empty): expected a simrun recording, a simrun trace or a HAR 1.2 file, found an empty file"])
        let plain = try scratch.write("plain.txt", "hello\n")
        try expectRefused(
            [plain], in: scratch,
            [
                "\(plain): line 1: expected a simrun recording, a simrun trace or a HAR 1.2 file, found text that is not JSON"
            ])
        lines.removeLast(4)
        let headerOnly = try scratch.write("nocalls.jsonl", lines.joined(separator: "\n") + "\n")
        try expectRefused(
            [headerOnly], in: scratch,
            [
                "simrun learn: no recorded calls in \(headerOnly): expected at least one tools/call, trace step or HAR entry to learn from, found none"
            ])
        // A bad file among good ones still stops learning: nothing is learned from part of the inputs.
        let fine = try scratch.write("fine.jsonl", good)
        try expectRefused([fine, truncated], in: scratch, ["\(truncated): line 7"])
        let har = try scratch.write("nocalls.har", #"{"log": {"version": "1.2", "entries": []}}"#)
        try expectRefused([har], in: scratch, ["simrun learn: no recorded calls in \(har)"])
        let harMissing = try scratch.write("bad.har", #"{"log": {"version": "1.2", "entries": [{"time": 3}]}}"#)
        try expectRefused([harMissing], in: scratch, ["\(harMissing): log.entries[0]."])
    }

    @Test("too few calls learn a one-regime model with a report line saying what they cannot support")
    func tooFewCalls() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let few = try scratch.write(
            "few.jsonl",
            Self.recording(
                server: "records", command: "records", tools: [("get_record", Self.recordSchema)],
                calls: Self.records(4)))
        let result = try SimrunProcess.run(["learn", few, "--out", scratch.path + "/few.json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("rejected: not enough calls to fit 2 regimes: 4 calls, 50 needed"))
        #expect(
            result.stdout.contains("note: only 4 calls (a single regime's 1 parameters want 10): the figures are rough")
        )
        #expect(
            result.stdout.contains(
                "not a fault rule: 4 JSON answers: 20 needed to infer missing, null or retyped fields"))
    }
}
