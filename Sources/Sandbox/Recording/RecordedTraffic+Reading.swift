import Foundation
import Scenarios
import WorldModel

extension RecordedTraffic {
    /// Reads the recording, trace or HAR file at `path`, telling them apart by content.
    ///
    /// With `allowingTruncatedTail`, the last line of a JSON Lines file that was cut short
    /// (a crash mid-write) is dropped instead of reported.
    package init(contentsOfFile path: String, allowingTruncatedTail: Bool = false) throws(TrafficReadError) {
        let bytes: [UInt8]
        do throws(FileProblem) {
            bytes = try FileProblem.readBytes(atPath: path)
        } catch {
            throw TrafficReadError(path: path, expected: "a readable file", found: error.description)
        }
        try self.init(bytes: bytes, source: path, allowingTruncatedTail: allowingTruncatedTail)
    }

    /// Reads recording, trace or HAR bytes; `source` names them in errors and is the traffic's
    /// `source`.
    package init(bytes: [UInt8], source: String, allowingTruncatedTail: Bool = false) throws(TrafficReadError) {
        let expected = "a simrun recording, a simrun trace or a HAR 1.2 file"
        guard bytes.contains(where: { !Self.isSpace($0) }) else {
            throw TrafficReadError(path: source, expected: expected, found: "an empty file")
        }
        let firstLine = bytes.prefix { $0 != 0x0A }
        if let first = try? JSON(parsing: firstLine), let format = first["format"]?.stringValue {
            switch format {
            case RecordingLine.format:
                self = try Self.readRecording(bytes, source: source, allowingTruncatedTail: allowingTruncatedTail)
                return
            case TraceHeader.format:
                // One trace, or a sweep's archive of many (one sequence per episode).
                self = try Self.readTraces(bytes, source: source, allowingTruncatedTail: allowingTruncatedTail)
                return
            default:
                throw TrafficReadError(
                    path: source, line: 1, member: "format",
                    expected: "\"\(RecordingLine.format)\" or "
                        + "\"\(TraceHeader.format)\"", found: "\"\(format.printable)\"")
            }
        }
        let document: JSON
        do {
            document = try JSON(parsing: bytes)
        } catch {
            throw TrafficReadError(
                path: source, line: error.line, expected: expected,
                found:
                    "text that is not JSON (column \(error.column): expected \(error.expected), found \(error.found))")
        }
        guard document["log"] != nil else {
            throw TrafficReadError(
                path: source, expected: expected,
                found: document.objectValue == nil
                    ? RecordDecodingError.describe(document) : "an object without a \"log\" (HAR) or \"format\" member")
        }
        self = try Self.readHAR(document, source: source)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// The lines of JSON Lines bytes with their 1-based numbers; a cut-short last line is an
    /// error (or dropped with `allowingTruncatedTail`). A line ending in CR LF is read without
    /// its CR. The lines are parsed in parallel chunks, and read in order afterwards, so the first
    /// bad line is the one reported, as when they are parsed one after another.
    static func jsonLines(
        _ bytes: [UInt8], source: String, allowingTruncatedTail: Bool
    ) throws(TrafficReadError) -> [(number: Int, json: JSON)] {
        var lines: [Range<Int>] = []
        var lastTerminated = true
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 0x0A)
            var stop = end ?? bytes.endIndex
            if stop > start && bytes[stop - 1] == 0x0D { stop -= 1 }
            lines.append(start..<stop)
            lastTerminated = end != nil
            start = end.map { $0 + 1 } ?? bytes.endIndex
        }
        let chunk = 1024
        let parsed = Parallel.map(
            (lines.count + chunk - 1) / chunk, parallelism: ProcessInfo.processInfo.activeProcessorCount
        ) { [lines] index -> [Result<JSON, JSONParseError>?] in
            lines[(index * chunk)..<Swift.min(lines.count, (index + 1) * chunk)].map { line in
                line.isEmpty ? nil : Result { () throws(JSONParseError) in try JSON(parsing: bytes[line]) }
            }
        }
        var result: [(Int, JSON)] = []
        result.reserveCapacity(lines.count)
        for (offset, outcome) in parsed.joined().enumerated() {
            let number = offset + 1
            switch outcome {
            case nil:
                throw TrafficReadError(path: source, line: number, expected: "a JSON object", found: "an empty line")
            case .success(let json)?:
                result.append((number, json))
            case .failure(let error)?:
                if number == lines.count && !lastTerminated {
                    if allowingTruncatedTail { return result }
                    throw TrafficReadError(
                        path: source, line: number, expected: "a complete JSON line",
                        found: "a line cut short (the recording was probably interrupted while writing it); the "
                            + "\(number - 1) lines before it are intact")
                }
                throw TrafficReadError(
                    path: source, line: number, expected: "a JSON object",
                    found: "text that is not JSON (column \(error.column): expected \(error.expected), found "
                        + "\(error.found))")
            }
        }
        return result
    }

    /// The text a tool result shows: its `text` content items joined by line feeds.
    static func text(ofContent content: JSON?) -> String {
        (content?.arrayValue ?? []).compactMap { item in
            item["type"]?.stringValue == "text" ? item["text"]?.stringValue : nil
        }.joined(separator: "\n")
    }

    /// `body` as JSON when it is a JSON object or array.
    static func structured(_ body: String) -> JSON? {
        guard let first = body.utf8.first(where: { !isSpace($0) }), first == 0x7B || first == 0x5B else { return nil }
        return try? JSON(parsing: body)
    }

    /// Groups calls by service name in order of first appearance, each service's calls sorted
    /// by session, then time (ties keep their order); `origins` gives each service's origins
    /// (`RecordedService.origins`).
    static func services(
        _ calls: [(service: String, call: RecordedCall)], origins: [String: [String]] = [:]
    ) -> [RecordedService] {
        var names: [String] = []
        var grouped: [String: [RecordedCall]] = [:]
        for (service, call) in calls {
            if grouped[service] == nil { names.append(service) }
            grouped[service, default: []].append(call)
        }
        return names.map { name in
            let ordered = (grouped[name] ?? []).enumerated().sorted { lhs, rhs in
                (lhs.element.session, lhs.element.atMs, lhs.offset) < (
                    rhs.element.session, rhs.element.atMs, rhs.offset
                )
            }.map(\.element)
            return RecordedService(name: name, calls: ordered, origins: origins[name] ?? [])
        }
    }
}

