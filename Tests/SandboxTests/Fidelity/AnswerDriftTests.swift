import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// A drift in what a tool answers fails `simrun fidelity` although the schema and body figures
/// have baselines (docs/learning.md "Why the two agreements have baselines"): a field renamed in
/// every answer, missing from 30 % of them, or of another type fails `response schema`, whether
/// the scenario drifted from the recording or the recording (the real system) from the scenario;
/// a changed row fails `exact body`. On crm-refund: for tools without response faults
/// (`crm_get_ticket`, `billing_list_charges`) and for one with them as shipped
/// (`crm_get_customer`: `email` missing from half its answers, `phone` null in 30 %), where the
/// baseline path is the one exercised.
@Suite("fidelity: drift in the answers' shape or content fails")
struct AnswerDriftTests {
    /// crm-refund's recorded traffic: 150 robust-agent episodes (about 160 `crm_get_customer` calls).
    static let crm: (scenario: Scenario, traffic: [RecordedTraffic]) = {
        let scenario = try! loadScenario("crm-refund")
        return (scenario, FidelityCheckTests.robustTraffic(scenario, episodes: 150))
    }()

    /// A fault rule drifting `field` of `tool`'s answers: `kind` with share `p`.
    static func drift(_ tool: String, _ kind: String, _ field: String, p: Double) -> JSON {
        var rule: JSONObject = [
            "id": .string("drift-\(kind)"), "tool": .string(tool), "kind": .string(kind), "field": .string(field),
            "p": .double(p),
        ]
        if kind == "renamed_field" { rule["to"] = .string(field + "_v2") }
        return .object(rule)
    }

    /// The shipped scenario `name` with `faults` added to its own.
    static func variant(_ name: String, adding faults: [JSON]) throws -> Scenario {
        let document = try ScenarioFixtures.document(name)
        let all = (document["faults"]?.arrayValue ?? []) + faults
        return try ScenarioLoader.load(
            ScenarioFixtures.setting(["faults"], to: .array(all), in: document), file: "\(name)-drift.json")
    }

    /// `document` with the member `field` of the row `id` of `collection` set to `value`.
    static func changing(_ field: String, of id: String, in collection: String, to value: JSON, _ document: JSON)
        -> JSON
    {
        let rows = (document["data"]?[collection]?.arrayValue ?? []).map { row -> JSON in
            guard case .object(var object) = row, object["id"] == .string(id) else { return row }
            object[field] = value
            return .object(object)
        }
        return ScenarioFixtures.setting(["data", collection], to: .array(rows), in: document)
    }

    /// The figure `kind` of `tool` in `report`.
    static func figure(_ kind: FidelityFigure.Kind, of tool: String, in report: FidelityReport) -> FidelityFigure? {
        report.sections.first { $0.kind == .tool && $0.name == tool }?.figures.first { $0.kind == kind }
    }

    /// The three drifts, one per tool of crm-refund so one check shows each: `tier` renamed in
    /// every answer of `crm_get_customer` (response faults as shipped: the baseline path), the
    /// tickets' `priority` missing from 30 % of `crm_get_ticket`'s answers, and a charge's
    /// `amount` of another type in every `billing_list_charges` answer (one row of each list).
    static let drifts = [
        drift("crm_get_customer", "renamed_field", "tier", p: 1),
        drift("crm_get_ticket", "missing_field", "priority", p: 0.3),
        drift("billing_list_charges", "wrong_type", "amount", p: 1),
    ]
    static let driftedTools = ["crm_get_customer", "crm_get_ticket", "billing_list_charges"]

    @Test("crm-refund against its own traces: every schema and body figure passes, the faulty tool on its baselines")
    func original() throws {
        let report = try FidelityCheck(scenario: Self.crm.scenario, seeds: [1, 2, 3]).check(Self.crm.traffic)
        for tool in Self.driftedTools {
            #expect(Self.figure(.schemaAgreement, of: tool, in: report)?.verdict == .pass, "\(report.text)")
            #expect(Self.figure(.bodyAgreement, of: tool, in: report)?.verdict == .pass, "\(report.text)")
        }
        // The baseline path: crm_get_customer's answers agree with their schema, and with the
        // scenario's other answers, far less than the thresholds on both sides.
        let schema = try #require(Self.figure(.schemaAgreement, of: "crm_get_customer", in: report))
        #expect((schema.recordedValue ?? 1) < 0.9 && (schema.simulatedValue ?? 1) < 0.9, "\(report.text)")
        let body = try #require(Self.figure(.bodyAgreement, of: "crm_get_customer", in: report))
        #expect((body.statistic ?? 1) < 0.5 && (body.recordedValue ?? 1) < 0.5, "\(report.text)")
    }

    @Test("a scenario renaming, dropping (30 %) or retyping a field fails response schema")
    func scenarioDrift() throws {
        let scenario = try Self.variant("crm-refund", adding: Self.drifts)
        let report = try FidelityCheck(scenario: scenario, seeds: [1, 2, 3]).check(Self.crm.traffic)
        for tool in Self.driftedTools {
            #expect(report.failures.contains("tool \(tool): response schema"), "\(report.text)")
        }
        #expect(!report.failures.contains("tool crm_add_ticket_note: response schema"))
    }

    @Test("a recording whose answers drifted (the real system changed) fails the original's response schema")
    func recordingDrift() throws {
        // The recorded answers agree with their own schema less than the simulated ones: this
        // failed no figure while the test was one-sided, and a field dropped from 30 % of
        // crm_get_customer's answers (already missing `email` from half) needs the per-field test.
        let drifted = try Self.variant(
            "crm-refund",
            adding: [
                Self.drift("crm_get_customer", "missing_field", "tier", p: 0.3),
                Self.drift("crm_get_ticket", "wrong_type", "priority", p: 1),
                Self.drift("billing_list_charges", "renamed_field", "amount", p: 1),
            ])
        let traffic = FidelityCheckTests.robustTraffic(drifted, episodes: 150)
        let report = try FidelityCheck(scenario: Self.crm.scenario, seeds: [1, 2, 3]).check(traffic)
        for tool in Self.driftedTools {
            #expect(report.failures.contains("tool \(tool): response schema"), "\(report.text)")
        }
        let customer = try #require(report.sections.first { $0.name == "crm_get_customer" })
        #expect(
            customer.notes.contains { $0.hasPrefix("response schema: field 'tier' as expected in 0.") },
            "\(customer.notes)")
    }

    @Test("a changed row fails exact body, without response faults and with them (against the baseline)")
    func stateDrift() throws {
        let document = try ScenarioFixtures.document("crm-refund")
        let changed = Self.changing(
            "tier", of: "C-1042", in: "customers", to: "silver",
            Self.changing("card_last4", of: "CH-54210", in: "charges", to: "0000", document))
        let scenario = try ScenarioLoader.load(changed, file: "crm-refund-rows.json")
        let report = try FidelityCheck(scenario: scenario, seeds: [1, 2, 3]).check(Self.crm.traffic)
        #expect(report.failures.contains("tool billing_list_charges: exact body"), "\(report.text)")
        #expect(report.failures.contains("tool crm_get_customer: exact body"), "\(report.text)")
        #expect(!report.failures.contains { $0.hasSuffix("response schema") }, "\(report.failures)")
        let body = try #require(Self.figure(.bodyAgreement, of: "crm_get_customer", in: report))
        #expect((body.recordedValue ?? 0) > 0.2, "the baseline (itself) is the scenario's own, unchanged")
    }
}
