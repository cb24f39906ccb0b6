import Foundation
import Scenarios
import Testing
import WorldModel

@Suite("Fault overlays and --no-faults")
struct FaultOverlayTests {
    static let originalIds = [
        "refund-lost-response", "crm-email-missing", "crm-phone-null", "ticket-injection", "charges-html-503",
    ]

    func overlay(_ document: JSON) throws -> FaultOverlay {
        try FaultOverlay.load(document, file: "overlay.json", for: try ScenarioFixtures.crmRefund())
    }

    func overlayIssues(_ document: JSON) throws -> [String] {
        let scenario = try ScenarioFixtures.crmRefund()
        do throws(ScenarioLoadError) {
            _ = try FaultOverlay.load(document, file: "overlay.json", for: scenario)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    @Test("the shipped scenario's own rules, in file order")
    func scenarioRules() throws {
        #expect(try ScenarioFixtures.crmRefund().world.spec.faults.map(\.id) == Self.originalIds)
    }

    @Test("a rule with a new id is added at the end")
    func addsRule() throws {
        let overlay = try overlay([
            "simrun_faults": 1,
            "faults": [["id": "refund-slow", "tool": "billing_refund", "kind": "latency_spike", "ms": 5000, "p": 0.5]],
        ])
        let rules = overlay.apply(to: try ScenarioFixtures.crmRefund().world.spec.faults)
        #expect(rules.map(\.id) == Self.originalIds + ["refund-slow"])
        #expect(rules.last?.probability == 0.5)
    }

    @Test("a rule with an existing id replaces that rule in place")
    func replacesRule() throws {
        let overlay = try overlay([
            "simrun_faults": 1,
            "faults": [
                [
                    "id": "crm-email-missing", "tool": "crm_get_customer", "kind": "missing_field", "field": "email",
                    "p": 1.0,
                ]
            ],
        ])
        let rules = overlay.apply(to: try ScenarioFixtures.crmRefund().world.spec.faults)
        #expect(rules.map(\.id) == Self.originalIds)
        #expect(rules[1].probability == 1.0)
    }

    @Test("disable removes rules by id")
    func disablesRule() throws {
        let overlay = try overlay(["simrun_faults": 1, "disable": ["ticket-injection", "refund-lost-response"]])
        let rules = overlay.apply(to: try ScenarioFixtures.crmRefund().world.spec.faults)
        #expect(rules.map(\.id) == ["crm-email-missing", "crm-phone-null", "charges-html-503"])
    }

    @Test("an unknown id in disable is an error with a suggestion")
    func unknownDisabledId() throws {
        #expect(
            try overlayIssues(["simrun_faults": 1, "disable": ["ticket-injections", "nothing-like-it"]]) == [
                "overlay.json: disable[0]: the scenario has no fault rule 'ticket-injections' (did you mean 'ticket-injection'?)",
                "overlay.json: disable[1]: the scenario has no fault rule 'nothing-like-it'",
            ])
    }

    @Test("overlay rules are checked like the scenario's: tool names, probabilities, unknown keys, version")
    func overlayMistakes() throws {
        #expect(
            try overlayIssues([
                "simrun_faults": 2,
                "faults": [["id": "x", "tool": "billing_refnd", "kind": "timeout", "p": 2]],
                "disabled": ["crm-phone-null"],
            ]) == [
                "overlay.json: simrun_faults: this build reads fault overlay version 1, found 2",
                "overlay.json: faults[0].tool: unknown tool 'billing_refnd' (did you mean 'billing_refund'?)",
                "overlay.json: faults[0].p: expected a probability in [0, 1], found 2",
                "overlay.json: disabled: unknown key 'disabled' (did you mean 'disable'?)",
            ])
    }

    @Test("loading with an overlay file applies it; --no-faults leaves no rules at all")
    func faultSelections() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simrun-overlay-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let overlayPath = directory.appendingPathComponent("overlay.json").path
        try Data(#"{"simrun_faults": 1, "disable": ["crm-phone-null"]}"#.utf8).write(
            to: URL(fileURLWithPath: overlayPath))
        let scenarioPath = ScenarioFixtures.scenariosDirectory + "/crm-refund.json"

        let overlaid = try ScenarioLoader.load(contentsOf: scenarioPath, faults: .overlay(path: overlayPath))
        #expect(overlaid.world.spec.faults.map(\.id) == Self.originalIds.filter { $0 != "crm-phone-null" })

        let none = try ScenarioLoader.load(contentsOf: scenarioPath, faults: .none)
        #expect(none.world.spec.faults.isEmpty)
        #expect(none.world.tools.count == 6)

        do {
            _ = try ScenarioLoader.load(
                contentsOf: scenarioPath, faults: .overlay(path: directory.path + "/missing.json"))
            Issue.record("a missing overlay file loaded")
        } catch {
            #expect(error.description == directory.path + "/missing.json: no such file")
        }
    }
}
