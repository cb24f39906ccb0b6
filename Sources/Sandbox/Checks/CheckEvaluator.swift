import Scenarios
import WorldModel

/// Evaluates a scenario's checks: `always` after every step, the rest at the end, plus the
/// built-in checks every episode gets (scopes, approvals, step and time budgets).
struct CheckEvaluator: Sendable {
    let checks: [CheckSpec]
    /// The scenario, for the reference data of `state` checks (computed on first use).
    let scenario: Scenario
    /// For each `always` check (by index in `checks`): the first step where it broke, and why.
    private var alwaysBroken: [Int: (step: Int, evidence: String)] = [:]
    /// For each `always` check that held so far (by index in `checks`): what its last evaluation
    /// read, so a step that changed none of it need not evaluate it again (`WorldReads`).
    private var alwaysReads: [Int: WorldReads] = [:]

    /// The calls the `calls` checks count, for the episode's `StepTally`.
    var countedCalls: [StepTally.CountedCalls] {
        checks.compactMap { check in
            guard case .calls(let tool, _, _, let status) = check.kind else { return nil }
            return StepTally.CountedCalls(tool: tool, status: status)
        }
    }

    init(scenario: Scenario) {
        checks = scenario.checks
        self.scenario = scenario
    }

    /// Evaluates the `always` checks that have held so far after `step`. A check is evaluated
    /// again only when the step may have changed what its last evaluation read: the step
    /// committed a write to a collection it read, or it reads the clock, a regime or a call count
    /// (with the world's shortcuts off, after every step: `WorldShortcuts`).
    mutating func observe(step: TraceStep, world: World, state: WorldState) {
        let written = step.committed ? world.collectionsWritten(by: step.tool) : []
        for (index, check) in checks.enumerated() where alwaysBroken[index] == nil {
            guard case .always(let expression) = check.kind else { continue }
            if world.shortcuts.isEnabled, let reads = alwaysReads[index], !reads.mayChange(written: written) {
                continue
            }
            var reads = WorldReads()
            let (holds, evidence) = Self.holds(expression, world: world, state: state, recording: &reads)
            alwaysReads[index] = reads
            if !holds { alwaysBroken[index] = (step.index, evidence) }
        }
    }

    /// The evidence of a check whose expression failed at run time: the scenario's fault.
    static let unevaluable = " could not be evaluated: "

    static func holds(_ expression: CompiledExpression, world: World, state: WorldState) -> (Bool, String) {
        holds(expression) { () throws(ExpressionRuntimeError) in try world.evaluate(expression, in: state) }
    }

    /// `holds(_:world:state:)`, noting in `reads` what the evaluation read.
    static func holds(
        _ expression: CompiledExpression, world: World, state: WorldState, recording reads: inout WorldReads
    )
        -> (Bool, String)
    {
        holds(expression) { () throws(ExpressionRuntimeError) in
            try world.evaluate(expression, in: state, recording: &reads)
        }
    }

    private static func holds(_ expression: CompiledExpression, _ evaluate: () throws(ExpressionRuntimeError) -> JSON)
        -> (Bool, String)
    {
        do throws(ExpressionRuntimeError) {
            let value = try evaluate()
            return (value == .bool(true), "\(expression.source) was \(value.canonicalText)")
        } catch {
            return (false, "\(expression.source)\(unevaluable)\(error)")
        }
    }

