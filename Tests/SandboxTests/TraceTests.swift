import Foundation
import Sandbox
import Testing
import WorldModel

@Suite("Trace files")
struct TraceTests {
    func writeSample(to path: String, steps: Int = 3, verdict: Bool = true) throws -> Trace {
        let writer = try TraceWriter(path: path, header: RecordFixtures.header())
        var trace = Trace(header: RecordFixtures.header())
        for index in 1...steps {
            let step = RecordFixtures.step(index, faults: index == 1 ? ["billing-outage"] : [])
            try writer.append(step)
            trace.steps.append(step)
        }
        if verdict {
            try writer.finish(RecordFixtures.verdict)
            trace.verdict = RecordFixtures.verdict
        } else {
            writer.close()
        }
        return trace
    }

    func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("write then read gives back the same trace, byte for byte")
    func roundTrip() throws {
        let path = RecordFixtures.temporaryPath()
        let written = try writeSample(to: path)
        let read = try Trace(contentsOfFile: path)
        #expect(read == written)
        #expect(read.steps.count == 3)
        #expect(read.steps[0].header("retry-after") == "2")
        #expect(read.steps[0].body == "<html>503 Service Unavailable</html>")
        #expect(read.verdict == RecordFixtures.verdict)
        #expect(try bytes(path) == written.bytes)
    }

