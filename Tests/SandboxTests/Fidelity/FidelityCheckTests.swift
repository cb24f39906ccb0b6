import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// `FidelityCheck` has power: a scenario passes against its own traces from other seeds, and
/// fails against them once its latency is doubled or its error rate raised by 0.1.
@Suite("fidelity: replaying recorded traffic against a scenario")
struct FidelityCheckTests {
    /// The traffic of `episodes` robust-agent episodes of `scenario` from seed `first` on: one
    /// sequence per episode, read exactly as a trace file of it would be.
    static func robustTraffic(_ scenario: Scenario, episodes: Int, from first: UInt64 = 1001) -> [RecordedTraffic] {
        (0..<UInt64(episodes)).map { offset in
            var engine = EpisodeEngine(scenario: scenario, seed: first + offset, recordsStateHashes: false)
            _ = ReferenceAgent.robust.play(&engine)
            return RecordedTraffic(
                source: "seed-\(first + offset)", kind: .trace, tools: [],
                services: [RecordedService(name: scenario.name, calls: engine.steps.map { RecordedCall(step: $0) })])
        }
    }

    /// billing-outage's recorded traffic (80 episodes, about 950 calls), shared by the tests.
    static let billing: (scenario: Scenario, traffic: [RecordedTraffic]) = {
        let scenario = try! loadScenario("billing-outage")
        return (scenario, robustTraffic(scenario, episodes: 80))
    }()

    /// billing-outage with `change` applied to every regime of its billing service.
    static func billingVariant(_ change: (String, JSONObject) -> JSONObject) throws -> Scenario {
        let document = try ScenarioFixtures.document("billing-outage")
        guard case .object(let regimes)? = document["services"]?["billing"]?["regimes"] else {
            Issue.record("billing-outage has no services.billing.regimes")
            return try loadScenario("billing-outage")
        }
        var changed = JSONObject()
        for (name, regime) in regimes.members { changed[name] = .object(change(name, regime.objectValue ?? [:])) }
        let variant = ScenarioFixtures.setting(["services", "billing", "regimes"], to: .object(changed), in: document)
        return try ScenarioLoader.load(variant, file: "billing-variant.json")
    }

    func check(_ scenario: Scenario, seeds: Int = 5) throws -> FidelityReport {
        try FidelityCheck(scenario: scenario, seeds: Array(1...UInt64(seeds))).check(Self.billing.traffic)
    }

    @Test("billing-outage passes against its own traces from other seeds")
    func passesAgainstItself() throws {
        let report = try check(Self.billing.scenario)
        #expect(report.passed, "\(report.text)")
        #expect(report.sequences == 80)
        #expect(report.simulatedCalls == 5 * report.recordedCalls)
        let service = try #require(report.sections.first { $0.kind == .service && $0.name == "billing" })
        // Every figure of the service is computed: the traffic is large enough for all of them.
        #expect(service.figures.allSatisfy { $0.verdict == .pass }, "\(report.text)")
        #expect(service.figures.map(\.kind.name).contains("regime dwell"))
        let list = try #require(report.sections.first { $0.name == "billing_list_credit_requests" })
        let body = try #require(list.figures.first { $0.kind == .bodyAgreement })
        #expect(body.verdict == .pass && body.statistic == 1, "reads answer from the same state")
    }

    @Test("latency doubled fails on latency")
    func latencyDoubledFails() throws {
        let slow = try Self.billingVariant { _, regime in
            var regime = regime
            guard case .object(var latency)? = regime["latency"] else { return regime }
            for (key, value) in latency.members where key.hasSuffix("_ms") {
                latency[key] = .double(2 * (value.numberValue?.doubleValue ?? 0))
            }
            regime["latency"] = .object(latency)
            return regime
        }
        let report = try check(slow)
        #expect(!report.passed)
        #expect(report.failures.contains("service billing: latency"), "\(report.failures)")
        let service = try #require(report.sections.first { $0.kind == .service })
        let latency = try #require(service.figures.first { $0.kind == .latency })
        #expect((latency.simulatedValue ?? 0) > 1.6 * (latency.recordedValue ?? 0))
    }

    @Test("server errors raised by 0.1 in every regime fail on the server-error rate")
    func errorRateRaisedFails() throws {
        let failing = try Self.billingVariant { _, regime in
            var regime = regime
            var errors = regime["errors"]?.objectValue ?? [:]
            errors["server_error"] = .double((errors["server_error"]?.numberValue?.doubleValue ?? 0) + 0.1)
            regime["errors"] = .object(errors)
            return regime
        }
        let report = try check(failing)
        #expect(!report.passed)
        #expect(report.failures.contains("service billing: rate server_error"), "\(report.failures)")
        let service = try #require(report.sections.first { $0.kind == .service })
        let rate = try #require(service.figures.first { $0.kind == .rate(.serverError) })
        #expect((rate.statistic ?? 0) > 0.05, "\(report.text)")
        #expect((rate.interval?.lowerBound ?? 0) > FidelityThresholds().maximumErrorRateDifference)
    }

