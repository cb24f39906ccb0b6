/// Everything static about a simulated environment: its initial data, services, tools and
/// fault rules. The Scenarios module builds one from a scenario file; `World` compiles it.
public struct WorldSpec: Sendable {
    /// The entity store at time zero.
    public var initialData: EntityStore
    /// The services, in declaration order.
    public var services: [ServiceSpec]
    /// The tools, in declaration order.
    public var tools: [ToolSpec]
    /// The fault rules, in declaration order.
    public var faults: [FaultRule]

    /// Creates a specification.
    public init(initialData: EntityStore, services: [ServiceSpec], tools: [ToolSpec], faults: [FaultRule]) {
        self.initialData = initialData
        self.services = services
        self.tools = tools
        self.faults = faults
    }
}
