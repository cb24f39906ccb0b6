import Foundation
import Sandbox
import Testing

@testable import WorldModel

/// Virtual time runs from 0 to 2^62 ms: a live think time past the limit is cut to reach it (and
/// recorded as cut), a recorded one that the clock cannot take is refused by replay.
@Suite("Think time at the virtual clock's limit")
struct ThinkTimeBoundTests {
    static let limit = WorldState.maximumNowMs

    @Test("Episode.call(thinkTimeMs: .max) cuts the think time to the clock's limit instead of trapping")
    func episodeCallAtMaximum() async throws {
        let episode = try Episode(scenario: try loadScenario("crm-refund"), seed: 1)
        _ = await episode.call("crm_get_customer", arguments: ["id": "C-1042"], thinkTimeMs: 5)
        let before = await episode.now
        _ = await episode.call("crm_get_customer", arguments: ["id": "C-1042"], thinkTimeMs: .max)
        let steps = await episode.steps
        #expect(steps[1].thinkMs == Self.limit - before)
        #expect(steps[1].atMs == Self.limit)
        #expect(await episode.now == Self.limit)
        _ = await episode.call("crm_get_customer", arguments: ["id": "C-1042"], thinkTimeMs: .max)
        #expect(await episode.steps[2].thinkMs == 0)
        let verdict = await episode.finish(answer: nil, thinkTimeMs: .max)
        #expect(verdict.virtualTimeMs == Self.limit)
    }

    @Test("replay refuses a recorded think time that would pass the limit, naming the line and field")
    func replayPastTheLimit() throws {
        let path = ScenarioFixtures.root.appendingPathComponent("scenarios/crm-refund.json").path
        let scenario = try ScenarioLoader.load(contentsOf: path)
        var engine = EpisodeEngine(scenario: scenario, seed: RunPlan.worldSeed(seed: 1, trial: 1))
        _ = engine.call("crm_get_customer", arguments: ["id": "C-1042"], thinkMs: Self.limit - 10, approved: nil)
        _ = engine.call("crm_get_customer", arguments: ["id": "C-1042"], thinkMs: 1, approved: nil)
        var steps = engine.steps
        // Within the bound on its own, but not after step 1.
        steps[1].thinkMs = 1 << 40
        let header = TraceHeader(
            scenario: scenario, seed: 1, agent: .embedded, trial: 1, policy: .permissive, thinkTime: .explicit)
        let trace = Trace(header: header, steps: steps)
        #expect(throws: ReplayError.self) { try Replayer.replay(trace) }
        do {
            _ = try Replayer.replay(trace)
        } catch {
            #expect(
                "\(error)".hasPrefix(
                    "line 3: step.think_ms: think time of 1099511627776 ms at virtual time 46116860184273"),
                "\(error)")
        }
    }
}
