import Scenarios
import WorldModel

/// Measures how faithful a scenario is to recorded traffic: replays every recorded call
/// sequence against the scenario over several seeds and compares, per service and per tool,
/// latency, error rates, error bursts, regime dwell times, response schemas and exact bodies
/// (see `FidelityFigure.Kind`), each against its threshold (`FidelityThresholds`).
///
/// - *Sequences*: each recording session, trace file or HAR file is one sequence of a recorded
///   service's calls, as `simrun learn` reads them.
/// - *Tools*: a recorded tool is the scenario's tool of the same name, else the one named as
///   `simrun learn` names it (`ScenarioLearner.identifier`: `GET /orders/{id}` →
///   `get_orders_id`); calls of a tool the scenario lacks are left out and reported.
/// - *Replay*: sequence `k` (0-based) under seed `s` is an episode of the world `simrun run
///   --seed s --trials k+1` draws as trial `k + 1` (`RunPlan.worldSeed`), so sequences do not
///   share their randomness. It makes the same calls with the same arguments, each at its
///   recorded time since the session began (or at once when the simulation is behind), or
///   after its recorded gap (`Timing`); gated calls are approved. With `Retries.follow` a
///   recorded retry is made only when the simulated attempt before it failed too, and retries
///   are added after simulated errors as the recorded agent retried; a skipped call is compared
///   in no figure, an added one only in latency, rates and schemas.
/// - *Services*: the scenario's service of each call's tool; a sequence's calls to one service
///   form that service's sub-sequence (for bursts and dwell times).
///
/// Pure: the same scenario, traffic, seeds and thresholds always give the same report.
package struct FidelityCheck: Sendable {
    /// The scenario under test.
    package let scenario: Scenario
    /// The seeds each sequence is replayed with.
    package var seeds: [UInt64]
    /// The limits.
    package var thresholds: FidelityThresholds
    /// When replayed calls are made.
    package var timing: Timing
    /// Whether recorded retries follow the simulated answers.
    package var retries: Retries

    /// When a replayed call is made, in the episode's virtual time.
    package enum Timing: String, Sendable, Hashable, CaseIterable {
        /// At the call's recorded time since its session began, or at once when the simulated
        /// answers so far took longer (think time = recorded time − simulated now, never
        /// negative). Calls meet the same scheduled regimes as recorded, and an agent that backed
        /// off after errors keeps its calls where they were (the default). With
        /// `Retries.follow` the times are the agent's: a skipped recorded retry brings every later
        /// call earlier by the recorded time it took (from the answer before it to its own), and
        /// retries added after a simulated error delay every later call by their simulated time
        /// (waits and latencies), as the agent would have moved on sooner or later; scheduled
        /// regimes then meet the calls the agent would have made in them.
        case recordedTimes = "times"
        /// After the recorded gap between the previous call's answer and this call (think time =
        /// the recorded gap), so a simulated answer that is faster or slower than the recorded
        /// one shifts every later call. With `Retries.follow` the agent's own clock moves too: a
        /// skipped recorded retry takes no time (the next call comes its recorded gap after the
        /// successful attempt), and retries added after a simulated error delay every later
        /// call by their waits and latencies.
        case recordedGaps = "gaps"
    }

    /// Which recorded retries a replay makes. A *retry* is a recorded call of the same tool with
    /// the same arguments as the call right before it, which was a service error (`retries(_:)`).
    package enum Retries: String, Sendable, Hashable, CaseIterable {
        /// Every recorded call is made, whatever the simulation answered before it (open loop;
        /// the default: on the shipped scenarios' own traces it gives the fewest false alarms,
        /// docs/learning.md "Fidelity calibration").
        case replay
        /// The replay plays the agent's retry policy: a recorded retry is made only when the
        /// simulated attempt before it failed too (else it and the rest of its run are skipped,
        /// as the agent would not have retried); and where a simulated call failed with another
        /// outcome than the recorded one, and the recording goes on without a retry, retries are
        /// added as the recording shows the agent retrying such errors of that tool
        /// (`RecordedRetryPolicy`: at least half the time, up to its longest recorded run, each
        /// after the recorded backoff of its retry number and error class, or as the agent
        /// treated a `Retry-After` when the simulated answer carried one: `RecordedBackoff`).
        case follow
    }

    /// The default number of seeds (`simrun fidelity --seeds`): 20, so the simulated side has
    /// twenty times the recorded calls and its own sampling noise is small beside the recording's.
    package static let defaultSeedCount = 20

    /// A check of `scenario` over `seeds` (not empty) with `thresholds`.
    package init(
        scenario: Scenario, seeds: [UInt64], thresholds: FidelityThresholds = FidelityThresholds(),
        timing: Timing = .recordedTimes, retries: Retries = .replay
    ) {
        precondition(!seeds.isEmpty, "a fidelity check needs at least one seed (the CLI checks it)")
        self.scenario = scenario
        self.seeds = seeds
        self.thresholds = thresholds
        self.timing = timing
        self.retries = retries
    }

    /// Why traffic cannot be checked.
    package enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The inputs hold no calls at all.
        case noCalls(sources: [String])
        /// No recorded call is of a tool the scenario has.
        case noMatchingTool(recorded: [String], scenario: String, tools: [String])

        /// The message, for people.
        package var description: String {
            switch self {
            case .noCalls(let sources):
                "no recorded calls in \(sources.joined(separator: ", ")): expected at least one tools/call, "
                    + "trace step or HAR entry to compare, found none"
            case .noMatchingTool(let recorded, let scenario, let tools):
                "no recorded call is of a tool of scenario '\(scenario)': recorded tools "
                    + "\(recorded.joined(separator: ", ")); the scenario's tools \(tools.joined(separator: ", "))"
            }
        }
    }

    /// One recorded sequence and its replays.
    struct Replayed {
        /// The recorded calls of tools the scenario has, renamed to the scenario's tool names.
        var recorded: [RecordedCall]
        /// Per seed (in `seeds` order), the simulated calls, one per recorded call: `nil` where
        /// the replay skipped a recorded retry (`Retries.follow`).
        var simulated: [[RecordedCall?]]
        /// Per seed, the retries the replay added after simulated errors the recording did not
        /// have (`Retries.follow`): counted in latency, rates and schemas, not compared by body,
        /// and not first attempts.
        var added: [[RecordedCall]]
    }

    /// Checks `traffic` (in the order the inputs were given).
    package func check(_ traffic: [RecordedTraffic]) throws(Failure) -> FidelityReport {
        // Sequences, as the learner forms them: per input, service and session.
        var sequences: [[RecordedCall]] = []
        for input in traffic {
            for service in input.services {
                var sessions: [Int] = []
                var bySession: [Int: [RecordedCall]] = [:]
                for call in service.calls {
                    if bySession[call.session] == nil { sessions.append(call.session) }
                    bySession[call.session, default: []].append(call)
                }
                sequences += sessions.map { bySession[$0]! }
            }
        }
        let recordedCalls = sequences.reduce(0) { $0 + $1.count }
        guard recordedCalls > 0 else { throw .noCalls(sources: traffic.map(\.source)) }

        // Recorded tools to scenario tools.
        var recordedTools: [String] = []
        var mapping: [String: String] = [:]
        var unmatched: [String: Int] = [:]
        for call in sequences.joined() {
            if !recordedTools.contains(call.tool) {
                recordedTools.append(call.tool)
                if let tool = Self.scenarioTool(for: call.tool, in: scenario) { mapping[call.tool] = tool }
            }
            if mapping[call.tool] == nil { unmatched[call.tool, default: 0] += 1 }
        }
        var notes = recordedTools.filter { mapping[$0] == nil }.map { tool in
            let learned = ScenarioLearner.identifier(tool, fallback: "tool")
            let also = learned == tool ? "" : " or \(learned)"
            return "tool \(tool): \(unmatched[tool]!) recorded calls left out: the scenario has no tool \(tool)\(also)"
        }
        let kept = sequences.map { sequence in
            sequence.compactMap { call -> RecordedCall? in
                guard let tool = mapping[call.tool] else { return nil }
                var renamed = call
                renamed.tool = tool
                return renamed
            }
        }.filter { !$0.isEmpty }
        guard !kept.isEmpty else {
            throw .noMatchingTool(
                recorded: recordedTools, scenario: scenario.name, tools: scenario.world.tools.map(\.name))
        }
        if kept.count < sequences.count {
            notes.append(
                "\(sequences.count - kept.count) of \(sequences.count) sequences have no call of a scenario tool")
        }

        let policy = RecordedRetryPolicy(sequences: kept)
        if retries == .follow { notes.append(policy.backoff.summary) }
        let replayed = kept.enumerated().map { index, recorded in
            let replays = seeds.map { replay(recorded, seed: $0, sequence: index, policy: policy) }
            return Replayed(recorded: recorded, simulated: replays.map(\.made), added: replays.map(\.added))
        }
        var report = FidelityReport(
            scenario: scenario.name, sources: ScenarioLearner.sourceSummary(traffic), seeds: seeds,
            thresholds: thresholds, timing: timing, retries: retries, sequences: replayed.count,
            recordedCalls: replayed.reduce(0) { $0 + $1.recorded.count },
            simulatedCalls: replayed.reduce(0) {
                $0 + $1.simulated.reduce(0) { $0 + $1.compactMap { $0 }.count } + $1.added.reduce(0) { $0 + $1.count }
            },
            notes: notes)

        // Per service, in the scenario's order.
        let service = { (tool: String) in scenario.world.tool(named: tool)!.service }
        let usedTools = scenario.world.tools.map(\.name).filter { name in
            replayed.contains { $0.recorded.contains { $0.tool == name } }
        }
        var services: [String] = []
        for tool in usedTools where !services.contains(service(tool)) { services.append(service(tool)) }
        services = scenario.world.spec.services.map(\.name).filter(services.contains)
        // The most tested figures the check can have (8 a service, 6 a tool), known before any
        // is computed: the permutation tests draw enough to resolve α over that many.
        let family = 8 * services.count + 6 * usedTools.count
        for name in services {
            let strata = Self.strata(replayed) { service($0.tool) == name }
            var section = FidelityReport.Section(
                kind: .service, name: name, recordedCalls: strata.recordedCalls, simulatedCalls: strata.simulatedCalls)
            section.figures.append(latency(strata, family: family))
            section.figures += rates(strata)
            // Runs of errors and of regimes over first attempts: a recorded retry follows an error.
            let attempts = Self.strata(replayed, firstAttempts: true) { service($0.tool) == name }
            section.figures.append(bursts(attempts, family: family))
            let (dwell, note) = dwellTimes(service: name, attempts, family: family)
            section.figures.append(dwell)
            section.notes.append(note)
            report.sections.append(section)
        }

        // Per tool, in the scenario's order.
        let writes = WriteBodyMatch(scenario: scenario)
        let (bodies, baseline) = bodyComparisons(replayed, writes: writes)
        for name in usedTools {
            let strata = Self.strata(replayed) { $0.tool == name }
            let recorded = strata.recorded
            let simulated = strata.simulated
            var section = FidelityReport.Section(
                kind: .tool, name: name, recordedCalls: recorded.count, simulatedCalls: simulated.count)
            section.figures.append(latency(strata, family: family))
            section.figures += rates(strata)
            let (schema, schemaNotes) = schemaAgreement(recorded, simulated)
            section.figures.append(schema)
            section.notes += schemaNotes
            // A recorded tool's answer depends on its arguments, not on the state: its own figure.
            // A write's answer also depends on the clock: compared apart from its clock fields.
            let tool = scenario.world.tool(named: name)!
            let kind: FidelityFigure.Kind
            if case .recorded = tool.operation {
                kind = .recordedBodyAgreement
            } else {
                kind = tool.isReadOnly ? .bodyAgreement : .writeBodyAgreement
            }
            section.figures.append(
                bodyAgreement(
                    bodies.filter { $0.tool == name }, itself: baseline.filter { $0.tool == name }, kind: kind))
            if kind == .writeBodyAgreement { section.notes.append(writes.note(tool: name)) }
            report.sections.append(section)
        }
        report.holdTestedFigures()
        return report
    }

    /// The scenario's tool for a recorded tool name: the same name, else the learner's identifier
    /// for it.
    package static func scenarioTool(for recorded: String, in scenario: Scenario) -> String? {
        if scenario.world.tool(named: recorded) != nil { return recorded }
        let learned = ScenarioLearner.identifier(recorded, fallback: "tool")
        return scenario.world.tool(named: learned) != nil ? learned : nil
    }

    /// Plays `recorded` (calls of scenario tools) as one episode of seed `seed`, trial
    /// `sequence + 1`. Returns, per recorded call, its simulated call, or `nil` for a recorded
    /// retry the replay skipped because the simulated attempt before it was skipped or did not
    /// fail; and the retries it added where a simulated call failed unlike the recorded one and
    /// `policy` says the agent would have retried (`Retries.follow`).
    func replay(
        _ recorded: [RecordedCall], seed: UInt64, sequence: Int, policy: RecordedRetryPolicy
    ) -> (made: [RecordedCall?], added: [RecordedCall]) {
        var engine = EpisodeEngine(
            scenario: scenario, seed: RunPlan.worldSeed(seed: seed, trial: sequence + 1), recordsStateHashes: false,
            retention: .last(1))
        let follow = retries == .follow
        let retry = follow ? Self.retries(recorded) : recorded.map { _ in false }
        let make = { (engine: inout EpisodeEngine, call: RecordedCall, think: Double) -> RecordedCall in
            let approved: Bool? = engine.needsApproval(tool: call.tool, arguments: call.arguments) ? true : nil
            _ = engine.call(
                call.tool, arguments: call.arguments, thinkMs: Int64(think.rounded(.toNearestOrAwayFromZero)),
                approved: approved)
            return RecordedCall(step: engine.steps.last!)
        }
        var previousEnd = 0.0
        // How much earlier (negative) or later the agent would have made the calls still to come
        // than it did when recorded: the recorded time of the retries it skipped, the simulated
        // time of the retries it added (`Timing.recordedTimes`).
        var shift = 0.0
        var previous: RecordedCall?
        var run = 0
        var made: [RecordedCall?] = []
        var added: [RecordedCall] = []
        for (index, call) in recorded.enumerated() {
            if retry[index] && !(previous.map { Self.isError($0.outcome) } ?? false) {
                // The agent retried because its attempt failed; the simulated one did not.
                shift -= call.atMs + (call.latencyMs ?? 0) - previousEnd
                previousEnd = call.atMs + (call.latencyMs ?? 0)
                previous = nil
                made.append(nil)
                continue
            }
            run = retry[index] ? run + 1 : 0
            let think: Double
            switch timing {
            case .recordedTimes: think = Swift.max(0, call.atMs + shift - Double(engine.now))
            case .recordedGaps: think = Swift.max(0, call.atMs - previousEnd)
            }
            previousEnd = call.atMs + (call.latencyMs ?? 0)
            var answer = make(&engine, call, think)
            made.append(answer)
            previous = answer
            // The recording shows what the agent did after its own answer; after a different
            // simulated error it would have retried as it retried such errors elsewhere.
            guard follow, answer.outcome != call.outcome, !(index + 1 < recorded.count && retry[index + 1])
            else { continue }
            let before = engine.now
            while let gap = policy.retry(after: answer, attempt: run) {
                answer = make(&engine, call, gap)
                added.append(answer)
                run += 1
            }
            shift += Double(engine.now - before)
        }
        return (made, added)
    }

    // MARK: - Figures

    /// Whether both sides have enough observations; the reason when not.
    func tooFew(_ recorded: Int, _ simulated: Int, what: String) -> String? {
        let needed = thresholds.minimumSamples
        guard recorded < needed || simulated < needed else { return nil }
        return "too few \(what): \(recorded) recorded, \(simulated) simulated, \(needed) needed a side"
    }

    /// The share of simulated successful answers matching the schema of the recorded successful
    /// JSON bodies, and an example of a mismatch. The recorded bodies' own agreement with that
    /// schema is the baseline: a tool whose answers carry response faults (a field missing in a
    /// share of them) agrees with its schema less than always, in the recording as in a faithful
    /// simulation, so the figure fails only when the lower of the two shares is below the
    /// threshold and the sides differ by more than the rate tolerance at the interval's
    /// confidence: in the share of answers matching, or in the share of rows with one field as
    /// expected (`SchemaFieldDrift`, the more powerful test when answers depart often anyway).
    /// Both ways: fewer simulated answers match (the scenario renamed, dropped or retyped a
    /// field), or fewer recorded ones (the real system now drops a field from a share of its
    /// answers, or renames or retypes it in one row of every list, which the scenario does not
    /// do). Notes: the first simulated mismatch, and the field that differs most, if one does.
    func schemaAgreement(_ recorded: [RecordedCall], _ simulated: [RecordedCall]) -> (FidelityFigure, [String]) {
        let bodies = recorded.filter { $0.outcome == .ok }.compactMap(\.structured)
        let answers = simulated.filter { $0.outcome == .ok }
        if bodies.isEmpty {
            return (
                .notComputed(
                    .schemaAgreement, recorded: 0, simulated: answers.count,
                    reason: "no recorded successful answer has a JSON object or array body"), []
            )
        }
        if let reason = tooFew(bodies.count, answers.count, what: "successful answers") {
            return (
                .notComputed(.schemaAgreement, recorded: bodies.count, simulated: answers.count, reason: reason), []
            )
        }
        let schema = ResponseSchema(bodies: bodies)
        // As on the simulated side, an answer that is not a JSON object or array does not match.
        let recordedAnswers = recorded.filter { $0.outcome == .ok }
        let recordedMatching = recordedAnswers.filter { $0.structured.map(schema.matches) ?? false }.count
        var matching = 0
        var example: String?
        for answer in answers {
            guard let body = answer.structured else {
                if example == nil { example = "a simulated answer is not a JSON object or array" }
                continue
            }
            if let deviation = schema.deviations(of: body).first {
                if example == nil { example = "\(deviation)" }
            } else {
                matching += 1
            }
        }
        let share = Double(matching) / Double(answers.count)
        let z = ProportionDifference.normalQuantile(alpha: thresholds.alpha)
        let tolerance = thresholds.maximumErrorRateDifference
        let difference = ProportionDifference(
            recordedCount: recordedMatching, recordedTotal: recordedAnswers.count, simulatedCount: matching,
            simulatedTotal: answers.count, z: z)
        let drift = SchemaFieldDrift.largest(
            schema: schema, recorded: bodies, simulated: answers.compactMap(\.structured), z: z, tolerance: tolerance)
        let agreesWell =
            FidelityFigure.settled(Swift.min(share, difference.recordedShare))
            >= FidelityFigure.settled(thresholds.minimumSchemaAgreement)
        let figure = FidelityFigure(
            kind: .schemaAgreement, recordedCount: bodies.count, simulatedCount: answers.count,
            recordedValue: difference.recordedShare, simulatedValue: share, statistic: share,
            interval: difference.low...difference.high, limit: thresholds.minimumSchemaAgreement,
            verdict: agreesWell || (!difference.exceeds(tolerance: tolerance) && drift == nil) ? .pass : .fail)
        var notes = example.map { ["response schema: first mismatch: \($0)"] } ?? []
        if let drift { notes.append("response schema: \(drift)") }
        return (figure, notes)
    }

    /// A compared call: its tool, whether the bodies were equal, and its stratum for the
    /// baseline (`attempts`).
    struct BodyComparison {
        var tool: String
        var equal: Bool
        /// The outcome classes of this call's earlier attempts on the reference side (the
        /// recording, or the replay in its place): the calls right before it in the sequence of
        /// the same tool with the same arguments, that side made, oldest first; empty for a
        /// first attempt. The baseline is standardized to the figure's mix of these
        /// (`bodyAgreement`).
        var attempts: [OutcomeClass] = []
    }

    /// The outcome classes of the earlier attempts of the call at `index` of `calls` (the
    /// recorded sequence) as `reference` made them: the run of calls right before it in `calls`
    /// with its tool and arguments, the ones `reference` made, oldest first.
    static func attempts(before index: Int, of calls: [RecordedCall], in reference: [RecordedCall?]) -> [OutcomeClass] {
        var earlier: [OutcomeClass] = []
        var previous = index - 1
        while previous >= 0 && calls[previous].tool == calls[index].tool
            && calls[previous].arguments == calls[index].arguments
        {
            if let made = reference[previous] { earlier.append(made.outcome) }
            previous -= 1
        }
        return earlier.reversed()
    }

    /// Calls answered successfully in both the recording and a replay, whose earlier calls of
    /// world-changing tools all had the same outcome class in both, so the state (or, for a
    /// recorded tool, the arguments) determines the answer: was the body the same? For read
    /// calls (tools whose op never changes the world: get, list, and recorded, which the caller
    /// tells apart) canonical JSON when both parse, else the exact text; for a world-changing
    /// tool's calls the same except for the fields set from the clock (`writes`, the `write body`
    /// figure; the call's own outcome does not count as its history). And the baseline, the simulation
    /// against itself: the same calls compared between the replays of consecutive seeds (the last
    /// with the first) by the same rule, with the other replay in the recording's place: answered
    /// successfully in both, every earlier call of a world-changing tool with the same outcome
    /// class in both. An outcome can hide a difference of state (a timeout before or after the
    /// write committed), so replays that agree on outcomes can still disagree on bodies, as a
    /// replay can with the recording. Each comparison carries its call's earlier attempts on the
    /// reference side, so the figure can weigh the baseline to its own mix of first attempts and
    /// retries after each kind of failure (`bodyAgreement`). Response faults (a field nulled in
    /// some answers, a stale read) make a scenario disagree with itself as much as with a
    /// recording of it. A replay in the recording's place stamps clock fields at its calls' times,
    /// so its writes are matched by those (`WriteBodyMatch.matches`, `referenceIsSimulated`). No
    /// baseline with one seed.
    func bodyComparisons(
        _ replayed: [Replayed], writes: WriteBodyMatch
    ) -> (recorded: [BodyComparison], itself: [BodyComparison]) {
        // Whether the answers at `index` (made on both sides) of two sequences of the same calls
        // are the same; `simulated` when `a` is a replay too (it stamped at its calls' times).
        let same = { (a: [RecordedCall?], b: [RecordedCall?], index: Int, simulated: Bool) -> Bool in
            self.scenario.world.tool(named: a[index]!.tool)!.isReadOnly
                ? Self.sameBody(a[index]!, b[index]!) : writes.matches(a, b, at: index, referenceIsSimulated: simulated)
        }
        var comparisons: [BodyComparison] = []
        var itself: [BodyComparison] = []
        for sequence in replayed {
            let recordedCalls = sequence.recorded.map(Optional.some)
            for simulated in sequence.simulated {
                var historyAgrees = true
                // A skipped retry is not compared; the attempt before it already differed in outcome.
                for (index, (recorded, made)) in zip(sequence.recorded, simulated).enumerated() {
                    guard let answer = made else { continue }
                    if historyAgrees, recorded.outcome == .ok, answer.outcome == .ok {
                        comparisons.append(
                            BodyComparison(
                                tool: recorded.tool, equal: same(recordedCalls, simulated, index, false),
                                attempts: Self.attempts(before: index, of: sequence.recorded, in: recordedCalls)))
                    }
                    if !scenario.world.tool(named: recorded.tool)!.isReadOnly && recorded.outcome != answer.outcome {
                        historyAgrees = false
                    }
                }
            }
            guard sequence.simulated.count > 1 else { continue }
            for (seed, simulated) in sequence.simulated.enumerated() {
                let other = sequence.simulated[(seed + 1) % sequence.simulated.count]
                // The two replays' own histories must agree, as a replay's must with the recording.
                var historyAgrees = true
                for (index, (made, otherMade)) in zip(simulated, other).enumerated() {
                    guard let answer = made, let otherAnswer = otherMade else { continue }
                    if historyAgrees, answer.outcome == .ok, otherAnswer.outcome == .ok {
                        itself.append(
                            BodyComparison(
                                tool: sequence.recorded[index].tool, equal: same(simulated, other, index, true),
                                attempts: Self.attempts(before: index, of: sequence.recorded, in: simulated)))
                    }
                    if !scenario.world.tool(named: sequence.recorded[index].tool)!.isReadOnly
                        && answer.outcome != otherAnswer.outcome
                    {
                        historyAgrees = false
                    }
                }
            }
        }
        return (comparisons, itself)
    }

    /// Whether two answers' bodies are equal as canonical JSON (or as text when either is not JSON).
    static func sameBody(_ a: RecordedCall, _ b: RecordedCall) -> Bool {
        if let x = try? JSON(parsing: a.body), let y = try? JSON(parsing: b.body) {
            return x.canonicalText == y.canonicalText
        }
        return a.body == b.body
    }

    /// The exact-body figure (`bodyAgreement`, `recordedBodyAgreement` for a recorded tool,
    /// `writeBodyAgreement` for a world-changing one) of one tool's `comparisons` with the
    /// recording, against the simulation's agreement with `itself` (the baseline, see
    /// `bodyComparisons`): it fails when the share is below the threshold and, when there is a
    /// baseline of enough comparisons, also below the baseline by more than the rate tolerance at
    /// the interval's confidence.
    ///
    /// The baseline is *standardized* to the figure's mix of attempt histories
    /// (`BodyComparison.attempts`): the replays' agreement within each history (a first
    /// attempt; a retry after a timeout; …), weighted by the share of the figure's comparisons
    /// with that history. A recording of an agent is closed loop: it retries a call only after
    /// the call failed, so its compared calls include retries after failures (a timed-out write
    /// may or may not have committed, so the retry's answer differs between worlds), and never a
    /// retry after a success. Open-loop replays make every recorded retry whatever they answered
    /// before: two replays that both succeeded at the first attempt give a retry that trivially
    /// agrees (the idempotent first answer), and pairs that both failed first are rarer than a
    /// replay failing where the recording did. Pooled, the baseline would count many easy
    /// comparisons the figure cannot have and few of the hard ones it has, and a faithful scenario
    /// would fall below its own baseline (docs/learning.md "Fidelity calibration"). Histories the
    /// figure has but no pair of replays has are left out of the weights; the variance is that of
    /// a standardized share, `Σ w²·a(1 − a)/n` over the histories.
    func bodyAgreement(
        _ comparisons: [BodyComparison], itself: [BodyComparison], kind: FidelityFigure.Kind
    ) -> FidelityFigure {
        let needed = thresholds.minimumSamples
        guard comparisons.count >= needed else {
            return .notComputed(
                kind, recorded: comparisons.count, simulated: comparisons.count,
                reason:
                    "too few comparable \(kind == .writeBodyAgreement ? "write" : "read") calls: \(comparisons.count), \(needed) needed"
            )
        }
        let equalCount = comparisons.filter(\.equal).count
        let share = Double(equalCount) / Double(comparisons.count)
        // Per attempt history of the figure's comparisons (in the order first met): how many the
        // figure has, and the baseline's comparisons with that history.
        var histories: [(attempts: [OutcomeClass], figure: Int, equal: Int, total: Int)] = []
        for comparison in comparisons {
            if let at = histories.firstIndex(where: { $0.attempts == comparison.attempts }) {
                histories[at].figure += 1
            } else {
                let matching = itself.filter { $0.attempts == comparison.attempts }
                histories.append((comparison.attempts, 1, matching.filter(\.equal).count, matching.count))
            }
        }
        let covered = histories.filter { $0.total > 0 }
        let baselineCount = covered.reduce(0) { $0 + $1.total }
        var difference: ProportionDifference?
        if baselineCount >= needed {
            let weight = Double(covered.reduce(0) { $0 + $1.figure })
            var standardized = 0.0
            var variance = 0.0
            for history in covered {
                let w = Double(history.figure) / weight
                let agreement = Double(history.equal) / Double(history.total)
                standardized += w * agreement
                variance += w * w * agreement * (1 - agreement) / Double(history.total)
            }
            difference = ProportionDifference(
                recordedShare: Swift.min(1, Swift.max(0, standardized)), recordedVariance: variance,
                recordedTotal: baselineCount, simulatedCount: equalCount, simulatedTotal: comparisons.count,
                z: ProportionDifference.normalQuantile(alpha: thresholds.alpha))
        }
        let fails =
            FidelityFigure.settled(share) < FidelityFigure.settled(thresholds.minimumBodyAgreement)
            && (difference?.isBelow(by: thresholds.maximumErrorRateDifference) ?? true)
        return FidelityFigure(
            kind: kind, recordedCount: comparisons.count, simulatedCount: comparisons.count,
            recordedValue: difference?.recordedShare, simulatedValue: share, statistic: share,
            interval: difference.map { $0.low...$0.high }, limit: thresholds.minimumBodyAgreement,
            verdict: fails ? .fail : .pass)
    }
}
