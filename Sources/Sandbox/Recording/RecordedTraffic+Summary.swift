import WorldModel

extension RecordedTraffic {
    /// The whole in-memory form as JSON (what `simrun record --inspect --format json` prints):
    /// `{"source","kind","tools":[{"name","description","inputSchema","annotations",
    /// "schema_inferred"}],"services":[{"name","calls":[{"session","at_ms","tool","arguments",
    /// "outcome","status","latency_ms","body","structured"}]}]}`.
    package var json: JSON {
        [
            "source": .string(source),
            "kind": .string(kind.rawValue),
            "tools": .array(
                tools.map { tool in
                    [
                        "name": .string(tool.name),
                        "description": tool.description.map(JSON.string) ?? .null,
                        "inputSchema": tool.inputSchema,
                        "annotations": tool.annotations ?? .null,
                        "schema_inferred": .bool(tool.schemaInferred),
                    ]
                }),
            "services": .array(
                services.map { service in
                    [
                        "name": .string(service.name),
                        "calls": .array(
                            service.calls.map { call in
                                [
                                    "session": .int(call.session),
                                    "at_ms": RecordingLine.milliseconds(call.atMs),
                                    "tool": .string(call.tool),
                                    "arguments": call.arguments,
                                    "outcome": .string(call.outcome.rawValue),
                                    "status": call.status.map { JSON.int($0) } ?? .null,
                                    "latency_ms": call.latencyMs.map(RecordingLine.milliseconds) ?? .null,
                                    "body": .string(call.body),
                                    "structured": call.structured ?? .null,
                                ]
                            }),
                    ]
                }),
        ]
    }

    /// A summary for people: the tools with their arguments (`*` marks required ones), and per
    /// service the calls, sessions, time span, outcome counts and latency quantiles, then per
    /// tool its calls, outcomes and median latency.
    package var summary: String {
        var text = "\(source.printable): \(kind.description), \(tools.count) tool\(tools.count == 1 ? "" : "s"), "
        let callCount = services.reduce(0) { $0 + $1.calls.count }
        text += "\(callCount) call\(callCount == 1 ? "" : "s")\n"
        for tool in tools {
            let properties = tool.inputSchema["properties"]?.objectValue?.keys ?? []
            let required = Set((tool.inputSchema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
            let arguments = properties.map { required.contains($0) ? "\($0)*" : $0 }.joined(separator: ", ")
            text +=
                "  tool \(tool.name.printable)(\(arguments.printable))\(tool.schemaInferred ? " [schema inferred]" : "")\n"
        }
        for service in services {
            let sessions = Set(service.calls.map(\.session)).count
            let span = (service.calls.map(\.atMs).max() ?? 0) - (service.calls.map(\.atMs).min() ?? 0)
            text += "  service \(service.name.printable): \(service.calls.count) calls"
            text += sessions > 1 ? " in \(sessions) sessions" : ""
            text += " over \(Self.milliseconds(span)) ms; \(Self.outcomes(service.calls))"
            text += "; latency \(Self.quantiles(service.calls))\n"
            var order: [String] = []
            for call in service.calls where !order.contains(call.tool) { order.append(call.tool) }
            let width = order.map(\.count).max() ?? 0
            for tool in order {
                let calls = service.calls.filter { $0.tool == tool }
                text += "    \(_TextFormatting.rightPad(tool.printable, width))  \(calls.count) calls; "
                text += "\(Self.outcomes(calls)); latency \(Self.quantiles(calls))\n"
            }
        }
        return text
    }

    private static func outcomes(_ calls: [RecordedCall]) -> String {
        OutcomeClass.allCases.compactMap { outcome in
            let count = calls.filter { $0.outcome == outcome }.count
            return count == 0 && outcome != .ok ? nil : "\(outcome.rawValue) \(count)"
        }.joined(separator: ", ")
    }

    /// `p50 1.234 ms, p90 …, max …` over the answered calls (nearest rank).
    private static func quantiles(_ calls: [RecordedCall]) -> String {
        let latencies = calls.compactMap(\.latencyMs).sorted()
        guard !latencies.isEmpty else { return "n/a" }
        func rank(_ q: Double) -> Double {
            latencies[max(0, min(latencies.count - 1, Int((q * Double(latencies.count)).rounded(.up)) - 1))]
        }
        return "p50 \(milliseconds(rank(0.5))) ms, p90 \(milliseconds(rank(0.9))) ms, max "
            + "\(milliseconds(latencies[latencies.count - 1])) ms"
    }

    private static func milliseconds(_ value: Double) -> String {
        _TextFormatting.seconds(milliseconds: Int64((value * 1000).rounded()))
    }
}

extension RecordedTraffic.Kind: CustomStringConvertible {
    /// `simrun recording`, `simrun trace`, `HAR file`.
    package var description: String {
        switch self {
        case .recording: "simrun recording"
        case .trace: "simrun trace"
        case .har: "HAR file"
        }
    }
}
