import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

extension Tag {
    /// Tests that play hundreds of episodes (a few seconds each in a debug build).
    @Tag static var long: Self
}

/// Plays `agent` on `scenario` for `seeds` in parallel; returns the seeds whose verdict failed.
func failingSeeds(_ scenario: Scenario, agent: String, seeds: ClosedRange<UInt64>) throws -> [UInt64] {
    let plan = RunPlan(scenario: scenario, agent: try #require(ReferenceAgent(named: agent)), seeds: Array(seeds))
    return EpisodeRunner.run(plan).filter { !$0.verdict.passed }.map(\.summary.seed)
}

@Suite("Reference agents on the shipped scenarios")
struct ReferenceAgentOutcomeTests {
    @Test("there are shipped scenarios to play")
    func shipped() {
        #expect(ScenarioFixtures.shippedNames.count >= 5)
        #expect(ScenarioFixtures.shippedNames.contains("crm-refund"))
    }

    @Test(
        "robust passes every shipped scenario on seeds 1 to 100", .tags(.long), arguments: ScenarioFixtures.shippedNames
    )
    func robustPasses(_ name: String) throws {
        let failing = try failingSeeds(try loadScenario(name), agent: "robust", seeds: 1...100)
        #expect(
            failing.isEmpty,
            "robust failed \(name) on seeds \(failing); replay: simrun run scenarios/\(name).json --seed \(failing.first ?? 0)"
        )
    }

    @Test(
        "naive fails every shipped scenario on a visible share of seeds 1 to 100", .tags(.long),
        arguments: ScenarioFixtures.shippedNames)
    func naiveFails(_ name: String) throws {
        let failing = try failingSeeds(try loadScenario(name), agent: "naive", seeds: 1...100)
        #expect((10...100).contains(failing.count), "naive failed \(name) on \(failing.count) of 100 seeds")
    }

    @Test("scripted passes every shipped scenario in its idealized world", arguments: ScenarioFixtures.shippedNames)
    func scriptedPassesIdealized(_ name: String) throws {
        var scenario = try loadScenario(name)
        scenario.world = scenario.world.idealized()
        let failing = try failingSeeds(scenario, agent: "scripted", seeds: 1...10)
        #expect(failing.isEmpty, "scripted failed idealized \(name) on seeds \(failing)")
    }

    @Test("scripted stops at the first error answer in the hostile world")
    func scriptedStops() throws {
        let failing = try failingSeeds(try loadScenario("billing-outage"), agent: "scripted", seeds: 1...20)
        #expect(failing.count >= 10)
    }

    @Test("unknown agent names are not agents")
    func names() {
        #expect(ReferenceAgent.all.map(\.description) == ["robust", "naive", "scripted"])
        #expect(ReferenceAgent.all.map(\.description).allSatisfy { ReferenceAgent(named: $0)?.kind.rawValue == $0 })
        #expect(ReferenceAgent(named: "clever") == nil)
    }
}