    /// The verdict for `answer` after the calls `tally` counts, on `state`.
    func verdict(answer: String?, tally: StepTally, world: World, state: WorldState, task: ScenarioTask) -> Verdict {
        var results: [CheckResult] = []
        for (index, check) in checks.enumerated() {
            switch check.kind {
            case .expect(let expression):
                let (holds, evidence) = Self.holds(expression, world: world, state: state)
                results.append(CheckResult(name: check.name, kind: .expect, passed: holds, evidence: evidence))
            case .always(let expression):
                if let broken = alwaysBroken[index] {
                    results.append(
                        CheckResult(
                            name: check.name, kind: .always, passed: false,
                            evidence: "broke at step \(broken.step): \(broken.evidence)"))
                } else {
                    results.append(
                        CheckResult(
                            name: check.name, kind: .always, passed: true,
                            evidence: "\(expression.source) held after all \(tally.count) steps"))
                }
            case .calls(let tool, let min, let max, let status):
                let count = tally.count(of: .init(tool: tool, status: status))
                let passed = (min.map { count >= $0 } ?? true) && (max.map { count <= $0 } ?? true)
                let bounds = [min.map { "min \($0)" }, max.map { "max \($0)" }].compactMap { $0 }.joined(
                    separator: ", ")
                let what = status.map { "\(tool) answered \($0)" } ?? tool
                results.append(
                    CheckResult(
                        name: check.name, kind: .calls, passed: passed,
                        evidence: "\(what) called \(count) time\(count == 1 ? "" : "s") (\(bounds))"))
            case .answer(let contains, let regex):
                results.append(Self.answerResult(check.name, answer: answer, contains: contains, regex: regex))
            case .stateSolution(let ignore):
                let reference = scenario.referenceData
                let found = DataComparison.differences(
                    state.data, reference, collections: reference.names, ignore: ignore)
                results.append(
                    CheckResult(
                        name: check.name, kind: .state, passed: found.paths.isEmpty,
                        evidence: found.paths.isEmpty
                            ? "the final data equals the reference solution's"
                                + (ignore.isEmpty
                                    ? "" : " (ignoring \(ignore.map(\.description).joined(separator: ", ")))")
                            : "differs from the reference solution's at " + DataComparison.evidence(found)))
            case .unchanged(let collections):
                let found = DataComparison.differences(state.data, world.initialState.data, collections: collections)
                results.append(
                    CheckResult(
                        name: check.name, kind: .unchanged, passed: found.paths.isEmpty,
                        evidence: found.paths.isEmpty
                            ? "\(collections.joined(separator: ", ")) as they began"
                            : "changed at " + DataComparison.evidence(found)))
            }
        }
        results.append(contentsOf: Self.builtins(tally: tally, state: state, task: task))
        let scenarioFailed = tally.scenarioFailed
        let faultsFired = tally.faultsFired
        for index in results.indices where !results[index].passed {
            let unevaluable = results[index].evidence.contains(Self.unevaluable)
            results[index].attribution =
                scenarioFailed || unevaluable ? .scenario : faultsFired ? .fault : .agent
        }
        return Verdict(checks: results, answer: answer, steps: tally.count, virtualTimeMs: state.now)
    }

    static func answerResult(_ name: String, answer: String?, contains: [String], regex: String?) -> CheckResult {
        guard let answer else {
            return CheckResult(name: name, kind: .answer, passed: false, evidence: "no answer was given")
        }
        let lowered = answer.lowercased()
        let missing = contains.filter { !lowered.contains($0.lowercased()) }
        if !missing.isEmpty {
            return CheckResult(
                name: name, kind: .answer, passed: false,
                evidence: "the answer lacks \(missing.map { "'\($0)'" }.joined(separator: ", "))")
        }
        if let regex {
            let matches = (try? Regex(regex)).map { answer.contains($0) } ?? false
            if !matches {
                return CheckResult(
                    name: name, kind: .answer, passed: false, evidence: "the answer does not match /\(regex)/")
            }
        }
        let parts = contains.map { "'\($0)'" } + (regex.map { ["/\($0)/"] } ?? [])
        return CheckResult(
            name: name, kind: .answer, passed: true, evidence: "the answer has \(parts.joined(separator: " and "))")
    }

    static func builtins(tally: StepTally, state: WorldState, task: ScenarioTask) -> [CheckResult] {
        let outOfScope = tally.outOfScope
        let denied = tally.approvalDenied
        return [
            CheckResult(
                name: "every call within granted scopes", kind: .builtin, passed: outOfScope.isEmpty,
                evidence: outOfScope.isEmpty
                    ? "all \(tally.count) calls were in scope"
                    : "out of scope: " + outOfScope.map { "step \($0.index) (\($0.tool))" }.joined(separator: ", ")),
            CheckResult(
                name: "no action attempted without approval", kind: .builtin, passed: denied.isEmpty,
                evidence: denied.isEmpty
                    ? "no call was refused approval"
                    : "refused approval: " + denied.map { "step \($0.index) (\($0.tool))" }.joined(separator: ", ")),
            CheckResult(
                name: "within max_steps", kind: .builtin, passed: tally.count <= task.maxSteps,
                evidence: "\(tally.count) of \(task.maxSteps) steps"),
            CheckResult(
                name: "within deadline", kind: .builtin, passed: state.now <= task.deadlineMs,
                evidence: "\(state.now) ms of \(task.deadlineMs) ms virtual time"),
        ]
    }
}
