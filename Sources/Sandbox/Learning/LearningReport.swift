import WorldModel

/// What `simrun learn` inferred, from how many calls, what it rejected and why, and what the
/// data could not support; as text for people and JSON for programs.
package struct LearningReport: Sendable, Hashable {
    /// One service's entry.
    package struct Service: Sendable, Hashable {
        /// The service's name in the traffic (`host:port`, a server name).
        package var recordedName: String
        /// The learned dynamics (its `service` is the scenario's identifier).
        package var dynamics: ServiceDynamics
        /// Calls held out of the fit (the last ones).
        package var heldOut: Int
    }

    /// One tool's entry.
    package struct Tool: Sendable, Hashable {
        /// The tool's name in the traffic.
        package var name: String
        /// Its name in the scenario.
        package var id: String
        /// Its calls in the fitted part.
        package var calls: Int
        /// Whether its input schema was inferred from arguments rather than listed.
        package var schemaInferred: Bool
        /// The op chosen.
        package var op: InferredOp
        /// The collection it works on, if any.
        package var collection: String?
        /// Its answers' schema and the response faults inferred from them.
        package var responseFaults: ResponseFaultInference? = nil
        /// The candidate ops rejected, each with the call that rejected it.
        package var rejected: [String] = []
        /// Notes on the op chosen (calls left unexplained within the tolerance, ids).
        package var notes: [String] = []
        /// The fields the op leaves to the server (the call's time, the id counter).
        package var serverSet: [ServerSetField] = []
    }

    /// The share of each service's calls held out.
    package var holdout: Double
    /// The inputs, with their kinds.
    package var sources: [String]
    /// Recorded times were divided by this (`--time-scale`; 1 when they were not).
    package var timeScale: Double = 1
    /// Per service.
    package var services: [Service] = []
    /// Per tool.
    package var tools: [Tool] = []
    /// Collections and their row counts.
    package var collections: [(String, Int)] = []
    /// Tools listed but never called: left out of the scenario (nothing to learn their service
    /// or answers from).
    package var uncalledTools: [String] = []

    /// What this version never infers, said in every report.
    package static let notInferred = [
        "response faults other than missing, null or retyped fields, error bodies with a success status, cut-short "
            + "bodies and HTML error pages (renamed fields, stale reads, page faults, injections) are not inferred",
        "list filters, ordering and pagination are not inferred: a learned list answers every row of its collection",
    ]

    package static func == (lhs: LearningReport, rhs: LearningReport) -> Bool { lhs.json == rhs.json }
    package func hash(into hasher: inout Hasher) { hasher.combine(json) }

    /// The report as JSON.
    package var json: JSON {
        .object([
            "holdout": .double(holdout),
            "time_scale": .double(timeScale),
            "sources": .array(sources.map { .string($0) }),
            "services": .array(services.map(Self.serviceJSON)),
            "tools": .array(
                tools.map { tool in
                    var object: JSONObject = [
                        "name": .string(tool.name), "id": .string(tool.id), "calls": .int(tool.calls),
                        "schema_inferred": .bool(tool.schemaInferred), "op": .string(tool.op.name),
                    ]
                    if let collection = tool.collection {
                        _ = object.updateValue(.string(collection), forKey: "collection")
                    }
                    if let key = tool.op.key { _ = object.updateValue(.string(key), forKey: "key") }
                    if case .delete(_, let answer?) = tool.op {
                        _ = object.updateValue(.string(InferredOp.objectLiteral(answer)), forKey: "answer")
                    }
                    if case .recorded(let answers, let fallback, let reason) = tool.op {
                        _ = object.updateValue(.string(reason), forKey: "not_inferred")
                        _ = object.updateValue(.int(answers.count), forKey: "recorded_answers")
                        _ = object.updateValue(.bool(fallback != nil), forKey: "default")
                    }
                    if let faults = tool.responseFaults {
                        _ = object.updateValue(faults.json, forKey: "response_faults")
                    }
                    _ = object.updateValue(.array(tool.rejected.map { .string($0) }), forKey: "rejected")
                    _ = object.updateValue(.array(tool.notes.map { .string($0) }), forKey: "notes")
                    if !tool.serverSet.isEmpty {
                        _ = object.updateValue(.array(tool.serverSet.map(\.json)), forKey: "server_set")
                    }
                    return .object(object)
                }),
            "collections": .array(collections.map { .object(["name": .string($0.0), "rows": .int($0.1)]) }),
            "uncalled_tools": .array(uncalledTools.map { .string($0) }),
            "not_inferred": .array(Self.notInferred.map { .string($0) }),
        ])
    }

    static func serviceJSON(_ entry: Service) -> JSON {
        let d = entry.dynamics
        return .object([
            "name": .string(d.service), "recorded_name": .string(entry.recordedName), "calls": .int(d.calls),
            "held_out": .int(entry.heldOut), "sequences": .int(d.sequences), "regimes": .int(d.regimes.count),
            "candidates": .array(
                d.candidates.map { c in
                    var object: JSONObject = [
                        "regimes": .int(c.regimes), "parameters": .int(c.parameters),
                        "calls_needed": .int(c.callsNeeded),
                    ]
                    if let ll = c.logLikelihood {
                        _ = object.updateValue(.double(LatencyFit.rounded(ll, digits: 1)), forKey: "log_likelihood")
                    }
                    if let bic = c.bic {
                        _ = object.updateValue(.double(LatencyFit.rounded(bic, digits: 1)), forKey: "bic")
                    }
                    _ = object.updateValue(.bool(c.schedule), forKey: "schedule")
                    _ = object.updateValue(.string(c.family.rawValue), forKey: "latency_emission")
                    _ = object.updateValue(c.rejection.map { .string($0) } ?? .null, forKey: "rejected")
                    return .object(object)
                }),
            "learned": d.scenarioJSON,
            "rate_limit": d.rateLimit.map { bucket in
                .object([
                    "capacity": .int(bucket.capacity), "refill_per_s": .double(bucket.refillPerSecond),
                    "explained_429s": .int(bucket.explained), "rate_limited": .int(bucket.rateLimited),
                    "other_calls_refused": .int(bucket.contradicted),
                ])
            } ?? .null,
            "schedule": .array(d.schedule.map { Self.windowJSON($0, regimes: d.regimes) }),
            "schedule_finding": .string(d.scheduleFinding),
            "latency_emission": d.latencyEmission.map { e in
                .object([
                    "family": .string(e.family.rawValue), "bins": .int(e.bins), "fine_bins": .int(e.fineBins),
                    "bic": .double(LatencyFit.rounded(e.bic, digits: 1)),
                    "competitor": e.competitor.map { .string($0.rawValue) } ?? .null,
                    "competitor_bic": e.competitorBIC.map { .double(LatencyFit.rounded($0, digits: 1)) } ?? .null,
                    "competitor_regimes": e.competitorRegimes.map { .int($0) } ?? .null,
                    "competitor_schedule": .bool(e.competitorSchedule),
                    "finding": .string(e.text),
                ])
            } ?? .null,
            "regime_details": .array(
                d.regimes.map { r in
                    var object: JSONObject = ["name": .string(r.name), "calls": .int(r.calls)]
                    if let fit = r.latency {
                        _ = object.updateValue(
                            .object([
                                "latencies": .int(fit.count),
                                "median_ms": .double(LatencyFit.rounded(fit.observedMedian, digits: 1)),
                                "p99_ms": .double(LatencyFit.rounded(fit.observedP99, digits: 1)),
                                "ks_statistic": .double(LatencyFit.rounded(fit.ksStatistic, digits: 4)),
                                "ks_critical": .double(LatencyFit.rounded(fit.ksCritical, digits: 4)),
                                "lognormal": .bool(fit.lognormalAccepted),
                            ]), forKey: "latency")
                    }
                    return .object(object)
                }),
            "notes": .array(d.notes.map { .string($0) }),
        ])
    }

    /// A schedule window for the JSON report: where it is, which regime it forces, from how many
    /// calls, and the nearest calls outside it (the edges' resolution).
    static func windowJSON(_ window: ScheduleInference.Window, regimes: [ServiceDynamics.Regime]) -> JSON {
        var object: JSONObject = [
            "regime": .string(regimes[window.regime].name), "from_ms": .int(window.fromMs), "to_ms": .int(window.toMs),
            "calls": .int(window.calls), "sequences": .int(window.sequences),
            "share": .double(LatencyFit.rounded(window.share, digits: 4)),
        ]
        _ = object.updateValue(window.lastCallBeforeMs.map { .double($0) } ?? .null, forKey: "last_call_before_ms")
        _ = object.updateValue(window.firstCallAfterMs.map { .double($0) } ?? .null, forKey: "first_call_after_ms")
        return .object(object)
    }

    /// The report as text.
    package var text: String {
        var lines: [String] = []
        lines.append("learned from: \(sources.joined(separator: ", "))")
        if holdout > 0 { lines.append("held out: the last \(holdout) of each service's calls (not fitted)") }
        if timeScale != 1 {
            lines.append("time scale: recorded call times and latencies divided by \(timeScale) (--time-scale)")
        }
        for entry in services {
            let d = entry.dynamics
            let held = entry.heldOut > 0 ? ", \(entry.heldOut) held out" : ""
            lines.append("")
            lines.append(
                "service \(d.service) (recorded as \(entry.recordedName)): \(d.calls) calls in \(d.sequences) sequence\(d.sequences == 1 ? "" : "s")\(held)"
            )
            for c in d.candidates {
                let figures = c.bic.map { "BIC \(DynamicsLearner.figure($0))" } ?? "not fitted"
                let verdict = c.rejection.map { "rejected: \($0)" } ?? "chosen"
                let scheduled = c.schedule ? " with the schedule" : ""
                lines.append(
                    "  \(c.regimes) regime\(c.regimes == 1 ? "" : "s")\(scheduled), \(c.family.words) (\(c.parameters) parameters): \(figures); \(verdict)"
                )
            }
            for (index, r) in d.regimes.enumerated() {
                var parts = ["\(r.calls) calls"]
                if let fit = r.latency {
                    let kind =
                        fit.lognormalAccepted ? "lognormal (KS accepts" : "empirical quantiles (KS rejects a lognormal"
                    parts.append(
                        "latency median \(DynamicsLearner.figure(fit.observedMedian)) ms, p99 \(DynamicsLearner.figure(fit.observedP99)) ms, \(kind): D = \(LatencyFit.rounded(fit.ksStatistic, digits: 4)) vs \(LatencyFit.rounded(fit.ksCritical, digits: 4)))"
                    )
                } else {
                    parts.append("no latencies (only timeouts or 429s)")
                }
                let shares = OutcomeClass.allCases.filter { $0 != .ok }.compactMap { outcome -> String? in
                    let p = LatencyFit.rounded(r.share(outcome), digits: 4)
                    return p > 0 ? "\(outcome.rawValue) \(p)" : nil
                }
                parts.append(shares.isEmpty ? "no errors" : shares.joined(separator: ", "))
                let moves = d.regimes.indices.filter { $0 != index }.map {
                    "→ \(d.regimes[$0].name) \(LatencyFit.rounded(d.model.transitions[index][$0], digits: 4))"
                }
                if !moves.isEmpty { parts.append("per call " + moves.joined(separator: ", ")) }
                let initial = index == d.initialRegime ? " (initial)" : ""
                lines.append("  regime \(r.name)\(initial): " + parts.joined(separator: "; "))
            }
            lines.append("  \(d.scheduleFinding)")
            if let emission = d.latencyEmission { lines.append("  \(emission.text)") }
            if let timeout = d.timeoutMs { lines.append("  timeout_ms \(timeout) (median latency of timed-out calls)") }
            if let bucket = d.rateLimit {
                lines.append(
                    "  rate_limit: capacity \(bucket.capacity), refill_per_s \(DynamicsLearner.rate(bucket.refillPerSecond)) (token bucket)"
                )
            }
            if d.regimes.contains(where: { $0.share(.clientError) > 0 }) {
                lines.append("  client errors are the caller's doing: not written as a service error")
            }
            for note in d.notes { lines.append("  note: \(note)") }
        }
        lines.append("")
        for tool in tools {
            let schema = tool.schemaInferred ? "input schema inferred from arguments" : "input schema as listed"
            var op: String
            switch tool.op {
            case .get(let key): op = "op get on \(tool.collection!) by argument \(key)"
            case .list: op = "op list on \(tool.collection!)"
            case .create(let key, let fields):
                let from = fields.map(\.origin)
                op =
                    "op create on \(tool.collection!) (\(from.joined(separator: ", ")); id \(key.map { "from argument \($0)" } ?? "from the collection's counter"))"
            case .update(let key, let set):
                let from = set.map(\.origin)
                op = "op update on \(tool.collection!) by argument \(key) (\(from.joined(separator: ", ")))"
            case .delete(let key, let answer):
                op = "op delete on \(tool.collection!) by argument \(key)"
                if let answer {
                    op += " (answering \(InferredOp.objectLiteral(answer)); written as op custom with a delete effect)"
                }
            case .recorded(let answers, let fallback, let reason):
                op =
                    "op recorded (\(reason)): \(answers.count) recorded answer\(answers.count == 1 ? "" : "s") by canonical arguments, otherwise \(fallback == nil ? "404 not_recorded" : "the one answer every call gave")"
            }
            lines.append("tool \(tool.id) (recorded as \(tool.name)): \(tool.calls) calls; \(schema); \(op)")
            lines += tool.responseFaults?.lines ?? []
            for rejection in tool.rejected { lines.append("  \(rejection)") }
            for note in tool.notes { lines.append("  note: \(note)") }
        }
        for (name, rows) in collections { lines.append("collection \(name): \(rows) rows from responses") }
        if !uncalledTools.isEmpty {
            lines.append(
                "left out, listed but never called (nothing to learn from): \(uncalledTools.joined(separator: ", "))")
        }
        lines.append("")
        for line in Self.notInferred { lines.append("not inferred: \(line)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
