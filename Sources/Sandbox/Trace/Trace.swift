import Foundation
import Scenarios
import WorldModel

/// A recorded episode: the header, every step in order, the answers the agent abandoned, and
/// the verdict if the episode finished.
///
/// The file format (version 3) is JSON Lines: one canonical JSON object per line, each ending
/// with a line feed; the header first, then steps numbered from 1 (each cancellation line after
/// the step it names), then at most one verdict.
/// A trace of an episode that crashed has no verdict; its last line may be cut short.
public struct Trace: Sendable, Hashable {
    /// The first line.
    public var header: TraceHeader
    /// The steps, with indices 1, 2, 3, ….
    public var steps: [TraceStep]
    /// The calls whose answers the agent abandoned (`notifications/cancelled` under
    /// `--realtime`), in file order; usually none.
    public var cancellations: [TraceCancellation]
    /// The verdict, or `nil` if the episode did not finish.
    public var verdict: Verdict?

    /// Creates a trace from its parts.
    package init(
        header: TraceHeader, steps: [TraceStep] = [], cancellations: [TraceCancellation] = [], verdict: Verdict? = nil
    ) {
        self.header = header
        self.steps = steps
        self.cancellations = cancellations
        self.verdict = verdict
    }

    /// The records in file order: each cancellation after as many steps as preceded it.
    package var records: [TraceRecord] {
        var records: [TraceRecord] = [.header(header)]
        var pending = cancellations[...]
        for position in 0...steps.count {
            if position > 0 { records.append(.step(steps[position - 1])) }
            while let next = pending.first, next.precedingSteps <= position {
                records.append(.cancelled(next))
                pending.removeFirst()
            }
        }
        records.append(contentsOf: pending.map(TraceRecord.cancelled))
        if let verdict { records.append(.verdict(verdict)) }
        return records
    }

