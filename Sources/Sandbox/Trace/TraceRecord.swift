import WorldModel

/// One line of a trace: the header, a step, a cancellation, or the verdict.
package enum TraceRecord: Sendable, Hashable {
    /// The first line.
    case header(TraceHeader)
    /// One tool call.
    case step(TraceStep)
    /// The agent abandoned the answer to an earlier step (`notifications/cancelled`).
    case cancelled(TraceCancellation)
    /// The last line of a finished episode.
    case verdict(Verdict)

    /// The JSON form; every record has a `type` member (`header`, `step`, `cancelled`, `verdict`).
    package var json: JSON {
        switch self {
        case .header(let header): return header.json
        case .step(let step): return step.json
        case .cancelled(let cancellation): return cancellation.json
        case .verdict(let verdict):
            var members = verdict.jsonMembers
            members["type"] = "verdict"
            return .object(members)
        }
    }

    /// The record as one line of the file: canonical JSON and a line feed. Canonical JSON
    /// escapes every control character, so the line never contains another line feed.
    package var line: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        writeLine(into: &bytes)
        return bytes
    }

    /// Appends `line` to `output`: `json.canonicalBytes` and a line feed. A step, the record
    /// written on every call, is encoded directly (`TraceStep.writeCanonical(into:)`, equal to
    /// the general path byte for byte) unless `directSteps` is false; the others go through
    /// `json`.
    package func writeLine(into output: inout [UInt8], directSteps: Bool = true) {
        if case .step(let step) = self, directSteps {
            step.writeCanonical(into: &output)
        } else {
            json.writeCanonical(into: &output)
        }
        output.append(0x0A)
    }

    /// Decodes a record by its `type` member. A cancellation's `precedingSteps` is 0 here: the
    /// trace reader, which knows the line's position, sets it.
    package init(json: JSON) throws(RecordDecodingError) {
        guard case .object(let object) = json else {
            throw RecordDecodingError(path: "record", expected: "an object", found: RecordDecodingError.describe(json))
        }
        switch object["type"] {
        case .string("header"): self = .header(try TraceHeader(json: json))
        case .string("step"): self = .step(try TraceStep(json: json))
        case .string("cancelled"): self = .cancelled(try TraceCancellation(json: json, precedingSteps: 0))
        case .string("verdict"):
            var reader = try _RecordReader(json, path: "verdict")
            _ = try reader.string("type")
            let verdict = try Verdict(reader: &reader)
            try reader.finish()
            self = .verdict(verdict)
        case let other:
            throw RecordDecodingError(
                path: "type", expected: "\"header\", \"step\", \"cancelled\" or \"verdict\"",
                found: other.map(RecordDecodingError.describe) ?? "missing")
        }
    }
}
