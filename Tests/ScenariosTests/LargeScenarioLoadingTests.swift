import Foundation
import Testing

@testable import Scenarios
@testable import WorldModel

/// Loading a scenario with enough rows to take the concurrent path (`ScenarioLoader.concurrentLoadRows`):
/// the same identity, world and errors as the one-thread path gives.
@Suite("Loading a large scenario")
struct LargeScenarioLoadingTests {
    /// crm-refund with `count` more charges (`CH-L-0`, …), as a parsed document.
    static func document(extraCharges count: Int) throws -> JSON {
        let document = try ScenarioFixtures.document()
        var charges = document["data"]?["charges"]?.arrayValue ?? []
        for index in 0..<count {
            charges.append([
                "id": .string("CH-L-\(index)"), "order_id": .string("O-L-\(index)"), "customer_id": "C-1042",
                "amount": .int(index % 300 + 1), "currency": "USD", "status": "captured",
            ])
        }
        return document.with("/data/charges", .array(charges))
    }

    @Test("a large scenario's identity, rows and digests are those computed on one thread")
    func concurrentLoadIsTheSequentialOne() throws {
        let document = try Self.document(extraCharges: ScenarioLoader.concurrentLoadRows)
        let scenario = try ScenarioLoader.load(document, file: "large.json")
        #expect(scenario.sha256 == SHA256.hexDigest(document.canonicalBytes))
        let rows = try #require(document["data"]?["charges"]?.arrayValue).compactMap(\.objectValue)
        let charges = try #require(scenario.world.spec.initialData["charges"])
        let sequential = try EntityCollection(name: "charges", rows: rows, concurrently: nil)
        #expect(charges.digest == sequential.digest)
        #expect(charges.digest == charges.digestFromScratch)
        #expect(Array(charges.rows) == rows)
        // Loading twice gives the same scenario, byte for byte where it shows.
        let again = try ScenarioLoader.load(document, file: "large.json")
        #expect(again.sha256 == scenario.sha256)
        #expect(again.world.initialState.stateHash == scenario.world.initialState.stateHash)
        #expect(scenario.world.initialState.stateHash == scenario.world.initialState.stateHashFromScratch)
    }

    @Test("a large scenario's mistakes are reported as a small one's are, data and elsewhere alike")
    func concurrentLoadReportsTheSameIssues() throws {
        let document = try Self.document(extraCharges: ScenarioLoader.concurrentLoadRows)
            .with("/data/charges/5000/id", "CH-L-7").with("/task/max_steps", "many")
        let issues = ScenarioFixtures.issues(document, file: "large.json")
        #expect(
            issues == [
                "large.json: task.max_steps: expected a whole number, found string \"many\"",
                "large.json: data.charges[5000].id: duplicate id 'CH-L-7' in charges",
            ], "\(issues)")
    }
}
