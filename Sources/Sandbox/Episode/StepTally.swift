/// What an episode's checks need from its calls, kept as totals instead of the calls themselves.
///
/// The verdict reads the number of calls, how many calls of a tool answered which status (for
/// `calls` checks), which calls the policy refused (the built-in scope and approval checks name
/// them), and whether any call hit a scenario error or a fault (the attribution of a failed
/// check). An episode keeps this tally whatever it keeps of its steps (`StepRetention`), so a
/// long episode that keeps no steps still gets the same verdict. It grows only with the calls
/// the policy refused, which the verdict's evidence lists one by one.
package struct StepTally: Sendable, Hashable {
    /// Calls a `calls` check counts: those of `tool`, answering `status` (any when `nil`).
    package struct CountedCalls: Sendable, Hashable {
        /// The tool counted.
        package var tool: String
        /// The status counted, or `nil` for every status.
        package var status: Int?

        /// The calls of `tool` answering `status` (any when `nil`).
        package init(tool: String, status: Int?) {
            self.tool = tool
            self.status = status
        }
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
    /// What the scenario's `calls` checks count, and how many calls each has seen so far: a
    /// few comparisons per call instead of a table of every tool and status.
    private let counted: [CountedCalls]
    private var counts: [Int]
    /// Calls refused because their tool's scope was not granted, in order.
    package private(set) var outOfScope: [RefusedCall] = []
    /// Calls refused approval, in order.
    package private(set) var approvalDenied: [RefusedCall] = []
    /// Whether a call answered 500 `scenario_error` (`TraceStep.scenarioError`).
    package private(set) var scenarioFailed = false
    /// Whether a fault shaped any response.
    package private(set) var faultsFired = false

    /// An empty tally that counts, besides its totals, the calls in `counted`.
    package init(counting counted: [CountedCalls] = []) {
        self.counted = counted
        counts = Array(repeating: 0, count: counted.count)
    }

    /// Counts `step`, the next call of the episode.
    package mutating func record(_ step: TraceStep) {
        count += 1
        for index in counted.indices
        where counted[index].tool == step.tool && (counted[index].status ?? step.status) == step.status {
            counts[index] += 1
        }
        switch step.policy {
        case .scopeDenied: outOfScope.append(RefusedCall(index: step.index, tool: step.tool))
        case .approvalDenied: approvalDenied.append(RefusedCall(index: step.index, tool: step.tool))
        case .allowed, .approved: break
        }
        if step.scenarioError { scenarioFailed = true }
        if !step.faults.isEmpty { faultsFired = true }
    }

    /// How many calls `calls` matched so far; `calls` must be one of those this tally counts.
    package func count(of calls: CountedCalls) -> Int {
        guard let index = counted.firstIndex(of: calls) else {
            preconditionFailure("the tally does not count \(calls.tool) calls answering \(calls.status as Any)")
        }
        return counts[index]
    }

    /// The tally of `steps`, counted in order, counting the calls in `counted`.
    package init(_ steps: some Sequence<TraceStep>, counting counted: [CountedCalls] = []) {
        self.init(counting: counted)
        for step in steps { record(step) }
    }
}