    /// The whole file's bytes, exactly as `TraceWriter` writes them.
    package var bytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(1024 * (steps.count + 2))
        for record in records { record.writeLine(into: &output) }
        return output
    }

    /// Reads and validates the trace file at `path`.
    ///
    /// With `allowingTruncatedTail`, a last line cut short is dropped instead of reported, so
    /// the intact prefix of a crashed recording can still be inspected or replayed.
    public init(contentsOfFile path: String, allowingTruncatedTail: Bool = false) throws(TraceReadError) {
        let bytes: [UInt8]
        do throws(FileProblem) {
            bytes = try FileProblem.readBytes(atPath: path)
        } catch {
            throw .cannotRead(path: path, reason: error.description)
        }
        try self.init(bytes: bytes, source: path, allowingTruncatedTail: allowingTruncatedTail)
    }

    /// Parses and validates trace bytes; `source` names them in errors.
    public init(
        bytes: [UInt8], source: String = "<trace>", allowingTruncatedTail: Bool = false
    ) throws(TraceReadError) {
        guard !bytes.isEmpty else { throw .empty(path: source) }
        // Split into lines; a final segment with no line feed is the only one that can be cut short.
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        for position in bytes.indices where bytes[position] == 0x0A {
            lines.append(bytes[start..<position])
            start = position + 1
        }
        let tail: ArraySlice<UInt8>? = start < bytes.endIndex ? bytes[start...] : nil

        var header: TraceHeader?
        var steps: [TraceStep] = []
        var cancellations: [TraceCancellation] = []
        var verdict: Verdict?

        func parse(_ line: ArraySlice<UInt8>, number: Int) throws(TraceReadError) -> JSON {
            // A trace is written with line feeds alone; CR LF means the file was converted (an
            // editor, git's autocrlf) and is no longer the bytes that were recorded.
            if line.last == 0x0D {
                throw .malformedLine(
                    path: source, line: number,
                    reason: "the line ends with CR LF; trace lines end with a line feed alone"
                        + " (was the file converted by an editor or by git's autocrlf?)")
            }
            guard !line.isEmpty else {
                if number == 1 { throw .notATrace(path: source, reason: "line 1 is empty, expected a trace header") }
                throw .malformedLine(path: source, line: number, reason: "empty line")
            }
            do {
                return try JSON(parsing: line)
            } catch {
                if number == 1 {
                    throw .notATrace(path: source, reason: "line 1 is not JSON (\(Self.describe(error)))")
                }
                throw .malformedLine(path: source, line: number, reason: "not valid JSON: \(Self.describe(error))")
            }
        }

        func accept(_ json: JSON, number: Int) throws(TraceReadError) {
            if number == 1 {
                header = try Self.readHeader(json, source: source)
                return
            }
            let record: TraceRecord
            do {
                record = try TraceRecord(json: json)
            } catch {
                throw .malformedLine(path: source, line: number, reason: error.description)
            }
            if verdict != nil {
                throw .unexpectedRecord(path: source, line: number, reason: "nothing may follow the verdict")
            }
            switch record {
            case .header:
                throw .unexpectedRecord(path: source, line: number, reason: "a second header; a trace has one")
            case .step(let step):
                guard step.index == steps.count + 1 else {
                    throw .stepOutOfOrder(path: source, line: number, expected: steps.count + 1, found: step.index)
                }
                steps.append(step)
            case .cancelled(var cancellation):
                guard cancellation.step <= steps.count else {
                    throw .unexpectedRecord(
                        path: source, line: number,
                        reason: "a cancellation of step \(cancellation.step) before that step; it must follow it")
                }
                guard !cancellations.contains(where: { $0.step == cancellation.step }) else {
                    throw .unexpectedRecord(
                        path: source, line: number, reason: "a second cancellation of step \(cancellation.step)")
                }
                cancellation.precedingSteps = steps.count
                cancellations.append(cancellation)
            case .verdict(let value):
                verdict = value
            }
        }

        for (offset, line) in lines.enumerated() {
            try accept(try parse(line, number: offset + 1), number: offset + 1)
        }
        if let tail {
            let number = lines.count + 1
            // A complete record whose line feed is missing is accepted (e.g. a hand-edited file);
            // anything else there is a line cut short.
            if let json = try? JSON(parsing: tail), (try? TraceRecord(json: json)) != nil {
                try accept(json, number: number)
            } else if number == 1 {
                throw .notATrace(path: source, reason: "line 1 is not a complete trace header")
            } else if !allowingTruncatedTail {
                throw .truncatedLastLine(path: source, line: number, completeSteps: steps.count)
            }
        }
        guard let header else { throw .empty(path: source) }
        self.init(header: header, steps: steps, cancellations: cancellations, verdict: verdict)
    }

    /// Decodes line 1, telling "not a trace" and "unsupported version" apart from other errors.
    private static func readHeader(_ json: JSON, source: String) throws(TraceReadError) -> TraceHeader {
        guard case .object(let object) = json else {
            throw .notATrace(path: source, reason: "line 1 is \(json.typeName), expected a header object")
        }
        guard object["format"] == .string(TraceHeader.format) else {
            if let type = object["type"]?.stringValue, type == "step" || type == "verdict" {
                throw .missingHeader(path: source, line: 1, found: type)
            }
            throw .notATrace(path: source, reason: "line 1 has no \"format\": \"\(TraceHeader.format)\" member")
        }
        guard case .number(let version)? = object["version"], version.isInteger else {
            throw .notATrace(path: source, reason: "the header has no integer \"version\"")
        }
        guard version.int64Value == Int64(TraceHeader.currentVersion) else {
            throw .unsupportedVersion(
                path: source, found: JSON.number(version).canonicalText, supported: TraceHeader.currentVersion)
        }
        do {
            return try TraceHeader(json: json)
        } catch {
            throw .malformedLine(path: source, line: 1, reason: error.description)
        }
    }

    /// A JSON parse error without its "line 1" (each trace line is its own document).
    private static func describe(_ error: JSONParseError) -> String {
        "column \(error.column): expected \(error.expected), found \(error.found)"
    }
}