extension RecordedTraffic {
    static func readRecording(
        _ bytes: [UInt8], source: String, allowingTruncatedTail: Bool
    ) throws(TrafficReadError) -> RecordedTraffic {
        var tools: [RecordedTool] = []
        var calls: [(service: String, call: RecordedCall)] = []
        var header: RecordingLine.Header?
        var listedAt: [Int] = []
        var origins: [String: [String]] = [:]
        for (number, json) in try jsonLines(bytes, source: source, allowingTruncatedTail: allowingTruncatedTail) {
            let line: RecordingLine
            do throws(RecordDecodingError) {
                line = try RecordingLine(json: json)
            } catch {
                throw TrafficReadError(path: source, line: number, error)
            }
            if case .header(let next) = line {
                if let header, next.session <= header.session {
                    throw TrafficReadError(
                        path: source, line: number, member: "session",
                        expected: "a session after \(header.session)", found: "\(next.session)")
                }
                header = next
                let origin = ([next.server.command] + next.server.args).joined(separator: " ")
                if !origins[next.server.name, default: []].contains(origin) {
                    origins[next.server.name, default: []].append(origin)
                }
                continue
            }
            guard let header else {
                throw TrafficReadError(
                    path: source, line: number, expected: "a header line first",
                    found: "a \(json["type"]?.stringValue ?? "") line")
            }
            guard line.session == header.session else {
                throw TrafficReadError(
                    path: source, line: number, member: "session",
                    expected: "\(header.session) (the session of the header before it)", found: "\(line.session)")
            }
            switch line {
            case .header:
                break
            case .tools(_, _, let listed):
                for (index, tool) in listed.enumerated() {
                    let member = "tools[\(index)]"
                    guard let name = tool["name"]?.stringValue else {
                        throw TrafficReadError(
                            path: source, line: number, member: member + ".name", expected: "a string",
                            found: tool["name"].map(RecordDecodingError.describe) ?? "missing")
                    }
                    let schema = tool["inputSchema"] ?? ["type": "object"]
                    if let known = tools.firstIndex(where: { $0.name == name }) {
                        guard tools[known].inputSchema == schema else {
                            throw TrafficReadError(
                                path: source, line: number, member: member + ".inputSchema",
                                expected: "the input schema line \(listedAt[known]) listed for '\(name.printable)'",
                                found: "a different one (sessions of different servers in one recording? a tool "
                                    + "has one schema; learn each server's recording on its own)")
                        }
                        continue
                    }
                    listedAt.append(number)
                    tools.append(
                        RecordedTool(
                            name: name, description: tool["description"]?.stringValue,
                            inputSchema: schema, annotations: tool["annotations"]))
                }
            case .call(let call):
                calls.append((header.server.name, recordedCall(call)))
            }
        }
        guard header != nil else {
            throw TrafficReadError(path: source, expected: "a header line", found: "none")
        }
        // Tools called but never listed get schemas inferred from their calls.
        for (_, call) in calls where !tools.contains(where: { $0.name == call.tool }) {
            let arguments = calls.filter { $0.call.tool == call.tool }.map(\.call.arguments)
            tools.append(
                RecordedTool(
                    name: call.tool, inputSchema: ArgumentSchemaInference.schema(of: arguments), schemaInferred: true))
        }
        return RecordedTraffic(
            source: source, kind: .recording, tools: tools, services: services(calls, origins: origins))
    }

