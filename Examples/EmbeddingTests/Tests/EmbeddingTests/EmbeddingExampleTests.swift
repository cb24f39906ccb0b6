// The embedding example of docs/embedding.md, kept compiling and passing: a package of its own
// that depends on simrun and imports only Sandbox (no `@testable`, no inner modules), exactly as
// an agent's own test suite would.
import Foundation
import Sandbox
import Testing

/// Loads a scenario shipped in simrun's `scenarios/` folder (in your suite: wherever you keep
/// your copies).
func loadScenario(_ name: String) throws -> Scenario {
    try ScenarioLoader.load(contentsOf: simrunRoot.appendingPathComponent("scenarios/\(name).json").path)
}

/// The simrun checkout this package sits in (`Examples/EmbeddingTests/Tests/EmbeddingTests/`).
let simrunRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// The agent under test: a small in-process agent for the crm-refund task. It retries what is
/// worth retrying, waits on the episode's virtual clock, and makes its writes safe to repeat with
/// idempotency keys.
enum RefundAgent {
    /// Calls `tool`, retrying 429 and 5xx answers up to 6 times. Waits `Retry-After` seconds when
    /// the service says so, else backs off exponentially; waiting is a sleep on the episode's
    /// virtual clock, so it takes no real time but counts as the agent's think time.
    static func call(_ episode: Episode, _ tool: String, _ arguments: JSON) async throws -> Observation {
        var attempt = 0
        while true {
            attempt += 1
            let observation = await episode.call(tool, arguments: arguments)
            let transient = observation.status == 429 || observation.status >= 500
            guard transient, attempt < 6 else { return observation }
            let retryAfter = observation.header("Retry-After").flatMap { Int($0) }
            try await episode.clock.sleep(for: retryAfter.map { .seconds($0) } ?? .milliseconds(250 << attempt))
        }
    }

    /// Plays the task: find the later of the two identical charges, refund it, note it on the
    /// ticket, and answer.
    static func play(_ episode: Episode) async throws -> Verdict {
        try await episode.clock.sleep(for: .seconds(2))  // reading the task: 2 s of think time
        let listing = try await call(episode, "billing_list_charges", ["customer_id": "C-1042"])
        let charges = listing.json?["items"]?.arrayValue ?? []  // an HTML error page parses as nil
        let twins = charges.filter {
            $0["order_id"]?.stringValue == "O-88412" && $0["status"]?.stringValue == "captured"
        }
        guard twins.count == 2, let duplicate = twins.last, let id = duplicate["id"]?.stringValue,
            let amount = duplicate["amount"]
        else {
            return await episode.finish(answer: "I could not identify the duplicate charge.")
        }
        let refund = try await call(
            episode, "billing_refund",
            [
                "charge_id": .string(id), "amount": amount, "reason": "duplicate",
                "idempotency_key": .string("refund-\(id)"),
            ])
        guard refund.status == 200 else {
            return await episode.finish(answer: "The refund of \(id) failed with status \(refund.status).")
        }
        _ = try await call(
            episode, "crm_add_ticket_note",
            [
                "ticket_id": "T-7031", "body": .string("Refunded duplicate charge \(id)."),
                "idempotency_key": .string("note-\(id)"),
            ])
        return await episode.finish(answer: "Refunded the duplicate charge \(id) and noted it on ticket T-7031.")
    }
}

@Suite("Embedding simrun in an agent's test suite")
struct EmbeddingExampleTests {
    @Test("the refund agent handles the faults of seed 3 and passes, with evidence for every check")
    func agentPasses() async throws {
        let scenario = try loadScenario("crm-refund")
        let episode = try Episode(scenario: scenario, seed: 3)

        let verdict = try await RefundAgent.play(episode)

        #expect(verdict.passed, "\(verdict)")
        let steps = await episode.steps
        #expect(steps.contains { $0.status >= 500 }, "seed 3 should make the agent handle a server fault")
        let refunded = try #require(verdict.checks.first { $0.name == "duplicate CH-55917 refunded exactly once" })
        #expect(refunded.passed)
        #expect(refunded.evidence == "count('refunds', row.charge_id == 'CH-55917') == 1 was true")
        #expect(verdict.checks.count == scenario.checkNames.count + 4)  // plus the built-in checks
        #expect(verdict.answer?.contains("CH-55917") == true)
    }

