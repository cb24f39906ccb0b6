/// What an episode's checks need from its calls, kept as totals instead of the calls themselves.
///
/// The verdict reads the number of calls, how many calls of a tool answered which status (for
/// `calls` checks), which calls the policy refused (the built-in scope and approval checks name
/// them), and whether any call hit a scenario error or a fault (the attribution of a failed
/// check). An episode keeps this tally whatever it keeps of its steps (`StepRetention`), so a
/// long episode that keeps no steps still gets the same verdict. It grows only with the calls
/// the policy refused, which the verdict's evidence lists one by one.
package struct StepTally: Sendable, Hashable {
    /// A call's tool and the status it answered.
    private struct ToolStatus: Hashable, Sendable {
        var tool: String
        var status: Int
    }

    /// A call the policy refused: its 1-based index and its tool.
    package struct RefusedCall: Sendable, Hashable {
        /// The 1-based step.
        package var index: Int
        /// The tool as the agent named it.
        package var tool: String
    }

    /// Calls so far.
    package private(set) var count = 0
    /// Calls per tool and status (only looked up, never iterated).
    private var calls: [ToolStatus: Int] = [:]
    /// Calls per tool, whatever they answered (only looked up, never iterated).
    private var callsPerTool: [String: Int] = [:]
    /// Calls refused because their tool's scope was not granted, in order.
    package private(set) var outOfScope: [RefusedCall] = []
    /// Calls refused approval, in order.
    package private(set) var approvalDenied: [RefusedCall] = []
    /// Whether a call answered 500 `scenario_error` (`TraceStep.scenarioError`).
    package private(set) var scenarioFailed = false
    /// Whether a fault shaped any response.
    package private(set) var faultsFired = false

    /// An empty tally.
    package init() {}

    /// Counts `step`, the next call of the episode.
    package mutating func record(_ step: TraceStep) {
        count += 1
        calls[ToolStatus(tool: step.tool, status: step.status), default: 0] += 1
        callsPerTool[step.tool, default: 0] += 1
        switch step.policy {
        case .scopeDenied: outOfScope.append(RefusedCall(index: step.index, tool: step.tool))
        case .approvalDenied: approvalDenied.append(RefusedCall(index: step.index, tool: step.tool))
        case .allowed, .approved: break
        }
        if step.scenarioError { scenarioFailed = true }
        if !step.faults.isEmpty { faultsFired = true }
    }

    /// Calls of `tool` that answered `status`.
    package func calls(of tool: String, status: Int) -> Int {
        calls[ToolStatus(tool: tool, status: status)] ?? 0
    }

    /// Calls of `tool`, whatever they answered.
    package func calls(of tool: String) -> Int {
        callsPerTool[tool] ?? 0
    }

    /// The tally of `steps`, counted in order.
    package init(_ steps: some Sequence<TraceStep>) {
        for step in steps { record(step) }
    }
}
