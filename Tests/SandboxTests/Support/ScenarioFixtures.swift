import Foundation
import Sandbox
import Scenarios
import WorldModel

/// Loads the shipped scenario `name` (`crm-refund`).
func loadScenario(_ name: String) throws -> Scenario {
    try ScenarioLoader.load(contentsOf: ScenarioFixtures.root.appendingPathComponent("scenarios/\(name).json").path)
}

/// Scenarios for the episode, policy, agent and runner tests: the shipped ones and small worlds
/// written inline.
enum ScenarioFixtures {
    /// The repository root (found from this file's location).
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The names of the shipped scenarios, sorted.
    static var shippedNames: [String] {
        let directory = root.appendingPathComponent("scenarios").path
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".json") && $0 != "schema.json" }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The shipped scenario document `name`, parsed, for tests that change it before loading.
    static func document(_ name: String) throws -> JSON {
        let data = try Data(contentsOf: root.appendingPathComponent("scenarios/\(name).json"))
        return try JSON(parsing: [UInt8](data))
    }

    /// `document` with `value` set at the member path `keys` (objects only).
    static func setting(_ keys: [String], to value: JSON, in document: JSON) -> JSON {
        guard let key = keys.first, case .object(var object) = document else { return document }
        object[key] = keys.count == 1 ? value : setting(Array(keys.dropFirst()), to: value, in: object[key] ?? [:])
        return .object(object)
    }

    /// A one-service world named `name` with `tools`, `faults`, `checks` and `solution`; the
    /// service answers in a fixed 100 ms and never fails on its own.
    static func tiny(
        _ name: String = "tiny", data: JSON, tools: JSON, faults: JSON = [], checks: JSON = [], solution: JSON,
        maxSteps: Int = 40
    ) throws -> Scenario {
        let document: JSON = [
            "simrun": 1, "name": .string(name), "title": "A small test world", "description": "Built inline by a test.",
            "task": ["instruction": "Follow the solution.", "max_steps": .int(maxSteps), "deadline_ms": 600_000],
            "data": data,
            "services": [
                "svc": [
                    "timeout_ms": 5000, "regimes": ["healthy": ["latency": ["dist": "fixed", "ms": 100]]],
                    "initial": "healthy",
                ]
            ],
            "tools": tools, "faults": faults, "checks": checks, "solution": solution,
        ]
        return try ScenarioLoader.load(document, file: "\(name).json")
    }
}
