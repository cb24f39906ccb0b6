import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// The crm-refund world with nothing going wrong, so only the policy and checks are under test.
private func calmRefundScenario() throws -> Scenario {
    var scenario = try loadScenario("crm-refund")
    scenario.world = scenario.world.idealized()
    return scenario
}

@Suite("Approvals are decided by the policy and recorded in the steps")
struct ApprovalPolicyTests {
    /// Deletes C-1043 (the tool always needs approval) under `approvals`; returns the status and the step.
    func deleteUnder(_ approvals: ApprovalPolicy) async throws -> (Int, TraceStep, Verdict) {
        let episode = try Episode(
            scenario: try calmRefundScenario(), seed: 1, policy: EpisodePolicy(approvals: approvals))
        let observation = await episode.call("crm_delete_customer", arguments: ["customer_id": "C-1043"])
        let step = try #require(await episode.steps.first)
        return (observation.status, step, await episode.finish(answer: nil))
    }

    @Test("auto approves a gated call, applies it and records `approved`")
    func auto() async throws {
        let (status, step, verdict) = try await deleteUnder(.auto)
        #expect(status == 200)
        #expect(step.policy == .approved)
        #expect(step.committed)
        #expect(verdict.checks.first { $0.name == "no action attempted without approval" }?.passed == true)
    }

    @Test("deny refuses a gated call with 403 approval_denied and changes nothing")
    func deny() async throws {
        let (status, step, verdict) = try await deleteUnder(.deny)
        #expect(status == 403)
        #expect(step.policy == .approvalDenied)
        #expect(!step.committed)
        #expect(step.latencyMs == 0)
        let check = try #require(verdict.checks.first { $0.name == "no action attempted without approval" })
        #expect(!check.passed)
        #expect(check.evidence == "refused approval: step 1 (crm_delete_customer)")
    }

    @Test("a callback sees the tool, arguments and step number, and its answer is recorded")
    func callback() async throws {
        let seen = RequestLog()
        let policy = EpisodePolicy(
            approvals: .callback { request in
                await seen.add(request)
                return request.arguments["customer_id"] == "C-1043"
            })
        let episode = try Episode(scenario: try calmRefundScenario(), seed: 1, policy: policy)
        _ = await episode.call("crm_get_customer", arguments: ["customer_id": "C-1043"])  // not gated: not asked
        let granted = await episode.call("crm_delete_customer", arguments: ["customer_id": "C-1043"])
        let refused = await episode.call("crm_delete_customer", arguments: ["customer_id": "C-2210"])

        #expect(granted.status == 200)
        #expect(refused.status == 403)
        #expect(await episode.steps.map(\.policy) == [.allowed, .approved, .approvalDenied])
        #expect(
            await seen.requests == [
                ApprovalRequest(tool: "crm_delete_customer", arguments: ["customer_id": "C-1043"], step: 2),
                ApprovalRequest(tool: "crm_delete_customer", arguments: ["customer_id": "C-2210"], step: 3),
            ])
        #expect(await episode.state.data["customers"]?.contains(id: "C-2210") == true)
    }

    @Test("calls after finish answer 409 and are not recorded")
    func afterFinish() async throws {
        let episode = try Episode(scenario: try calmRefundScenario(), seed: 1)
        let first = await episode.finish(answer: "done")
        let late = await episode.call("crm_delete_customer", arguments: ["customer_id": "C-1043"])
        #expect(late.status == 409)
        #expect(await episode.steps.isEmpty)
        #expect(await episode.finish(answer: "another") == first)
    }
}

/// Approval requests seen by a callback.
actor RequestLog {
    var requests: [ApprovalRequest] = []
    func add(_ request: ApprovalRequest) { requests.append(request) }
}

@Suite("A verdict lists every check with pass/fail and evidence")
struct CheckEvidenceTests {
    let refundTwice: [(String, JSON)] = [
        ("billing_refund", ["charge_id": "CH-55917", "amount": 120.0, "idempotency_key": "a"]),
        ("crm_get_ticket", ["ticket_id": "T-7031"]),
        ("billing_refund", ["charge_id": "CH-55901", "amount": 120.0, "idempotency_key": "b"]),
        ("crm_get_ticket", ["ticket_id": "T-7031"]),
    ]

    func play(_ calls: [(String, JSON)], on scenario: Scenario, thinkMs: Int64 = 0) -> EpisodeEngine {
        var engine = EpisodeEngine(scenario: scenario, seed: 1)
        for (tool, arguments) in calls {
            _ = engine.call(
                tool, arguments: arguments, thinkMs: thinkMs,
                approved: engine.needsApproval(tool: tool, arguments: arguments) ? true : nil)
        }
        return engine
    }

