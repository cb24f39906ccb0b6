import WorldModel

/// Which recorded services of several inputs are one service of the learned scenario, and the
/// inputs `simrun learn` refuses because they mix up different servers.
///
/// Services are matched by name (a recording's server name, a trace's scenario service, a HAR
/// file's host). Two of the same name are one service when they share a called tool or an
/// origin (`RecordedService.origins`: the same server command, the same scenario file), or when
/// either has no origin (a HAR host). Otherwise they are different servers that happen to share
/// a name — two Python servers recorded without `--name` are both `python3` — and each becomes
/// a service of its own (`python3`, `python3_2`), with a note saying so.
///
/// Refused, naming both inputs: a tool called on two different services (a tool belongs to one
/// service), a tool listed with two different input schemas, and a tool that answers JSON in one
/// input and only text in another. Learning any of these would give one model of two servers.
package struct ServiceGrouping: Sendable, Hashable {
    /// One service of the learned scenario and the recorded services it is made of.
    package struct Group: Sendable, Hashable {
        /// The service's name in the traffic.
        package var recordedName: String
        /// The name the learner keys it by: `recordedName`, or `recordedName#2`, … for another
        /// server of the same name.
        package var key: String
        /// The recorded services it is made of: each input's (by position) origins, in input order.
        package var parts: [Part]
        /// The tools called, in the order first seen.
        package var tools: [String]
        /// What the report says about how it was put together.
        package var notes: [String]

        /// One input's service in a group.
        package struct Part: Sendable, Hashable {
            /// The input's position among the inputs.
            package var input: Int
            /// Its `RecordedService.origins`.
            package var origins: [String]
        }

        /// Every origin of its parts, distinct, in order.
        var origins: [String] {
            var result: [String] = []
            for part in parts { for origin in part.origins where !result.contains(origin) { result.append(origin) } }
            return result
        }
    }

    /// Why inputs cannot be learned together: they hold calls of different servers that share a
    /// tool's name.
    package enum MixedInputs: Error, Sendable, Hashable, CustomStringConvertible {
        /// A tool is called on two services.
        case toolOnTwoServices(tool: String, first: String, firstSource: String, second: String, secondSource: String)
        /// A tool is listed with two different input schemas.
        case differentSchemas(tool: String, firstSource: String, secondSource: String)
        /// A tool answers JSON in one input and only text in another.
        case differentAnswers(tool: String, jsonSource: String, json: Int, textSource: String, text: Int)

        /// The message, for people.
        package var description: String {
            let advice = "inputs from different servers mixed up? learn each server's inputs on their own"
            switch self {
            case .toolOnTwoServices(let tool, let first, let firstSource, let second, let secondSource):
                return "tool '\(tool.printable)' is called on service '\(first.printable)' in \(firstSource.printable) "
                    + "and on service '\(second.printable)' in \(secondSource.printable): expected each tool on one "
                    + "service, found two (\(advice), or record one server under one --name)"
            case .differentSchemas(let tool, let firstSource, let secondSource):
                return
                    "tool '\(tool.printable)' is listed with different input schemas in \(firstSource.printable) and "
                    + "\(secondSource.printable): expected one schema per tool, found two (\(advice))"
            case .differentAnswers(let tool, let jsonSource, let json, let textSource, let text):
                return "tool '\(tool.printable)' answers JSON in \(jsonSource.printable) (all \(json) successful "
                    + "answers) but only text in \(textSource.printable) (all \(text) successful answers): expected "
                    + "answers of one kind per tool, found both (\(advice))"
            }
        }
    }

    /// The services of the learned scenario, in the order first seen.
    package var groups: [Group]

    /// How many successful answers each input needs before its answers' kind (JSON or text) is
    /// compared with another input's.
    package static let answersToCompare = 3

    /// Groups the services of `traffic` (in input order) and checks the tools they share.
    package init(_ traffic: [RecordedTraffic]) throws(MixedInputs) {
        var groups: [Group] = []
        for (index, input) in traffic.enumerated() {
            for service in input.services {
                var called: [String] = []
                for call in service.calls where !called.contains(call.tool) { called.append(call.tool) }
                let matching = groups.indices.filter { g in
                    let group = groups[g]
                    guard group.recordedName == service.name else { return false }
                    return group.tools.contains(where: called.contains) || group.origins.isEmpty
                        || service.origins.isEmpty || group.origins.contains(where: service.origins.contains)
                }
                let part = Group.Part(input: index, origins: service.origins)
                guard let first = matching.first else {
                    groups.append(
                        Group(recordedName: service.name, key: service.name, parts: [part], tools: called, notes: []))
                    continue
                }
                // A service that joins several groups joins them into one.
                for other in matching.dropFirst().reversed() {
                    groups[first].parts += groups[other].parts
                    for tool in groups[other].tools where !groups[first].tools.contains(tool) {
                        groups[first].tools.append(tool)
                    }
                    groups.remove(at: other)
                }
                groups[first].parts.append(part)
                for tool in called where !groups[first].tools.contains(tool) { groups[first].tools.append(tool) }
            }
        }
        // Keys and notes, now that the groups are final.
        for g in groups.indices {
            let name = groups[g].recordedName
            let earlier = groups[..<g].filter { $0.recordedName == name }
            let described = Self.describe(groups[g], traffic)
            if let previous = earlier.first {
                groups[g].key = "\(name)#\(earlier.count + 1)"
                groups[g].notes.append(
                    "a different server from the other service recorded as \(name) (\(Self.describe(previous, traffic))): "
                        + "\(described), with no tool or origin in common, so learned as a service of its own")
            } else if groups[g].origins.count > 1 {
                groups[g].notes.append(
                    "learned as one service from \(groups[g].origins.count) origins that share its name and tools "
                        + "(\(described))")
            }
        }
        self.groups = groups
        try Self.checkTools(traffic, groups)
    }

    /// The key of the group that holds `service` of input `input`.
    package func key(input: Int, service: String) -> String {
        groups.first { group in group.recordedName == service && group.parts.contains { $0.input == input } }!.key
    }

    /// The group keyed `key`.
    package func group(key: String) -> Group { groups.first { $0.key == key }! }

    /// `python3 crud_server.py in a.jsonl; python3 other.py in b.jsonl`.
    static func describe(_ group: Group, _ traffic: [RecordedTraffic]) -> String {
        var parts: [String] = []
        for part in group.parts {
            let origins = part.origins.isEmpty ? "" : part.origins.map { "`\($0)`" }.joined(separator: ", ") + " in "
            let text = origins + traffic[part.input].source
            if !parts.contains(text) { parts.append(text) }
        }
        return parts.joined(separator: "; ")
    }

    /// Refuses a tool called on two services, listed with two schemas, or answering JSON in one
    /// input and text in another.
    static func checkTools(_ traffic: [RecordedTraffic], _ groups: [Group]) throws(MixedInputs) {
        var serviceOfTool: [String: (key: String, source: String)] = [:]
        var listed: [String: (schema: JSON, source: String)] = [:]
        var answers: [String: [(source: String, ok: Int, json: Int)]] = [:]
        for (index, input) in traffic.enumerated() {
            for tool in input.tools where !tool.schemaInferred {
                if let known = listed[tool.name] {
                    guard known.schema == tool.inputSchema else {
                        throw .differentSchemas(tool: tool.name, firstSource: known.source, secondSource: input.source)
                    }
                } else {
                    listed[tool.name] = (tool.inputSchema, input.source)
                }
            }
            for service in input.services {
                let group = groups.first { g in
                    g.recordedName == service.name && g.parts.contains { $0.input == index }
                }!
                var counts: [String: (ok: Int, json: Int)] = [:]
                var order: [String] = []
                for call in service.calls {
                    if let known = serviceOfTool[call.tool], known.key != group.key {
                        throw .toolOnTwoServices(
                            tool: call.tool, first: groups.first { $0.key == known.key }!.recordedName,
                            firstSource: known.source, second: service.name, secondSource: input.source)
                    }
                    if serviceOfTool[call.tool] == nil { serviceOfTool[call.tool] = (group.key, input.source) }
                    guard call.outcome == .ok else { continue }
                    if counts[call.tool] == nil { order.append(call.tool) }
                    counts[call.tool, default: (0, 0)].ok += 1
                    if call.structured != nil { counts[call.tool, default: (0, 0)].json += 1 }
                }
                for tool in order {
                    answers[tool, default: []].append((input.source, counts[tool]!.ok, counts[tool]!.json))
                }
            }
        }
        for tool in answers.keys.sorted() {
            let inputs = answers[tool]!.filter { $0.ok >= answersToCompare }
            guard let json = inputs.first(where: { $0.json == $0.ok }),
                let text = inputs.first(where: { $0.json == 0 })
            else { continue }
            throw .differentAnswers(
                tool: tool, jsonSource: json.source, json: json.ok, textSource: text.source, text: text.ok)
        }
    }
}
