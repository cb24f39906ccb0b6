import Foundation
import Scenarios
import Testing

@Suite("The loader records where a scenario's fault rules came from")
struct FaultProvenanceTests {
    func scratchFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("overlay-\(UUID().uuidString).json")
            .path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("an overlay that disables a rule is applied once and recorded with its path and SHA-256")
    func overlayDisablingARule() throws {
        let path = try scratchFile(#"{"simrun_faults": 1, "disable": ["list-gateway"]}"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = ScenarioFixtures.scenariosDirectory + "/billing-outage.json"
        let scenario = try ScenarioLoader.load(contentsOf: file, faults: .overlay(path: path))
        #expect(!scenario.world.spec.faults.map(\.id).contains("list-gateway"))
        let original = try ScenarioLoader.load(contentsOf: file)
        #expect(original.faultProvenance == FaultProvenance())
        let overlay = try FaultOverlay.load(contentsOf: path, for: original)
        #expect(
            scenario.faultProvenance == FaultProvenance(selection: .overlay(path: path), overlaySHA256: overlay.sha256))
        #expect(scenario.faultProvenance.overlayPath == path)
    }

    @Test("no faults and the scenario's own faults are recorded without an overlay")
    func noOverlay() throws {
        let file = ScenarioFixtures.scenariosDirectory + "/crm-refund.json"
        let none = try ScenarioLoader.load(contentsOf: file, faults: .none)
        #expect(none.faultProvenance == FaultProvenance(selection: .none))
        #expect(none.faultProvenance.overlayPath == nil)
        var applied = try ScenarioLoader.load(contentsOf: file)
        try ScenarioLoader.apply(.none, to: &applied)
        #expect(applied.faultProvenance.selection == .none && applied.world.spec.faults.isEmpty)
    }

    @Test("mode names round-trip, and an overlay without a path or another mode with one is no selection")
    func modeNames() {
        for selection in [FaultSelection.scenario, .none, .overlay(path: "o.json")] {
            #expect(
                FaultSelection(
                    modeName: selection.modeName, overlayPath: selection == .overlay(path: "o.json") ? "o.json" : nil)
                    == selection)
        }
        #expect(FaultSelection.modeNames == ["scenario", "overlay", "none"])
        #expect(FaultSelection(modeName: "overlay", overlayPath: nil) == nil)
        #expect(FaultSelection(modeName: "scenario", overlayPath: "o.json") == nil)
        #expect(FaultSelection(modeName: "chaos", overlayPath: nil) == nil)
    }
}