    /// A recorded MCP call in the common form: status from a simrun server's `_meta.status`,
    /// else `isError` as a server error; JSON-RPC errors for bad requests (-32700, -32600,
    /// -32601, -32602) as client errors, others as server errors; no answer as a timeout.
    static func recordedCall(_ call: RecordingLine.Call) -> RecordedCall {
        var status: Int?
        var outcome: OutcomeClass
        var body = ""
        var structured: JSON?
        if let result = call.result {
            body = text(ofContent: result["content"])
            structured = result["structuredContent"] ?? Self.structured(body)
            status = result["_meta"]?["status"]?.int64Value.flatMap { Int(exactly: $0) }
            outcome = status.map(OutcomeClass.init(status:)) ?? (result["isError"] == true ? .serverError : .ok)
        } else if let error = call.error {
            body = error["message"]?.stringValue ?? error.canonicalText
            let code = error["code"]?.int64Value
            outcome = code.map { [-32700, -32600, -32601, -32602].contains($0) } == true ? .clientError : .serverError
        } else {
            outcome = .timeout
        }
        return RecordedCall(
            session: call.session, atMs: call.atMs, tool: call.tool, arguments: call.arguments, outcome: outcome,
            status: status, latencyMs: call.latencyMs, body: body, structured: structured)
    }
}

extension RecordedCall {
    /// What an agent saw of a traced step, as a recorded call in `session`: time, tool,
    /// arguments, status and its class, latency and body (parsed when it is a JSON object or
    /// array). The step's regime, faults and state hash are left out. `simrun fidelity` reads
    /// its simulated calls through this too, so they are compared in exactly the form traces are.
    package init(step: TraceStep, session: Int = 1) {
        self.init(
            session: session, atMs: Double(step.atMs), tool: step.tool, arguments: step.arguments,
            outcome: OutcomeClass(status: step.status), status: step.status, latencyMs: Double(step.latencyMs),
            body: step.body, structured: RecordedTraffic.structured(step.body))
    }
}