    @Test("every line is one canonical JSON object with a type")
    func lineShape() throws {
        let path = RecordFixtures.temporaryPath()
        _ = try writeSample(to: path, steps: 2)
        let text = String(decoding: try bytes(path), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5)  // header, 2 steps, verdict, and the empty rest after the final line feed
        #expect(lines.last == "")
        for line in lines.dropLast() {
            let json = try JSON(parsing: String(line))
            #expect(json.canonicalText == String(line))
        }
        #expect(
            lines[0]
                == #"{"agent":"robust","engine":"0.1.0","faults":{"mode":"overlay","overlay_path":"faults/lossy.json","overlay_sha256":"\#(RecordFixtures.hashB)"},"format":"simrun-trace","policy":{"approvals":"auto","scopes":["billing:read","billing:write"]},"scenario":{"name":"crm-refund","path":"scenarios/crm-refund.json","sha256":"\#(RecordFixtures.hashA)"},"seed":7,"think_time":"explicit","trial":1,"type":"header","version":3}"#
        )
        #expect(
            lines[1].hasPrefix(
                #"{"arguments":{"amount":120.0,"charge_id":"CH-2","note":"line\nbreak \"quoted\" \u0001"},"at_ms":1000,"body":"<html>"#
            ))
        #expect(lines[1].contains(#""headers":[["Content-Type","text/html"],["Retry-After","2"]]"#))
        #expect(lines[3].hasPrefix(#"{"answer":"Refunded CH-2.","#))
        #expect(lines[3].hasSuffix(#""type":"verdict","verdict":"fail","virtual_time_ms":2150}"#))
    }

    @Test("the writer flushes each line as it is appended")
    func flushesPerLine() throws {
        let path = RecordFixtures.temporaryPath()
        let writer = try TraceWriter(path: path, header: RecordFixtures.header())
        var partial = try Trace(contentsOfFile: writer.writingPath)
        #expect(partial.steps.isEmpty && partial.verdict == nil)
        try writer.append(RecordFixtures.step(1))
        try writer.append(RecordFixtures.step(2))
        partial = try Trace(contentsOfFile: writer.writingPath)
        #expect(partial.steps.map(\.index) == [1, 2])
        #expect(writer.stepsWritten == 2)
        try writer.finish(RecordFixtures.verdict)
        #expect(try Trace(contentsOfFile: path).verdict != nil)
        #expect(throws: TraceWriteError.closed(path: path)) { try writer.append(RecordFixtures.step(3)) }
    }

    @Test("the writer refuses steps out of order and writes nothing for them")
    func writerOrder() throws {
        let path = RecordFixtures.temporaryPath()
        let writer = try TraceWriter(path: path, header: RecordFixtures.header())
        try writer.append(RecordFixtures.step(1))
        let before = try bytes(writer.writingPath)
        #expect(throws: TraceWriteError.stepOutOfOrder(path: path, expected: 2, found: 3)) {
            try writer.append(RecordFixtures.step(3))
        }
        #expect(try bytes(writer.writingPath) == before)
        writer.close()
    }

    @Test("the writer replaces an existing file and reports unwritable paths")
    func writerFiles() throws {
        let path = RecordFixtures.temporaryPath()
        _ = try writeSample(to: path, steps: 3)
        let second = try writeSample(to: path, steps: 1)
        #expect(try Trace(contentsOfFile: path) == second)

        let blocker = RecordFixtures.temporaryPath("file")
        _ = try writeSample(to: blocker, steps: 1)
        #expect {
            try TraceWriter(path: blocker + "/inside.jsonl", header: RecordFixtures.header())
        } throws: { error in
            guard let error = error as? TraceWriteError, case .cannotCreateDirectory = error else { return false }
            return "\(error)".hasPrefix(blocker + "/inside.jsonl: cannot create the trace's directory")
        }
    }

    @Test(
        "a failing device gives a write error naming the file",
        .enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func writeFailure() {
        #expect {
            try TraceWriter(path: "/dev/full", header: RecordFixtures.header())
        } throws: { error in
            guard case .writeFailed(let path, let reason) = error as? TraceWriteError else { return false }
            return path == "/dev/full" && !reason.isEmpty
        }
    }

    @Test("a file cut mid-line reports a truncated last line with the complete steps")
    func truncated() throws {
        let path = RecordFixtures.temporaryPath()
        let full = try writeSample(to: path, steps: 3, verdict: false)
        var cut = full.bytes
        // Drop the last step's final 20 bytes: lines 1-3 intact, line 4 cut short.
        cut.removeLast(20)
        try Data(cut).write(to: URL(fileURLWithPath: path))
        #expect(throws: TraceReadError.truncatedLastLine(path: path, line: 4, completeSteps: 2)) {
            try Trace(contentsOfFile: path)
        }
        let message = "\(TraceReadError.truncatedLastLine(path: path, line: 4, completeSteps: 2))"
        #expect(message.contains("line 4 was cut short"))
        #expect(message.contains("2 complete steps"))
        let prefix = try Trace(contentsOfFile: path, allowingTruncatedTail: true)
        #expect(prefix.steps == Array(full.steps.prefix(2)))

        // A complete last line that only lacks its line feed is accepted.
        var noNewline = full.bytes
        noNewline.removeLast()
        #expect(try Trace(bytes: noNewline) == full)
    }

    @Test("a tampered line is reported with its number and what is wrong")
    func tampered() throws {
        let good = try writeSample(to: RecordFixtures.temporaryPath(), steps: 3)
        var lines = good.records.map { String(decoding: $0.line, as: UTF8.self) }

        var broken = lines
        broken[2] = broken[2].replacingOccurrences(of: #""status":200"#, with: #""status":"200""#)
        #expect(
            throws: TraceReadError.malformedLine(
                path: "t.jsonl", line: 3, reason: #"step.status: expected an integer, found string "200""#)
        ) {
            try Trace(bytes: Array(broken.joined().utf8), source: "t.jsonl")
        }

        broken = lines
        broken[1] = String(broken[1].dropLast(3)) + "\n"
        #expect {
            try Trace(bytes: Array(broken.joined().utf8), source: "t.jsonl")
        } throws: { error in
            guard case .malformedLine(_, 2, let reason) = error as? TraceReadError else { return false }
            return reason.hasPrefix("not valid JSON: column ")
        }

        broken = lines
        broken[3] = broken[3].replacingOccurrences(of: #""index":3"#, with: #""index":5"#)
        #expect(throws: TraceReadError.stepOutOfOrder(path: "t.jsonl", line: 4, expected: 3, found: 5)) {
            try Trace(bytes: Array(broken.joined().utf8), source: "t.jsonl")
        }

        broken = lines
        broken.insert(broken[0], at: 2)
        #expect(
            throws: TraceReadError.unexpectedRecord(
                path: "t.jsonl", line: 3, reason: "a second header; a trace has one")
        ) {
            try Trace(bytes: Array(broken.joined().utf8), source: "t.jsonl")
        }

        broken = lines
        broken.append(broken[1])
        #expect(
            throws: TraceReadError.unexpectedRecord(path: "t.jsonl", line: 6, reason: "nothing may follow the verdict")
        ) {
            try Trace(bytes: Array(broken.joined().utf8), source: "t.jsonl")
        }

        broken = lines
        broken[2] = "\n"
        #expect(throws: TraceReadError.malformedLine(path: "t.jsonl", line: 3, reason: "empty line")) {
            try Trace(bytes: Array(broken.joined().utf8), source: "t.jsonl")
        }
        lines.removeAll()
    }

    @Test("other files, other versions and a missing header are told apart")
    func notTraces() throws {
        let good = try writeSample(to: RecordFixtures.temporaryPath(), steps: 1)
        let lines = good.records.map { String(decoding: $0.line, as: UTF8.self) }

        let newer = lines[0].replacingOccurrences(of: #""version":3"#, with: #""version":4"#)
        #expect(throws: TraceReadError.unsupportedVersion(path: "t", found: "4", supported: 3)) {
            try Trace(bytes: Array((newer + lines[1]).utf8), source: "t")
        }
        #expect(
            "\(TraceReadError.unsupportedVersion(path: "t", found: "4", supported: 3))"
                == "t: trace format version 4 is not supported; this simrun reads version 3")

        // Versions 1 and 2 hashed the state other ways: refused by version, not replayed as divergent.
        let oldest = lines[0].replacingOccurrences(of: #""version":3"#, with: #""version":1"#)
        #expect(throws: TraceReadError.unsupportedVersion(path: "t", found: "1", supported: 3)) {
            try Trace(bytes: Array((oldest + lines[1]).utf8), source: "t")
        }
        #expect(
            "\(TraceReadError.unsupportedVersion(path: "t", found: "1", supported: 3))"
                == "t: trace format version 1 is not supported; this simrun reads version 3 (version 1 hashed the whole state, version 3 hashes digests kept up to date on write: record the episode again)"
        )
        let older = lines[0].replacingOccurrences(of: #""version":3"#, with: #""version":2"#)
        #expect(throws: TraceReadError.unsupportedVersion(path: "t", found: "2", supported: 3)) {
            try Trace(bytes: Array((older + lines[1]).utf8), source: "t")
        }
        #expect(
            "\(TraceReadError.unsupportedVersion(path: "t", found: "2", supported: 3))"
                == "t: trace format version 2 is not supported; this simrun reads version 3 (version 2 hashed a JSON document of the state's digests and the services' configuration, version 3 hashes the digests and the few values a step changes: record the episode again)"
        )

        #expect(throws: TraceReadError.missingHeader(path: "t", line: 1, found: "step")) {
            try Trace(bytes: Array((lines[1] + lines[2]).utf8), source: "t")
        }
        #expect(
            throws: TraceReadError.notATrace(path: "t", reason: "line 1 has no \"format\": \"simrun-trace\" member")
        ) {
            try Trace(bytes: Array("{\"simrun\": 1, \"name\": \"crm-refund\"}\n".utf8), source: "t")
        }
        #expect {
            try Trace(bytes: Array("# not json\n".utf8), source: "t")
        } throws: { error in
            guard case .notATrace(_, let reason) = error as? TraceReadError else { return false }
            return reason.hasPrefix("line 1 is not JSON")
        }
        #expect(throws: TraceReadError.empty(path: "t")) { try Trace(bytes: [], source: "t") }
        #expect(throws: TraceReadError.notATrace(path: "t", reason: "line 1 is empty, expected a trace header")) {
            try Trace(bytes: [0x0A], source: "t")
        }
        #expect {
            try Trace(contentsOfFile: "/nonexistent/simrun/trace.jsonl")
        } throws: { error in
            guard case .cannotRead(let path, _) = error as? TraceReadError else { return false }
            return path == "/nonexistent/simrun/trace.jsonl"
        }
    }

    @Test("seeds beyond Int64 survive the round trip")
    func largeSeed() throws {
        var header = RecordFixtures.header(seed: UInt64.max)
        header.policy.scopes = nil
        header.faults = .init(selection: .none)
        let decoded = try TraceHeader(json: try JSON(parsing: header.json.canonicalText))
        #expect(decoded == header)
        #expect(header.json.canonicalText.contains(#""seed":18446744073709551615"#))
    }
}
