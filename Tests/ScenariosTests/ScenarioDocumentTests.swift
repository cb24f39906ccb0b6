import Scenarios
import Testing
import WorldModel

@Suite("What a loaded scenario keeps of its document")
struct ScenarioDocumentTests {
    @Test(
        "the document, its data rebuilt from the world, is the file's document: same canonical bytes",
        arguments: ["crm-refund.json", "ticket-triage.json", "inventory-sync.json", "warehouse-report.json"])
    func documentRoundTrips(_ file: String) throws {
        let path = ScenarioFixtures.scenariosDirectory + "/" + file
        let scenario = try ScenarioLoader.load(contentsOf: path)
        let document = try ScenarioFixtures.document(file)
        #expect(scenario.document.canonicalBytes == document.canonicalBytes)
        #expect(scenario.documentWithoutData["data"] == nil)
        #expect(scenario.sha256 == SHA256.hexDigest(document.canonicalBytes))
        #expect(try ScenarioLoader.load(scenario.document, file: file).sha256 == scenario.sha256)
    }
}
