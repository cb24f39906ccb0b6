import WorldModel

/// A loaded, validated scenario: the task, the compiled world, the checks that decide the
/// verdict and the reference solution.
public struct Scenario: Sendable {
    /// The scenario's short name, e.g. `crm-refund`.
    public var name: String
    /// A one-line title.
    public var title: String
    /// What the scenario is about, for people.
    public var description: String
    /// What the agent is asked to do, and its budgets.
    public var task: ScenarioTask
    /// The compiled world: data, services, tools and faults.
    package var world: World
    /// The checks that decide the verdict, in file order.
    package var checks: [CheckSpec]
    /// The reference path that passes in a fault-free world.
    package var solution: [SolutionStep]
    /// SHA-256 (hex) of the canonical form of the scenario file: the scenario's identity in traces.
    public var sha256: String
    /// The file the scenario was loaded from, if any.
    public var path: String?
    /// The scenario document as loaded, with its world file's members merged in, less its
    /// `data` (the compiled world holds the rows; keeping them twice would double a large
    /// scenario's memory).
    package var documentWithoutData: JSON
    /// The world file the scenario takes its data, services, tools and faults from, if any.
    public var worldFile: WorldFileReference?
    /// Where `world`'s fault rules came from; set by `ScenarioLoader` when it applies a
    /// `FaultSelection`, and recorded in trace headers.
    public var faultProvenance = FaultProvenance()

    /// The names of the scenario's own checks, in file order: a verdict has a result for each,
    /// after the built-in checks every episode gets.
    public var checkNames: [String] { checks.map(\.name) }

    /// The scenario document with its world file's members merged in (so it loads on its own),
    /// its `data` rebuilt from the world's initial data: O(rows) on every read, for tools and
    /// benchmarks that derive scenarios from this one, never for an episode.
    package var document: JSON {
        guard case .object(var root) = documentWithoutData else { return documentWithoutData }
        if root["data"] == nil, !world.spec.initialData.collections.isEmpty {
            root["data"] = world.spec.initialData.json
        }
        return .object(root)
    }

    /// The data the reference solution reaches in the idealized world, once computed.
    package var referenceOutcome = ReferenceOutcome()
}

/// What the agent is asked to do, with its step and virtual-time budgets.
public struct ScenarioTask: Sendable, Hashable {
    /// The instruction given to the agent.
    public var instruction: String
    /// The most tool calls an episode may make; more fails the built-in budget check.
    public var maxSteps: Int
    /// The virtual-time budget in milliseconds.
    public var deadlineMs: Int64

    /// Creates a task.
    public init(instruction: String, maxSteps: Int = 50, deadlineMs: Int64 = 600_000) {
        self.instruction = instruction
        self.maxSteps = maxSteps
        self.deadlineMs = deadlineMs
    }
}

/// The world file a scenario uses (`"world": "retail-world.json"`), identified by content.
public struct WorldFileReference: Sendable, Hashable {
    /// The path as resolved against the scenario file's directory.
    public var path: String
    /// SHA-256 (hex) of the world file's canonical JSON.
    public var sha256: String

    /// Creates a reference.
    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}
