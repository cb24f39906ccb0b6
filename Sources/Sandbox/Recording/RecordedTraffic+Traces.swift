import Scenarios
import WorldModel

extension RecordedTraffic {
    /// The agent-visible part of a trace: its steps as calls in virtual time, grouped into the
    /// services of the scenario the header names (each tool's `service`) when that scenario file
    /// is found beside the current directory or the trace and still has the recorded SHA-256;
    /// else into one service named after the scenario. Tools come from that scenario file, else
    /// from the calls.
    package init(trace: Trace, source: String) {
        self.init(traces: [trace], source: source)
    }

    /// The agent-visible part of several episodes read from one file (a sweep's archive): each
    /// episode is its own sequence of calls (its calls' `session` is its 1-based position), so no
    /// regime carries over from one episode to the next.
    package init(traces: [Trace], source: String) {
        var located = ScenarioCache()
        var calls: [(service: String, call: RecordedCall)] = []
        var tools: [RecordedTool] = []
        var origins: [String: [String]] = [:]
        for (position, trace) in traces.enumerated() {
            let scenario = located.scenario(of: trace.header, tracePath: source)
            var serviceOfTool: [String: String] = [:]
            for spec in scenario?.world.tools ?? [] {
                serviceOfTool[spec.name] = spec.service
                guard !tools.contains(where: { $0.name == spec.name }) else { continue }
                let tool = ToolDescriptor(spec)
                tools.append(
                    RecordedTool(
                        name: tool.name, description: tool.description, inputSchema: tool.inputSchema,
                        annotations: [
                            "readOnlyHint": .bool(tool.readOnly), "destructiveHint": .bool(tool.destructive),
                            "idempotentHint": .bool(tool.idempotent),
                        ]))
            }
            let origin = "scenario \(trace.header.scenario.name), sha256 \(trace.header.scenario.sha256.prefix(12))…"
            for step in trace.steps {
                let call = RecordedCall(step: step, session: position + 1)
                let service = serviceOfTool[step.tool] ?? trace.header.scenario.name
                calls.append((service, call))
                if !origins[service, default: []].contains(origin) { origins[service, default: []].append(origin) }
            }
        }
        // Tools the scenario does not declare (or no scenario was found): schemas from the calls.
        for (_, call) in calls where !tools.contains(where: { $0.name == call.tool }) {
            let arguments = calls.filter { $0.call.tool == call.tool }.map(\.call.arguments)
            tools.append(
                RecordedTool(
                    name: call.tool, inputSchema: ArgumentSchemaInference.schema(of: arguments), schemaInferred: true))
        }
        self.init(source: source, kind: .trace, tools: tools, services: Self.services(calls, origins: origins))
    }

    /// Reads a trace file: one episode, or a sweep's archive (`passed.jsonl`: episodes one after
    /// another, each starting with its header line). Errors name the line in the whole file.
    static func readTraces(
        _ bytes: [UInt8], source: String, allowingTruncatedTail: Bool
    ) throws(TrafficReadError) -> RecordedTraffic {
        var traces: [Trace] = []
        let episodes = episodeRanges(bytes)
        for (position, episode) in episodes.enumerated() {
            do throws(TraceReadError) {
                traces.append(
                    try Trace(
                        bytes: Array(bytes[episode.bytes]), source: source,
                        allowingTruncatedTail: allowingTruncatedTail && position == episodes.count - 1))
            } catch {
                throw TrafficReadError(error.shifted(byLines: episode.firstLine - 1))
            }
        }
        return RecordedTraffic(traces: traces, source: source)
    }

    /// The byte ranges of the episodes in trace bytes, split before every trace header line
    /// after the first; with the 1-based line each starts at.
    static func episodeRanges(_ bytes: [UInt8]) -> [(bytes: Range<Int>, firstLine: Int)] {
        let marker = Array("\"format\":\"\(TraceHeader.format)\"".utf8)
        var ranges: [(bytes: Range<Int>, firstLine: Int)] = []
        var episodeStart = 0
        var episodeLine = 1
        var lineStart = 0
        var line = 1
        while lineStart < bytes.count {
            let end = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            if lineStart > 0, isHeader(bytes[lineStart..<end], marker: marker) {
                ranges.append((episodeStart..<lineStart, episodeLine))
                episodeStart = lineStart
                episodeLine = line
            }
            lineStart = end + 1
            line += 1
        }
        ranges.append((episodeStart..<bytes.count, episodeLine))
        return ranges
    }

    /// Whether a line is a trace header: it holds the header's `format` member (a cheap test)
    /// and, parsed, has it at the top level (not inside a step's arguments).
    private static func isHeader(_ line: ArraySlice<UInt8>, marker: [UInt8]) -> Bool {
        guard line.first == UInt8(ascii: "{"), contains(line, marker) else { return false }
        return (try? JSON(parsing: line))?["format"]?.stringValue == TraceHeader.format
    }

    private static func contains(_ line: ArraySlice<UInt8>, _ marker: [UInt8]) -> Bool {
        guard line.count >= marker.count else { return false }
        var start = line.startIndex
        while start + marker.count <= line.endIndex {
            guard let first = line[start...].firstIndex(of: marker[0]), first + marker.count <= line.endIndex else {
                return false
            }
            if line[first..<(first + marker.count)].elementsEqual(marker) { return true }
            start = first + 1
        }
        return false
    }

    /// The scenarios traces name, loaded once per path and digest.
    private struct ScenarioCache {
        var loaded: [String: Scenario?] = [:]

        /// The scenario file the header names, found as recorded or relative to the trace's
        /// directory, when it still has the recorded SHA-256.
        mutating func scenario(of header: TraceHeader, tracePath: String) -> Scenario? {
            let key = header.scenario.path + "\u{0}" + header.scenario.sha256
            if let known = loaded[key] { return known }
            let found = Self.locate(header, tracePath: tracePath)
            loaded[key] = .some(found)
            return found
        }

        private static func locate(_ header: TraceHeader, tracePath: String) -> Scenario? {
            let recorded = header.scenario.path
            guard !recorded.isEmpty else { return nil }
            var candidates = [recorded]
            if !recorded.hasPrefix("/"), let slash = tracePath.lastIndex(of: "/") {
                candidates.append(String(tracePath[...slash]) + recorded)
            }
            for path in candidates {
                if let scenario = try? ScenarioLoader.load(contentsOf: path), scenario.sha256 == header.scenario.sha256
                {
                    return scenario
                }
            }
            return nil
        }
    }
}

extension TraceReadError {
    /// The same error with its line moved down by `lines` (an episode read out of an archive,
    /// reported at its line in the whole file).
    func shifted(byLines lines: Int) -> TraceReadError {
        guard lines > 0 else { return self }
        switch self {
        case .missingHeader(let path, let line, let found):
            return .missingHeader(path: path, line: line + lines, found: found)
        case .malformedLine(let path, let line, let reason):
            return .malformedLine(path: path, line: line + lines, reason: reason)
        case .truncatedLastLine(let path, let line, let completeSteps):
            return .truncatedLastLine(path: path, line: line + lines, completeSteps: completeSteps)
        case .stepOutOfOrder(let path, let line, let expected, let found):
            return .stepOutOfOrder(path: path, line: line + lines, expected: expected, found: found)
        case .unexpectedRecord(let path, let line, let reason):
            return .unexpectedRecord(path: path, line: line + lines, reason: reason)
        case .cannotRead, .empty, .notATrace, .unsupportedVersion, .notInArchive:
            return self
        }
    }
}
