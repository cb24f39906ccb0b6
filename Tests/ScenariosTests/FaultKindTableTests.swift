import Foundation
import Scenarios
import Testing
import WorldModel

/// `FaultKind.Name` and its parameters are the one table of fault kinds: the loader reads rules
/// against it, and these tests hold `scenarios/schema.json` and the loader's suggestions to it.
@Suite("the table of fault kinds")
struct FaultKindTableTests {
    static func schemaDefinitions() throws -> JSONObject {
        let data = try Data(contentsOf: URL(fileURLWithPath: ScenarioFixtures.scenariosDirectory + "/schema.json"))
        return try #require(try JSON(parsing: [UInt8](data))["$defs"]?.objectValue)
    }

    static func keys(_ value: JSON?) -> [String] { value?.objectValue?.keys.map { $0 } ?? [] }
    static func strings(_ value: JSON?) -> [String] { value?.arrayValue?.compactMap(\.stringValue) ?? [] }

    @Test("the schema's kind enum lists the table's kinds in catalogue order")
    func kindEnum() throws {
        let fault = try #require(try Self.schemaDefinitions()["fault"])
        #expect(Self.strings(fault["properties"]?["kind"]?["enum"]) == FaultKind.allNames)
        let conditional = fault["allOf"]?.arrayValue?.compactMap {
            $0["if"]?["properties"]?["kind"]?["const"]?.stringValue
        }
        #expect(conditional == FaultKind.allNames)
    }

    @Test(
        "each kind's schema definition allows and requires the table's parameters", arguments: FaultKind.Name.allCases)
    func parameters(_ kind: FaultKind.Name) throws {
        let definitions = try Self.schemaDefinitions()
        let definition = try #require(definitions["fault_\(kind.rawValue)"], "no $defs/fault_\(kind.rawValue)")
        #expect(Self.keys(definition["properties"]) == FaultKind.Name.commonKeys + kind.parameters.allowed)
        #expect(Self.strings(definition["required"]) == ["id", "kind"] + kind.parameters.required)
        #expect(definition["properties"]?["kind"]?["const"]?.stringValue == kind.rawValue)
        let general = Self.keys(definitions["fault"]?["properties"])
        #expect(kind.parameters.allowed.allSatisfy(general.contains), "fault.properties lacks a parameter of \(kind)")
    }

    @Test("the loader reads every kind of the table, and a rule missing a required parameter names it")
    func loaderReadsEveryKind() throws {
        for kind in FaultKind.Name.allCases {
            var rule: JSONObject = ["id": "r", "kind": .string(kind.rawValue), "tool": "billing_refund"]
            for parameter in kind.parameters.allowed {
                rule[parameter] =
                    switch parameter {
                    case "ms", "retry_after_ms": 100
                    case "status": 503
                    case "html": false
                    default: "amount"
                    }
            }
            let document = try ScenarioFixtures.document().with("/faults", [.object(rule)])
            #expect(ScenarioFixtures.issues(document) == [], "\(kind.rawValue)")
            for required in kind.parameters.required {
                var missing = rule
                missing[required] = nil
                let issues = ScenarioFixtures.issues(
                    try ScenarioFixtures.document().with("/faults", [.object(missing)]))
                #expect(
                    issues == ["crm-refund.json: faults[0]: missing required key '\(required)'"], "\(kind.rawValue)")
            }
        }
    }

    @Test("a misspelt kind is suggested from the table")
    func suggestion() throws {
        let rule: JSONObject = ["id": "r", "kind": "page_duplicat", "tool": "billing_refund"]
        let issues = ScenarioFixtures.issues(try ScenarioFixtures.document().with("/faults", [.object(rule)]))
        #expect(issues.count == 1)
        #expect(issues.first?.hasPrefix("crm-refund.json: faults[0].kind: ") == true, "\(issues)")
        #expect(issues.first?.contains("'page_duplicate'") == true, "\(issues)")
    }
}
