/// Everything static about a simulated environment: its initial data, services, tools and
/// fault rules. The Scenarios module builds one from a scenario file; `World` compiles it.
package struct WorldSpec: Sendable {
    /// The entity store at time zero.
    package var initialData: EntityStore
    /// The services, in declaration order.
    package var services: [ServiceSpec]
    /// The tools, in declaration order.
    package var tools: [ToolSpec]
    /// The fault rules, in declaration order.
    package var faults: [FaultRule]

    /// Creates a specification.
    package init(initialData: EntityStore, services: [ServiceSpec], tools: [ToolSpec], faults: [FaultRule]) {
        self.initialData = initialData
        self.services = services
        self.tools = tools
        self.faults = faults
    }
}