    @Test("the same traffic and seeds give byte-identical reports")
    func deterministic() throws {
        let traffic = Array(Self.billing.traffic.prefix(10))
        let check = FidelityCheck(scenario: Self.billing.scenario, seeds: [3, 4])
        let first = try check.check(traffic)
        let second = try check.check(traffic)
        #expect(first.json.prettyText == second.json.prettyText)
        #expect(first.text == second.text)
    }

    @Test("recorded tools match the scenario's by the learner's names; unknown tools are a note")
    func toolMatching() throws {
        let scenario = Self.billing.scenario
        var calls = Self.billing.traffic[0].services[0].calls
        for index in calls.indices where calls[index].tool == "billing_list_credit_requests" {
            calls[index].tool = "Billing.List-Credit Requests"
        }
        calls.append(
            RecordedCall(
                atMs: 99_999, tool: "slack_post", arguments: [:], outcome: .ok, status: 200, latencyMs: 10, body: "{}"))
        let traffic = [
            RecordedTraffic(
                source: "renamed", kind: .recording, tools: [], services: [RecordedService(name: "x", calls: calls)])
        ]
        let report = try FidelityCheck(scenario: scenario, seeds: [1]).check(traffic)
        #expect(report.sections.contains { $0.name == "billing_list_credit_requests" })
        #expect(report.notes.contains { $0.contains("slack_post") && $0.contains("1 recorded calls left out") })
        #expect(report.recordedCalls == calls.count - 1)
    }

    @Test("too few calls: figures are not computed and do not fail the check")
    func tooFewCalls() throws {
        let traffic = [Self.billing.traffic[0]]
        let report = try FidelityCheck(scenario: Self.billing.scenario, seeds: [1]).check(traffic)
        #expect(report.passed)
        #expect(report.notComputed > 0)
        #expect(report.text.contains("n/a: too few"))
        let figures = report.sections.flatMap(\.figures)
        #expect(figures.allSatisfy { if case .notComputed = $0.verdict { true } else { false } })
    }

    @Test("no calls, or no call of a scenario tool, is an error that says so")
    func badTraffic() {
        let scenario = Self.billing.scenario
        let empty = RecordedTraffic(source: "empty.jsonl", kind: .recording, tools: [], services: [])
        #expect(throws: FidelityCheck.Failure.noCalls(sources: ["empty.jsonl"])) {
            try FidelityCheck(scenario: scenario, seeds: [1]).check([empty])
        }
        let other = RecordedTraffic(
            source: "git.jsonl", kind: .recording, tools: [],
            services: [
                RecordedService(
                    name: "git",
                    calls: [
                        RecordedCall(
                            atMs: 0, tool: "git_status", arguments: [:], outcome: .ok, status: nil, latencyMs: 3,
                            body: "clean")
                    ])
            ])
        do {
            _ = try FidelityCheck(scenario: scenario, seeds: [1]).check([other])
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("no recorded call is of a tool of scenario 'billing-outage'"))
            #expect("\(error)".contains("git_status"))
        }
    }
}

@Suite("fidelity statistics")
struct FidelityStatisticsTests {
    @Test("two-sample KS: the largest gap between the empirical distributions, ties stepped together")
    func twoSampleKS() {
        #expect(TwoSampleKS.statistic([1, 2, 3], [3, 2, 1]) == 0)
        #expect(TwoSampleKS.statistic([1, 2, 3], [4, 5, 6]) == 1)
        #expect(TwoSampleKS.statistic([1, 2, 3, 4], [3, 4, 5, 6]) == 0.5)
        #expect(TwoSampleKS.statistic([1, 1, 1, 2], [1, 2, 2, 2]) == 0.5)
        #expect(abs(TwoSampleKS.coefficient(alpha: 0.05) - 1.358) < 0.001)
        #expect(abs(TwoSampleKS.critical(n: 100, m: 100, alpha: 0.05) - 1.3581 * 0.02.squareRoot()) < 1e-4)
    }

    @Test("a difference of proportions with its normal-approximation interval")
    func proportions() {
        let z = ProportionDifference.normalQuantile(alpha: 0.05)
        #expect(abs(z - 1.959964) < 1e-5)
        let d = ProportionDifference(
            recordedCount: 10, recordedTotal: 100, simulatedCount: 20, simulatedTotal: 100, z: z)
        #expect(abs(d.difference - 0.1) < 1e-12)
        #expect(abs(d.high - d.difference - z * 0.05) < 1e-12)
        #expect(d.exceeds(tolerance: 0) && !d.exceeds(tolerance: 0.01))
        let same = ProportionDifference(recordedCount: 0, recordedTotal: 5, simulatedCount: 0, simulatedTotal: 9, z: z)
        #expect(same.difference == 0 && same.low == 0 && same.high == 0 && !same.exceeds(tolerance: 0))
    }
}
