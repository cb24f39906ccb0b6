import Foundation
import Sandbox
import Testing
import WorldModel

@Suite("The states a replay shows, re-run on demand")
struct ReplayStatesTests {
    /// A traced crm-refund episode with reads, a refund, a note and a refused call; its trace,
    /// and the data after every step (index 0: before the first).
    func recorded() async throws -> (trace: Trace, path: String, data: [JSON]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simrun-replay-states-\(UUID().uuidString)")
        let path = directory.appendingPathComponent("episode.jsonl").path
        let episode = try Episode(
            scenario: try loadScenario("crm-refund"), seed: 4, policy: EpisodePolicy(approvals: .deny),
            tracePath: path)
        var data = [await episode.data]
        let calls: [(String, JSON)] = [
            ("crm_get_ticket", ["ticket_id": "T-7031"]),
            ("billing_list_charges", ["customer_id": "C-1042"]),
            ("billing_refund", ["charge_id": "CH-55917", "amount": 120, "reason": "duplicate"]),
            ("crm_delete_customer", ["customer_id": "C-1042"]),
            ("crm_add_ticket_note", ["ticket_id": "T-7031", "body": "Refunded CH-55917."]),
            ("crm_add_ticket_note", ["ticket_id": "T-7031", "body": "Closing."]),
        ]
        for (tool, arguments) in calls {
            _ = await episode.call(tool, arguments: arguments, thinkTimeMs: 500)
            data.append(await episode.data)
        }
        await episode.finish(answer: "Refunded CH-55917.")
        return (try Trace(contentsOfFile: path), path, data)
    }

    @Test("data(afterStep:) is the episode's data after that step, for every step, and nil past the end")
    func dataAfterEveryStep() async throws {
        let (trace, path, data) = try await recorded()
        defer {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
        let report = try Replayer.replay(trace, scenarioPath: "scenarios/crm-refund.json")
        #expect(report.result == .identical)
        #expect(report.stateCount == data.count)
        for (step, expected) in data.enumerated() {
            #expect(report.data(afterStep: step) == expected, "step \(step)")
        }
        #expect(report.data(afterStep: data.count) == nil)
        #expect(report.data(afterStep: -1) == nil)
        #expect(report.steps.allSatisfy { $0.replayed == $0.recorded })
    }

    @Test("the timeline shows each committed step's changes, computed in one re-run")
    func timelineShowsChanges() async throws {
        let (trace, path, _) = try await recorded()
        defer {
            try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        }
        let report = try Replayer.replay(trace, scenarioPath: "scenarios/crm-refund.json")
        let text = ReplayTimeline.text(report, trace: trace, symbols: .ascii)
        let committed = trace.steps.filter(\.committed).count
        #expect(committed >= 2)
        #expect(text.contains(#"~ charges CH-55917 status: "captured" → "refunded""#) == trace.steps[2].committed)
        let notes = trace.steps.filter { $0.committed && $0.tool == "crm_add_ticket_note" }.count
        #expect(text.components(separatedBy: "    + ticket_notes ").count - 1 == notes)
        #expect(text == ReplayTimeline.text(report, trace: trace, symbols: .ascii), "the same text every time")
    }
}
