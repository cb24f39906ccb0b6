import Foundation
import Scenarios
import Testing
import WorldModel

/// Scenarios over a shared world file: what they take from it, what they override, and where
/// mistakes are reported.
@Suite("World files shared by a suite of scenarios")
struct WorldFileTests {
    /// crm-refund split in two: the world (data, services, tools, faults) and the task.
    static func split() throws -> (world: JSON, task: JSON) {
        guard case .object(var task) = try ScenarioFixtures.document() else { throw WorldFileTestError.shape }
        var world: JSONObject = ["simrun": 1, "name": "crm-world", "description": "The shared CRM and billing."]
        for key in ["data", "services", "tools", "faults"] {
            world[key] = task[key]
            task[key] = nil
        }
        task["world"] = "crm-world.json"
        return (.object(world), .object(task))
    }

    /// Writes the world and the task (as `task.json`) into a new directory; returns the task's path.
    static func write(world: JSON, task: JSON) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simrun-world-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(world.canonicalBytes).write(to: directory.appendingPathComponent("crm-world.json"))
        try Data(task.canonicalBytes).write(to: directory.appendingPathComponent("task.json"))
        return directory.appendingPathComponent("task.json").path
    }

    static func issues(world: JSON, task: JSON) throws -> [ScenarioIssue] {
        let path = try write(world: world, task: task)
        do {
            _ = try ScenarioLoader.load(contentsOf: path)
            return []
        } catch let error as ScenarioLoadError {
            return error.issues
        }
    }

    @Test("a scenario over a world file loads as the single file did, with both files' hashes")
    func loadsLikeTheSingleFile() throws {
        let (world, task) = try Self.split()
        let path = try Self.write(world: world, task: task)
        let scenario = try ScenarioLoader.load(contentsOf: path)
        let single = try ScenarioFixtures.crmRefund()
        #expect(scenario.world.tools.map(\.name) == single.world.tools.map(\.name))
        #expect(scenario.world.initialState.data.json == single.world.initialState.data.json)
        #expect(scenario.world.spec.faults.map(\.id) == single.world.spec.faults.map(\.id))
        #expect(scenario.sha256 == SHA256.hexDigest(task.canonicalBytes))
        let reference = try #require(scenario.worldFile)
        #expect(reference.sha256 == SHA256.hexDigest(world.canonicalBytes))
        #expect(reference.path.hasSuffix("/crm-world.json"))
    }

    @Test("a collection, tool or fault the scenario names again replaces the world's in place")
    func overrides() throws {
        var (world, task) = try Self.split()
        guard case .array(let tools) = world["tools"], case .array(let faults) = world["faults"] else {
            throw WorldFileTestError.shape
        }
        let changedTool = tools[0].with("/description", "Overridden.")
        let changedFault = faults[0].with("/p", 0.0)
        task = task.with("/tools", [changedTool])
        task = task.with("/faults", [changedFault])
        task = task.with("/data", ["refunds": [["id": "RF-9", "amount": 1]]])
        world = world.with("/description", "Same world.")
        let scenario = try ScenarioLoader.load(contentsOf: try Self.write(world: world, task: task))
        #expect(scenario.world.tools.count == tools.count)
        #expect(scenario.world.tools[0].description == "Overridden.")
        #expect(scenario.world.spec.faults.count == faults.count)
        #expect(scenario.world.spec.faults[0].probability == 0)
        #expect(scenario.world.initialState.data["refunds"]?.count == 1)
        #expect(scenario.world.initialState.data["customers"]?.count ?? 0 > 0)
    }

    @Test("a mistake is reported in the file it was written in, at its path there")
    func mistakesNameTheirFile() throws {
        var (world, task) = try Self.split()
        world = world.with("/tools", [["name": "broken", "bogus": 1]])
        task = task.with("/faults", [["id": "x", "tool": "nope", "kind": "timeout", "p": 2]])
        let issues = try Self.issues(world: world, task: task)
        let inWorld = issues.filter { $0.file.hasSuffix("crm-world.json") }
        let inTask = issues.filter { $0.file.hasSuffix("task.json") }
        #expect(inWorld.contains { $0.path == "tools[0].bogus" }, "\(issues)")
        #expect(inTask.contains { $0.path.hasPrefix("faults[0]") }, "\(issues)")
    }

    @Test("a world file with a task key, a missing world file and a world file loaded alone are clear errors")
    func worldFileErrors() throws {
        var (world, task) = try Self.split()
        let withChecks = world.with("/checks", [])
        var issues = try Self.issues(world: withChecks, task: task)
        #expect(issues.first?.file.hasSuffix("crm-world.json") == true && issues.first?.path == "checks", "\(issues)")
        #expect(issues.first?.message.contains("unknown key 'checks'") == true)

        task = task.with("/world", "missing.json")
        issues = try Self.issues(world: world, task: task)
        #expect(issues.first?.path == "world" && issues.first?.file.hasSuffix("task.json") == true, "\(issues)")
        #expect(issues.first?.message.contains("missing.json") == true)

        task = task.with("/world", 3)
        issues = try Self.issues(world: world, task: task)
        #expect(issues.first?.message.contains("expected the path of a world file") == true, "\(issues)")

        world = world.with("/name", "crm-world")
        do {
            _ = try ScenarioLoader.load(world, file: "crm-world.json")
            Issue.record("a world file loaded as a scenario")
        } catch let error as ScenarioLoadError {
            #expect(error.issues.first?.message.contains("is a world file") == true)
        }
    }
}

extension WorldFileTests {
    @Test("a world file validated on its own is still checked for unknown keys and its version")
    func worldFileAlone() throws {
        let (world, _) = try Self.split()
        #expect(WorldFile.problems(world, file: "w.json").isEmpty)
        let typo = world.with("/taks", ["instruction": "x"]).with("/simrun", 2)
        let problems = WorldFile.problems(typo, file: "w.json")
        #expect(
            problems.map(\.path) == ["taks", "simrun"] || problems.map(\.path) == ["simrun", "taks"], "\(problems)")
        #expect(problems.allSatisfy { $0.file == "w.json" })
    }

    @Test("the retail suite's task files, which take services and tools from their world, match the schema")
    func retailTasksMatchSchema() throws {
        let directory = ScenarioFixtures.scenariosDirectory + "/retail"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
            $0.hasSuffix(".json") && $0 != "retail-world.json"
        }
        #expect(files.count >= 3)
        let schema = try ScenarioFixtures.compiledSchema.get()
        for file in files {
            let document = try JSON(
                parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))))
            #expect(schema.validate(document, at: "").map(\.description) == [], "\(file)")
            #expect(document["services"] == nil && document["world"] == "retail-world.json", "\(file)")
            _ = try ScenarioLoader.load(contentsOf: directory + "/" + file)
        }
        // Without a world file, services and tools are still required by the schema.
        let bare = try JSON(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + files[0]))))
        #expect(!schema.validate(bare.without("/world"), at: "").isEmpty)
    }
}

enum WorldFileTestError: Error { case shape }
