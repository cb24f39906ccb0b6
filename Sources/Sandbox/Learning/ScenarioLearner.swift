import WorldModel

/// Learns a scenario from recorded traffic: tools (names, descriptions, input schemas),
/// services (one per recorded server or HTTP host) with their dynamics, and the state: rows,
/// collections and each tool's op (`StateInference`); plus a report of what was inferred,
/// from how many calls, and what was rejected or could not be inferred.
///
/// Pure: the same traffic and options always give the same scenario and report, byte for byte.
package struct ScenarioLearner: Sendable, Hashable {
    /// The share of each service's calls, the last ones, kept out of the fit (0 ≤ f < 1).
    package var holdout: Double
    /// How the number of regimes is chosen.
    package var regimes: DynamicsLearner.RegimeChoice
    /// The scenario's `name` (lower-case kebab-case, as the format wants).
    package var name: String
    /// How many recorded milliseconds make one simulated millisecond: a recording of
    /// `simrun serve --realtime=S` is learned with `S` (its wall-clock latencies and call times
    /// are the simulated ones times `S`); 1 for real services and traces.
    package var timeScale: Double = 1

    /// A learner.
    package init(name: String, holdout: Double = 0, regimes: DynamicsLearner.RegimeChoice = .automatic) {
        precondition(holdout >= 0 && holdout < 1, "the holdout is a fraction in [0, 1) (the CLI checks it)")
        self.name = ScenarioLearner.identifier(name, fallback: "learned", separator: "-")
        self.holdout = holdout
        self.regimes = regimes
    }

    /// Why a scenario cannot be learned.
    package enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The inputs hold no calls at all.
        case noCalls(sources: [String])
        /// The holdout leaves a service without calls to fit.
        case holdoutLeavesNothing(service: String, calls: Int, holdout: Double)
        /// The inputs hold calls of different servers that share a tool's name.
        case mixedInputs(ServiceGrouping.MixedInputs)

        /// The message, for people.
        package var description: String {
            switch self {
            case .noCalls(let sources):
                "no recorded calls in \(sources.joined(separator: ", ")): expected at least one tools/call, "
                    + "trace step or HAR entry to learn from, found none"
            case .holdoutLeavesNothing(let service, let calls, let holdout):
                "service '\(service)': holding out \(holdout) of its \(calls) calls leaves none to learn from"
            case .mixedInputs(let problem):
                problem.description
            }
        }
    }

    /// The scenario and the report.
    package struct Result: Sendable, Hashable {
        /// The scenario document.
        package var scenario: JSON
        /// The report as a JSON document.
        package var report: JSON
        /// The report as text.
        package var reportText: String
    }

    /// Learns from `traffic` (in the order the inputs were given).
    package func learn(_ traffic: [RecordedTraffic]) throws(Failure) -> Result {
        // Services by name (different servers sharing a name apart), in order first seen; each
        // recording session, trace or HAR file is its own sequence of calls.
        let grouping: ServiceGrouping
        do throws(ServiceGrouping.MixedInputs) {
            grouping = try ServiceGrouping(traffic)
        } catch {
            throw .mixedInputs(error)
        }
        var serviceNames: [String] = []
        var sequences: [String: [[RecordedCall]]] = [:]
        var toolService: [String: String] = [:]
        var tools: [RecordedTool] = []
        for (index, input) in traffic.enumerated() {
            for tool in input.tools where !tools.contains(where: { $0.name == tool.name }) { tools.append(tool) }
            for recorded in input.services {
                var service = recorded
                service.name = grouping.key(input: index, service: recorded.name)
                if sequences[service.name] == nil {
                    serviceNames.append(service.name)
                    sequences[service.name] = []
                }
                var bySession: [Int: [RecordedCall]] = [:]
                var sessions: [Int] = []
                for var call in service.calls {
                    if timeScale != 1 {
                        call.atMs /= timeScale
                        call.latencyMs = call.latencyMs.map { $0 / timeScale }
                    }
                    if bySession[call.session] == nil { sessions.append(call.session) }
                    bySession[call.session, default: []].append(call)
                    if toolService[call.tool] == nil { toolService[call.tool] = service.name }
                }
                sequences[service.name]! += sessions.map { bySession[$0]! }
            }
        }
        let totalCalls = sequences.values.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        guard totalCalls > 0 else { throw .noCalls(sources: traffic.map(\.source)) }

        // Identifiers for services and tools (scenario names are lower-case identifiers).
        var serviceIDs: [String: String] = [:]
        var taken: Set<String> = []
        for service in serviceNames {
            serviceIDs[service] = Self.unique(Self.identifier(service, fallback: "service"), in: &taken)
        }
        var report = LearningReport(holdout: holdout, sources: Self.sourceSummary(traffic))
        report.timeScale = timeScale
        var servicesJSON = JSONObject()
        var training: [RecordedCall] = []
        var trainingSequences: [[RecordedCall]] = []
        var fits: [(service: String, sequences: [[RecordedCall]], heldOut: Int)] = []
        for service in serviceNames where !(sequences[service]!.allSatisfy(\.isEmpty)) {
            let all = sequences[service]!
            let count = all.reduce(0) { $0 + $1.count }
            let kept = count - Int((Double(count) * holdout).rounded(.down))
            guard kept > 0 else {
                throw .holdoutLeavesNothing(
                    service: grouping.group(key: service).recordedName, calls: count, holdout: holdout)
            }
            var remaining = kept
            var fitted: [[RecordedCall]] = []
            for sequence in all where remaining > 0 {
                fitted.append(Array(sequence.prefix(remaining)))
                remaining -= Swift.min(sequence.count, remaining)
            }
            training += fitted.flatMap { $0 }
            trainingSequences += fitted
            fits.append((service, fitted, count - kept))
        }

        // Tools that were called, in order first seen. The dynamics (from the calls' outcomes and
        // latencies) and the answers (response faults, then the state) are independent: learned
        // side by side, each alone, so the result is the same as one after the other.
        let called = tools.filter { toolService[$0.name] != nil }
        let (learnedDynamics, (responseFaults, state)) = Parallel.pair {
            // HTML error pages are a response fault rule's (ResponseFaultInference), not the regimes'.
            fits.map { fit in
                DynamicsLearner(regimes: regimes).learn(
                    service: serviceIDs[fit.service]!,
                    sequences: fit.sequences.map { $0.map(ResponseFaultInference.forDynamics) })!
            }
        } beside: { [training, trainingSequences] in
            var responseFaults: [String: ResponseFaultInference] = [:]
            for tool in called {
                responseFaults[tool.name] = ResponseFaultInference(
                    tool: tool.name, calls: training.filter { $0.tool == tool.name })
            }
            // Without the bodies and fields faults damaged: they say nothing about the state.
            var state = StateInference()
            state.infer(
                tools: called,
                sequences: trainingSequences.map { sequence in
                    sequence.compactMap { call in responseFaults[call.tool].map { $0.forState(call) } ?? call }
                })
            return (responseFaults, state)
        }
        for (fit, learnedService) in zip(fits, learnedDynamics) {
            var dynamics = learnedService
            _ = servicesJSON.updateValue(dynamics.scenarioJSON, forKey: serviceIDs[fit.service]!)
            let group = grouping.group(key: fit.service)
            dynamics.notes += group.notes
            report.services.append(.init(recordedName: group.recordedName, dynamics: dynamics, heldOut: fit.heldOut))
        }
        var toolIDs: [String: String] = [:]
        var takenTools: Set<String> = []
        var toolsJSON: [JSON] = []
        var faultsJSON: [JSON] = []
        var ruleIDs: Set<String> = []
        for tool in called {
            let id = Self.unique(Self.identifier(tool.name, fallback: "tool"), in: &takenTools)
            toolIDs[tool.name] = id
            var object: JSONObject = [
                "name": .string(id),
                "service": .string(serviceIDs[toolService[tool.name]!]!),
                "description": .string(
                    tool.description.flatMap { $0.isEmpty ? nil : $0 } ?? "\(tool.name) (learned from recorded calls)"),
                "input": tool.inputSchema,
            ]
            let inference = state.inferences[tool.name]!
            let op = inference.op
            for (key, value) in op.toolMembers(collection: state.collection(of: tool.name)) {
                _ = object.updateValue(value, forKey: key)
            }
            toolsJSON.append(.object(object))
            let faults = responseFaults[tool.name]!
            faultsJSON += faults.scenarioRules(toolID: id, ids: &ruleIDs)
            report.tools.append(
                .init(
                    name: tool.name, id: id, calls: training.filter { $0.tool == tool.name }.count,
                    schemaInferred: tool.schemaInferred, op: op, collection: state.collection(of: tool.name),
                    responseFaults: faults, rejected: inference.rejected, notes: inference.notes,
                    serverSet: inference.serverSet))
        }
        report.collections = state.collections.map { ($0.name, $0.rows.count) }
        report.uncalledTools = tools.filter { toolService[$0.name] == nil }.map(\.name)

        // The minimal task: call the first tool once with its first recorded arguments, answer "done".
        let first = called[0]
        let firstArguments =
            training.first { $0.tool == first.name && $0.outcome == .ok }?.arguments
            ?? training.first { $0.tool == first.name }?.arguments ?? [:]
        let firstID = toolIDs[first.name]!
        let task: JSON = [
            "instruction": .string(
                "This scenario was learned from recorded traffic by simrun learn; the recording carries no task. "
                    + "Call \(firstID) at least once (for example with \(firstArguments.canonicalText)), then answer 'done'."
            )
        ]
        let checks: JSON = [
            ["name": .string("calls \(firstID) at least once"), "calls": ["tool": .string(firstID), "min": 1]],
            ["name": "answers done", "answer": ["contains": ["done"]]],
        ]
        let solution: JSON = [["tool": .string(firstID), "args": firstArguments], ["answer": "done"]]
        var data = JSONObject()
        for collection in state.collections { _ = data.updateValue(.array(collection.rows), forKey: collection.name) }
        var scenario: JSON = [
            "simrun": 1,
            "name": .string(name),
            "title": .string("Learned from \(traffic.count) recorded input\(traffic.count == 1 ? "" : "s")"),
            "description": .string(
                "Learned by simrun learn from \(training.count) calls of \(report.services.count) service"
                    + "\(report.services.count == 1 ? "" : "s") in \(Self.sourceSummary(traffic).joined(separator: ", "))."
            ),
            "task": task,
            "data": .object(data),
            "services": .object(servicesJSON),
            "tools": .array(toolsJSON),
            "checks": checks,
            "solution": solution,
        ]
        if !faultsJSON.isEmpty { scenario = scenario.setting(.array(faultsJSON), at: ["faults"]) }
        return Result(scenario: scenario, report: report.json, reportText: report.text)
    }

    /// The inputs for people: each file with its kind, or for more than five, the first and last
    /// file and how many of each kind.
    static func sourceSummary(_ traffic: [RecordedTraffic]) -> [String] {
        guard traffic.count > 5 else {
            return traffic.map { input in
                // A sweep's archive: its episodes are the sessions of its calls.
                let episodes = Set(input.services.flatMap { $0.calls.map(\.session) }).count
                let archive = input.kind == .trace && episodes > 1 ? " archive, \(episodes) episodes" : ""
                return "\(input.source) (\(input.kind.rawValue)\(archive))"
            }
        }
        let kinds = RecordedTraffic.Kind.allCases.compactMap { kind -> String? in
            let count = traffic.filter { $0.kind == kind }.count
            return count == 0 ? nil : "\(count) \(kind.rawValue)\(count == 1 ? "" : "s")"
        }
        return [
            "\(traffic.count) inputs (\(kinds.joined(separator: ", ")); \(traffic[0].source) … \(traffic[traffic.count - 1].source))"
        ]
    }

    /// `text` as a scenario identifier: lower case, runs of other characters as one `separator`,
    /// starting with a letter (`GET /orders/{id}` → `get_orders_id`, `api.example.com:443` →
    /// `api_example_com_443`).
    package static func identifier(_ text: String, fallback: String, separator: String = "_") -> String {
        var result = ""
        var pendingUnderscore = false
        for scalar in text.lowercased().unicodeScalars {
            let isWord = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            if isWord {
                if pendingUnderscore && !result.isEmpty { result += separator }
                pendingUnderscore = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingUnderscore = true
            }
        }
        if result.isEmpty { return fallback }
        if let first = result.unicodeScalars.first, !("a"..."z").contains(first) {
            result = fallback + separator + result
        }
        return result
    }

    /// `base`, or `base_2`, `base_3`, … the first not in `taken` (which it joins).
    static func unique(_ base: String, in taken: inout Set<String>) -> String {
        var candidate = base
        var number = 2
        while taken.contains(candidate) {
            candidate = "\(base)_\(number)"
            number += 1
        }
        taken.insert(candidate)
        return candidate
    }
}
