import WorldModel

extension Scenario {
    /// The same scenario with every fault rule, service error and rate limit removed: the
    /// idealized world the reference solution is proven in, where an agent's logic can be tested
    /// apart from the chaos.
    public func idealized() -> Scenario {
        var scenario = self
        scenario.world = world.idealized()
        return scenario
    }
}
