import Foundation
import Sandbox
import Testing
import WorldModel

@Suite("Trace: cancellation lines and the one-word verdict")
struct TraceCancellationTests {
    /// A written trace of three steps whose step 1 was cancelled after step 2 was made.
    func sample(verdict: Verdict = RecordFixtures.verdict) throws -> (Trace, [UInt8]) {
        let path = RecordFixtures.temporaryPath()
        let writer = try TraceWriter(path: path, header: RecordFixtures.header())
        try writer.append(RecordFixtures.step(1))
        try writer.append(RecordFixtures.step(2))
        try writer.appendCancellation(ofStep: 1)
        try writer.appendCancellation(ofStep: 2)
        try writer.append(RecordFixtures.step(3))
        try writer.finish(verdict)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        return (try Trace(bytes: bytes, source: "t.jsonl"), bytes)
    }

    @Test("cancellation lines are read with their position and written back byte for byte")
    func roundTrip() throws {
        let (trace, bytes) = try sample()
        #expect(trace.steps.count == 3)
        #expect(
            trace.cancellations == [
                TraceCancellation(step: 1, precedingSteps: 2), TraceCancellation(step: 2, precedingSteps: 2),
            ])
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines[3] == #"{"step":1,"type":"cancelled"}"#)
        #expect(lines[4] == #"{"step":2,"type":"cancelled"}"#)
        #expect(trace.bytes == bytes)
        let copy = RecordFixtures.temporaryPath()
        try TraceWriter.writeComplete(trace, to: copy)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: copy))) == bytes)
    }

    @Test("a cancellation before its step, a second one of a step, or with unknown members is refused by line")
    func refused() throws {
        let (_, bytes) = try sample()
        var lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { String($0) + "\n" }
        let early = [lines[0], #"{"step":1,"type":"cancelled"}"# + "\n"] + lines[1...]
        #expect(
            throws: TraceReadError.unexpectedRecord(
                path: "t", line: 2, reason: "a cancellation of step 1 before that step; it must follow it")
        ) { try Trace(bytes: Array(early.joined().utf8), source: "t") }
        lines.insert(lines[3], at: 4)
        #expect(
            throws: TraceReadError.unexpectedRecord(path: "t", line: 5, reason: "a second cancellation of step 1")
        ) { try Trace(bytes: Array(lines.joined().utf8), source: "t") }
        lines.remove(at: 4)
        lines[3] = #"{"reason":"x","step":1,"type":"cancelled"}"# + "\n"
        #expect {
            try Trace(bytes: Array(lines.joined().utf8), source: "t")
        } throws: { error in
            guard case .malformedLine(_, 4, let reason) = error as? TraceReadError else { return false }
            return reason.contains("reason")
        }
    }

    @Test("the verdict line says pass, fail or error; a trace without it still reads; a wrong one is refused")
    func verdictWord() throws {
        let (trace, bytes) = try sample()
        #expect(trace.verdict?.outcome == .fail)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""type":"verdict","verdict":"fail","#))

        var passing = RecordFixtures.verdict
        passing.passed = true
        #expect(passing.outcome == .pass)
        #expect(passing.json["verdict"] == "pass")
        var scenarioFault = RecordFixtures.verdict
        scenarioFault.checks[1].attribution = .scenario
        #expect(scenarioFault.outcome == .error)
        var agentFault = RecordFixtures.verdict
        agentFault.checks[1].attribution = .fault
        #expect(agentFault.outcome == .fail)

        // Written before the member existed: read, and the verdict is the same.
        let older = text.replacingOccurrences(of: #""verdict":"fail","#, with: "")
        #expect(try Trace(bytes: Array(older.utf8)) == trace)

        let edited = text.replacingOccurrences(of: #""verdict":"fail","#, with: #""verdict":"pass","#)
        #expect {
            try Trace(bytes: Array(edited.utf8), source: "t")
        } throws: { error in
            guard case .malformedLine(_, 7, let reason) = error as? TraceReadError else { return false }
            return reason.contains("verdict.verdict") && reason.contains(#"expected "fail""#)
        }
        let unknown = text.replacingOccurrences(of: #""verdict":"fail","#, with: #""verdict":"maybe","#)
        #expect(throws: TraceReadError.self) { try Trace(bytes: Array(unknown.utf8), source: "t") }
    }
}
