import Sandbox
import Scenarios
import Testing
import WorldModel

@Suite("Episode reset")
struct EpisodeResetTests {
    @Test("reset starts over from time zero and replays a seed exactly")
    func resetReplaysTheSeed() throws {
        let scenario = try ScenarioLoader.load(ScenarioFixtures.document("crm-refund"), file: "crm-refund.json")
        var engine = EpisodeEngine(scenario: scenario, seed: 5)
        let calls: [(String, JSON)] = [
            ("billing_list_charges", ["customer_id": "C-1042"]),
            (
                "billing_refund",
                ["charge_id": "CH-55917", "amount": 120.0, "idempotency_key": "k", "reason": "duplicate"]
            ),
        ]
        for (tool, arguments) in calls {
            _ = engine.call(tool, arguments: arguments, thinkMs: 250, approved: Bool?.none)
        }
        let first = engine.steps
        #expect(engine.now > 0)

        engine.reset()
        #expect(engine.steps.isEmpty)
        #expect(engine.now == 0)
        #expect(engine.state == scenario.world.initialState)
        for (tool, arguments) in calls {
            _ = engine.call(tool, arguments: arguments, thinkMs: 250, approved: Bool?.none)
        }
        #expect(engine.steps == first)

        engine.reset(seed: 6)
        #expect(engine.seed == 6)
        for (tool, arguments) in calls {
            _ = engine.call(tool, arguments: arguments, thinkMs: 250, approved: Bool?.none)
        }
        #expect(engine.steps != first)
    }
}
