import Foundation
import Scenarios
import WorldModel

/// Shipped scenarios and helpers that make corrupt copies of them in code.
enum ScenarioFixtures {
    /// The package root, found from this file's location.
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `scenarios/` under the package root.
    static let scenariosDirectory = root + "/scenarios"

    /// The shipped scenario files (`scenarios/*.json` except the schema), sorted by name.
    static var shippedFiles: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: scenariosDirectory)) ?? []
        return names.filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted()
    }

    /// The parsed document of a shipped scenario (`crm-refund.json`).
    static func document(_ file: String = "crm-refund.json") throws -> JSON {
        let data = try Data(contentsOf: URL(fileURLWithPath: scenariosDirectory + "/" + file))
        return try JSON(parsing: [UInt8](data))
    }

    /// The shipped crm-refund scenario, loaded.
    static func crmRefund() throws -> Scenario {
        try ScenarioLoader.load(document(), file: "crm-refund.json")
    }

    /// The issues loading `document` reports, rendered (`file: path: message`); empty when it loads.
    static func issues(_ document: JSON, file: String = "crm-refund.json") -> [String] {
        do throws(ScenarioLoadError) {
            _ = try ScenarioLoader.load(document, file: file)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    /// The compiled scenario-format schema, compiled once per test run.
    static let compiledSchema: Result<JSONSchema, any Error> = Result { try formatSchema() }

    /// The compiled scenario-format schema.
    static func formatSchema() throws -> JSONSchema {
        let data = try Data(contentsOf: URL(fileURLWithPath: scenariosDirectory + "/schema.json"))
        return try JSONSchema(JSON(parsing: [UInt8](data)))
    }
}

extension JSON {
    /// A copy with the value at `pointer` (RFC 6901, no escapes) replaced or added.
    func with(_ pointer: String, _ value: JSON) -> JSON {
        modifying(pointer) { $0 = value }
    }

    /// A copy with `value` appended to the array at `pointer`.
    func appending(_ pointer: String, _ value: JSON) -> JSON {
        modifying(pointer) { array in
            if case .array(var elements) = array {
                elements.append(value)
                array = .array(elements)
            }
        }
    }

    /// A copy without the object member at `pointer`.
    func without(_ pointer: String) -> JSON {
        let (parent, key) = Self.split(pointer)
        return Self.modify(self, parent[...]) { value in
            if case .object(var object) = value {
                object.removeValue(forKey: key)
                value = .object(object)
            }
        }
    }

    /// A copy where the member at `pointer` is renamed to `newKey`, keeping its position.
    func renaming(_ pointer: String, to newKey: String) -> JSON {
        let (parent, key) = Self.split(pointer)
        return Self.modify(self, parent[...]) { value in
            guard case .object(let object) = value else { return }
            value = .object(JSONObject(object.members.map { ($0.key == key ? newKey : $0.key, $0.value) }))
        }
    }

    /// A copy where `body` changed the value at `pointer`.
    func modifying(_ pointer: String, _ body: (inout JSON) -> Void) -> JSON {
        Self.modify(self, Self.tokens(pointer)[...], body)
    }

    private static func tokens(_ pointer: String) -> [String] {
        pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
    }

    private static func split(_ pointer: String) -> ([String], String) {
        var tokens = tokens(pointer)
        let last = tokens.popLast() ?? ""
        return (tokens, last)
    }

    private static func modify(_ value: JSON, _ tokens: ArraySlice<String>, _ body: (inout JSON) -> Void) -> JSON {
        guard let token = tokens.first else {
            var copy = value
            body(&copy)
            return copy
        }
        switch value {
        case .object(var object):
            let child = object[token] ?? .object(JSONObject())
            object.updateValue(modify(child, tokens.dropFirst(), body), forKey: token)
            return .object(object)
        case .array(var elements):
            guard let index = Int(token), elements.indices.contains(index) else { return value }
            elements[index] = modify(elements[index], tokens.dropFirst(), body)
            return .array(elements)
        default:
            return value
        }
    }
}
