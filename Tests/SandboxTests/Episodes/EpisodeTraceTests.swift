import Foundation
import Sandbox
import Testing
import WorldModel

@Suite("An episode's trace file")
struct EpisodeTraceTests {
    func temporaryTracePath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("simrun-episode-\(UUID().uuidString)/episode.jsonl").path
    }

    func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("reads back step for step as the episode runs, and ends with the verdict after finish")
    func readsBack() async throws {
        let path = temporaryTracePath()
        let scenario = try loadScenario("crm-refund")
        let episode = try Episode(scenario: scenario, seed: 3, tracePath: path)

        let opened = try Trace(contentsOfFile: path)
        #expect(opened.steps.isEmpty)
        #expect(opened.verdict == nil)
        #expect(opened.header.seed == 3)
        #expect(opened.header.agent == .embedded)
        #expect(opened.header.scenario.sha256 == scenario.sha256)

        _ = await episode.call("crm_get_ticket", arguments: ["ticket_id": "T-7031"])
        try await episode.clock.sleep(for: .seconds(1))
        _ = await episode.call("billing_list_charges", arguments: ["customer_id": "C-1042"])
        // The amount is a string, so the call answers 400.
        _ = await episode.call("billing_refund", arguments: ["charge_id": "CH-55917", "amount": "120"])

        // Not finished: the file is a valid trace of the steps so far, with no verdict.
        let partial = try Trace(contentsOfFile: path)
        let steps = await episode.steps
        #expect(partial.steps == steps)
        #expect(partial.steps.map(\.index) == [1, 2, 3])
        #expect(partial.steps[1].thinkMs == 1000)
        #expect(partial.steps[2].status == 400)
        #expect(partial.steps.allSatisfy { $0.stateHash.count == 64 })
        #expect(partial.verdict == nil)
        let prefix = try bytes(path)

        let verdict = await episode.finish(answer: "nothing refunded")
        let finished = try Trace(contentsOfFile: path)
        #expect(finished.steps == steps)
        #expect(finished.verdict == verdict)
        let whole = try bytes(path)
        #expect(Array(whole.prefix(prefix.count)) == prefix, "the unfinished file is a prefix of the finished one")
        #expect(whole == finished.bytes)
    }

    @Test("a trace cut inside its last line reads as the intact steps when the tail may be cut")
    func cutTail() async throws {
        let path = temporaryTracePath()
        let episode = try Episode(scenario: try loadScenario("crm-refund"), seed: 1, tracePath: path)
        _ = await episode.call("crm_get_ticket", arguments: ["ticket_id": "T-7031"])
        _ = await episode.call("crm_get_customer", arguments: ["customer_id": "C-1042"])
        let full = try bytes(path)
        try Data(full.dropLast(20)).write(to: URL(fileURLWithPath: path))

        #expect(throws: TraceReadError.self) { try Trace(contentsOfFile: path) }
        let salvaged = try Trace(contentsOfFile: path, allowingTruncatedTail: true)
        #expect(salvaged.steps == Array(await episode.steps.prefix(1)))
    }

    @Test("an unwritable trace path fails to open the episode with a readable error")
    func unwritable() throws {
        let file = temporaryTracePath()
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: EpisodeError.self) {
            try Episode(scenario: try loadScenario("crm-refund"), seed: 1, tracePath: file + "/inside-a-file.jsonl")
        }
        #expect(error?.description.hasPrefix("cannot write the trace") == true)
    }
}
