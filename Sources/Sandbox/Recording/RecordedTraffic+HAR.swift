import Foundation
import WorldModel

extension RecordedTraffic {
    /// One HAR entry, read.
    private struct HAREntry {
        var member: String
        var service: String
        var method: String
        var segments: [String]
        var query: [(String, String)]
        var body: JSON?
        var startedAt: Double
        var status: Int
        var latencyMs: Double
        var responseText: String
    }

    /// Reads an HTTP archive: each entry is a call of the tool `METHOD /path/template` on the
    /// service `host[:port]` (see `HARPathTemplates` for how templates are found), with path
    /// parameters, query parameters and the JSON body's members as arguments and `time` as
    /// latency. Required members: `log.version`, `log.entries`, and per entry `startedDateTime`,
    /// `time`, `request.method`, `request.url`, `response.status` and `response.content`.
    static func readHAR(_ document: JSON, source: String) throws(TrafficReadError) -> RecordedTraffic {
        func fail(_ error: RecordDecodingError) -> TrafficReadError { TrafficReadError(path: source, line: nil, error) }
        var entries: [HAREntry] = []
        do throws(RecordDecodingError) {
            var root = try _RecordReader(document, path: "")
            var log = try _RecordReader(try root.value("log"), path: "log")
            _ = try log.string("version")
            for (index, value) in try log.array("entries").enumerated() {
                entries.append(try readEntry(value, member: "log.entries[\(index)]"))
            }
        } catch {
            throw fail(error)
        }
        let origin = entries.map(\.startedAt).min() ?? 0
        let templates = HARPathTemplates(entries.map { ($0.service, $0.method, $0.segments) })
        var calls: [(service: String, call: RecordedCall)] = []
        var toolNames: [String] = []
        var descriptions: [String: String] = [:]
        for (index, entry) in entries.enumerated() {
            let template = templates.templates[index]
            var arguments = JSONObject()
            for (name, value) in template.parameters { arguments[name] = value }
            var queryValues: [String: [String]] = [:]
            var queryOrder: [String] = []
            for (name, value) in entry.query {
                if queryValues[name] == nil { queryOrder.append(name) }
                queryValues[name, default: []].append(value)
            }
            for name in queryOrder where arguments[name] == nil {
                let values = queryValues[name] ?? []
                arguments[name] = values.count == 1 ? .string(values[0]) : .array(values.map(JSON.string))
            }
            if let body = entry.body {
                if let object = body.objectValue, object.keys.allSatisfy({ arguments[$0] == nil }) {
                    for (key, value) in object.members { arguments[key] = value }
                } else {
                    arguments["body"] = body
                }
            }
            let noAnswer = entry.status == 0
            calls.append(
                (
                    entry.service,
                    RecordedCall(
                        atMs: entry.startedAt - origin, tool: template.name, arguments: .object(arguments),
                        outcome: noAnswer ? .timeout : OutcomeClass(status: entry.status),
                        status: noAnswer ? nil : entry.status, latencyMs: entry.latencyMs, body: entry.responseText,
                        structured: structured(entry.responseText))
                ))
            if descriptions[template.name] == nil {
                toolNames.append(template.name)
                descriptions[template.name] = "\(entry.method) \(template.path) (inferred from an HTTP archive)"
            }
        }
        let tools = toolNames.map { name in
            let method = String(name.prefix { $0 != " " })
            var hints: JSONObject = [:]
            if ["GET", "HEAD", "OPTIONS"].contains(method) { hints["readOnlyHint"] = true }
            if ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].contains(method) { hints["idempotentHint"] = true }
            if method == "DELETE" { hints["destructiveHint"] = true }
            return RecordedTool(
                name: name, description: descriptions[name],
                inputSchema: ArgumentSchemaInference.schema(
                    of: calls.filter { $0.call.tool == name }.map(\.call.arguments)),
                annotations: .object(hints), schemaInferred: true)
        }
        return RecordedTraffic(source: source, kind: .har, tools: tools, services: services(calls))
    }

    private static func readEntry(_ value: JSON, member: String) throws(RecordDecodingError) -> HAREntry {
        var entry = try _RecordReader(value, path: member)
        let started = try entry.string("startedDateTime")
        guard let startedAt = parseDate(started) else {
            throw entry.mismatch("startedDateTime", "an ISO 8601 date and time", .string(started))
        }
        let timeValue = try entry.value("time")
        guard let latency = timeValue.doubleValue, latency.isFinite, latency >= 0 else {
            throw entry.mismatch("time", "a number of milliseconds, at least 0", timeValue)
        }
        var request = try _RecordReader(try entry.value("request"), path: member + ".request")
        let method = try request.string("method").uppercased()
        let url = try request.string("url")
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw request.mismatch("url", "an absolute URL", .string(url))
        }
        let service = components.port.map { "\(host):\($0)" } ?? host
        let segments = components.percentEncodedPath.split(separator: "/").map {
            String($0).removingPercentEncoding ?? String($0)
        }
        var query: [(String, String)] = []
        if let list = request.optionalValue("queryString")?.arrayValue {
            for (index, item) in list.enumerated() {
                var pair = try _RecordReader(item, path: member + ".request.queryString[\(index)]")
                query.append((try pair.string("name"), try pair.string("value")))
            }
        } else {
            query = (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }
        }
        var body: JSON?
        if let postData = request.optionalValue("postData") {
            var post = try _RecordReader(postData, path: member + ".request.postData")
            let mimeType = try post.optionalString("mimeType") ?? ""
            if let text = try post.optionalString("text"), !text.isEmpty {
                if mimeType.lowercased().contains("json"), let parsed = try? JSON(parsing: text) {
                    body = parsed
                } else {
                    body = .string(text)
                }
            }
        }
        var response = try _RecordReader(try entry.value("response"), path: member + ".response")
        let status = try response.int("status", minimum: 0)
        var content = try _RecordReader(try response.value("content"), path: member + ".response.content")
        var text = try content.optionalString("text") ?? ""
        if try content.optionalString("encoding") == "base64" {
            guard let data = Data(base64Encoded: text) else {
                throw content.mismatch("text", "base64 text (the content's encoding)", .string(text))
            }
            text = String(decoding: data, as: UTF8.self)
        }
        return HAREntry(
            member: member, service: service, method: method, segments: segments, query: query, body: body,
            startedAt: startedAt, status: status, latencyMs: latency, responseText: text)
    }

    /// Milliseconds since 1970 of an ISO 8601 date and time, with or without fractional seconds.
    private static func parseDate(_ text: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date.timeIntervalSince1970 * 1000 }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { $0.timeIntervalSince1970 * 1000 }
    }
}