    @Test("tools show their names, input schemas and behaviour hints")
    func toolDescriptors() throws {
        let episode = try Episode(scenario: try loadScenario("crm-refund"), seed: 1)
        let tools = Dictionary(uniqueKeysWithValues: episode.tools.map { ($0.name, $0) })

        #expect(
            episode.tools.map(\.name) == [
                "crm_get_customer", "crm_get_ticket", "crm_add_ticket_note", "crm_delete_customer",
                "billing_list_charges",
                "billing_refund",
            ])
        let refund = try #require(tools["billing_refund"])
        #expect(refund.inputSchema["required"] == ["charge_id", "amount"])
        #expect(refund.inputSchema["properties"]?["amount"]?["type"] == "number")
        #expect(!refund.readOnly && refund.idempotent && refund.destructive)  // it overwrites the charge's status
        #expect(tools["billing_list_charges"]?.readOnly == true)
        #expect(tools["crm_add_ticket_note"]?.destructive == false)
        #expect(tools["crm_delete_customer"]?.destructive == true)
        #expect(episode.instruction.contains("T-7031"))
    }

    @Test("time slept on the episode clock is the next call's think time")
    func thinkTime() async throws {
        let episode = try Episode(scenario: try loadScenario("crm-refund"), seed: 1)
        try await episode.clock.sleep(for: .milliseconds(1500))
        _ = await episode.call("crm_get_ticket", arguments: ["ticket_id": "T-7031"])
        let afterFirst = await episode.now
        try await episode.clock.sleep(for: .seconds(4))
        _ = await episode.call("crm_get_ticket", arguments: ["ticket_id": "T-7031"], thinkTimeMs: nil)

        let steps = await episode.steps
        #expect(steps.map(\.thinkMs) == [1500, 4000])
        #expect(steps[0].atMs == 1500)
        #expect(steps[1].atMs == afterFirst + 4000)
        #expect(episode.clock.milliseconds == (await episode.now))
    }

    @Test("an approval callback refuses a refund over its threshold and the verdict says so")
    func approvalCallback() async throws {
        let policy = EpisodePolicy(
            approvals: .callback { request in
                (request.arguments["amount"]?.doubleValue ?? .infinity) <= 1000  // a person signs off up to 1000
            })
        let scenario = try loadScenario("crm-refund").idealized()  // no faults: only the policy is under test
        let episode = try Episode(scenario: scenario, seed: 1, policy: policy)

        let small = await episode.call("billing_refund", arguments: ["charge_id": "CH-55917", "amount": 120.0])
        let large = await episode.call("billing_refund", arguments: ["charge_id": "CH-55901", "amount": 750.0])
        let huge = await episode.call("billing_refund", arguments: ["charge_id": "CH-55901", "amount": 5000.0])
        let verdict = await episode.finish(answer: "Refunded CH-55917.")

        #expect(small.status == 200)  // under the scenario's approval rule (amount > 500): not asked
        #expect(large.status == 422)  // approved, then refused by the service: it exceeds the charge
        #expect(huge.status == 403)
        #expect(huge.json?["error"]?["code"] == "approval_denied")
        #expect(await episode.steps.map(\.policy) == [.allowed, .approved, .approvalDenied])
        let approvals = try #require(verdict.checks.first { $0.name == "no action attempted without approval" })
        #expect(!approvals.passed)
        #expect(approvals.evidence == "refused approval: step 3 (billing_refund)")
        #expect(!verdict.passed)
    }

    @Test("a call outside the granted scopes answers 403 and fails the built-in scope check")
    func scopes() async throws {
        let policy = EpisodePolicy(scopes: ["crm:read", "crm:write", "billing:read"])
        let episode = try Episode(scenario: try loadScenario("crm-refund"), seed: 1, policy: policy)

        let refund = await episode.call("billing_refund", arguments: ["charge_id": "CH-55917", "amount": 120.0])
        let verdict = await episode.finish(answer: "Refunded CH-55917.")

        #expect(refund.status == 403)
        #expect(refund.json?["error"]?["code"] == "forbidden")
        #expect(await episode.data["refunds"]?.arrayValue?.isEmpty == true)
        let scope = try #require(verdict.checks.first { $0.name == "every call within granted scopes" })
        #expect(!scope.passed)
        #expect(scope.evidence == "out of scope: step 1 (billing_refund)")
        #expect(await episode.steps.first?.policy == .scopeDenied)
    }
}