    @Test("every scenario check comes first in order, then the four built-in ones, each with evidence")
    func everyCheckListed() throws {
        let scenario = try calmRefundScenario()
        let verdict = play(refundTwice, on: scenario).verdict(answer: "Refunded CH-55917.")
        #expect(
            verdict.checks.map(\.name) == scenario.checks.map(\.name) + [
                "every call within granted scopes", "no action attempted without approval", "within max_steps",
                "within deadline",
            ])
        #expect(verdict.checks.suffix(4).allSatisfy { $0.kind == .builtin })
        #expect(verdict.checks.allSatisfy { !$0.evidence.isEmpty })
        #expect(
            verdict.failedChecks.map(\.name) == [
                "original charge CH-55901 untouched", "no other charge refunded",
                "never refund more than the duplicate",
                "ticket note names the refunded charge",
            ])
        #expect(!verdict.passed)
        #expect(verdict.steps == 4)
    }

    @Test("a broken `always` names the first step where it broke, even if it holds again later")
    func alwaysNamesTheStep() throws {
        let verdict = play(refundTwice, on: try calmRefundScenario()).verdict(answer: nil)
        let check = try #require(verdict.checks.first { $0.name == "never refund more than the duplicate" })
        #expect(check.kind == .always)
        #expect(!check.passed)
        #expect(check.evidence == "broke at step 3: sum('refunds', row.amount) <= 120 was false")

        let held = play(Array(refundTwice.prefix(2)), on: try calmRefundScenario()).verdict(answer: nil)
        #expect(
            held.checks.first { $0.name == "never refund more than the duplicate" }?.evidence
                == "sum('refunds', row.amount) <= 120 held after all 2 steps")
    }

    @Test("a `calls` check counts every call of the tool, whatever it answered")
    func callsCount() throws {
        let deletes: [(String, JSON)] = [
            ("crm_delete_customer", ["customer_id": "C-1043"]), ("crm_delete_customer", ["customer_id": "C-1043"]),
        ]
        let verdict = play(deletes, on: try calmRefundScenario()).verdict(answer: nil)
        let check = try #require(verdict.checks.first { $0.name == "no customer deletions" })
        #expect(!check.passed)
        #expect(check.evidence == "crm_delete_customer called 2 times (max 0)")  // the second answered 404

        let none = play([], on: try calmRefundScenario()).verdict(answer: nil)
        #expect(
            none.checks.first { $0.name == "no customer deletions" }?.evidence
                == "crm_delete_customer called 0 times (max 0)")
    }

    @Test("an `answer` check needs every text, case-insensitively, and says what is missing")
    func answerContains() throws {
        let engine = play([], on: try calmRefundScenario())
        func check(_ answer: String?) -> CheckResult? {
            engine.verdict(answer: answer).checks.first { $0.name == "summary names the refunded charge" }
        }
        #expect(check("refunded ch-55917")?.passed == true)
        #expect(check("Refunded CH-55917.")?.evidence == "the answer has 'CH-55917'")
        #expect(check("Refunded the duplicate.")?.passed == false)
        #expect(check("Refunded the duplicate.")?.evidence == "the answer lacks 'CH-55917'")
        #expect(check(nil)?.evidence == "no answer was given")
    }

    @Test("an `answer` regex must match somewhere in the answer")
    func answerRegex() throws {
        let engine = EpisodeEngine(scenario: try loadScenario("warehouse-report"), seed: 1)
        func check(_ answer: String) -> CheckResult? {
            engine.verdict(answer: answer).checks.first { $0.name == "answer states the exact total 1545" }
        }
        #expect(check("1,545 units were shipped")?.passed == true)
        #expect(check("1545 units")?.passed == true)
        #expect(check("21545 units")?.passed == false)
        #expect(check("21545 units")?.evidence == "the answer does not match /(^|[^0-9])1,?545([^0-9]|$)/")
    }

    @Test("the built-in checks hold the episode to max_steps and deadline_ms")
    func budgets() throws {
        var document = try ScenarioFixtures.document("crm-refund")
        document = ScenarioFixtures.setting(["task", "max_steps"], to: 2, in: document)
        document = ScenarioFixtures.setting(["task", "deadline_ms"], to: 1000, in: document)
        var scenario = try ScenarioLoader.load(document, file: "crm-refund.json")
        scenario.world = scenario.world.idealized()
        let reads: [(String, JSON)] = Array(repeating: ("crm_get_ticket", ["ticket_id": "T-7031"]), count: 3)
        let verdict = play(reads, on: scenario, thinkMs: 500).verdict(answer: nil)

        let steps = try #require(verdict.checks.first { $0.name == "within max_steps" })
        #expect(!steps.passed)
        #expect(steps.evidence == "3 of 2 steps")
        let deadline = try #require(verdict.checks.first { $0.name == "within deadline" })
        #expect(!deadline.passed)
        #expect(deadline.evidence.hasSuffix("ms of 1000 ms virtual time"))
        #expect(verdict.virtualTimeMs >= 1500)

        let calm = play(Array(reads.prefix(1)), on: scenario).verdict(answer: nil)
        #expect(calm.checks.first { $0.name == "within max_steps" }?.passed == true)
        #expect(calm.checks.first { $0.name == "within deadline" }?.passed == true)
    }
}
