import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

@Suite("What agents read: cursor declared, the task in instructions, tool export, scenario lookup")
struct AgentFacingToolsTests {
    static func shipped(_ name: String) throws -> Scenario {
        try ScenarioLoader.load(contentsOf: ScenarioFixtures.root.appendingPathComponent("scenarios/\(name).json").path)
    }

    @Test("list tools declare an optional cursor in Episode.tools; other tools' schemas are as written")
    func cursorDeclared() throws {
        for name in ScenarioFixtures.shippedNames {
            let scenario = try Self.shipped(name)
            let episode = try Episode(scenario: scenario, seed: 1)
            let document = try ScenarioFixtures.document(name)
            for tool in episode.tools {
                let written = try #require(document["tools"]?.arrayValue?.first { $0["name"] == .string(tool.name) })
                if written["op"] == "list" {
                    #expect(tool.inputSchema["properties"]?["cursor"]?["type"] == ["string", "null"], "\(tool.name)")
                    var withoutCursor = tool.inputSchema.objectValue ?? JSONObject()
                    var properties = withoutCursor["properties"]?.objectValue ?? JSONObject()
                    properties.removeValue(forKey: "cursor")
                    withoutCursor["properties"] = .object(properties)
                    let writtenProperties = written["input"]?["properties"] ?? .object(JSONObject())
                    #expect(withoutCursor["properties"] == writtenProperties, "\(tool.name)")
                } else {
                    #expect(tool.inputSchema == written["input"], "\(tool.name)")
                }
            }
        }
    }

    @Test("a declared cursor is accepted by the episode: null is the first page, a next_cursor the next")
    func cursorAccepted() async throws {
        let scenario = try ScenarioLoader.load(
            contentsOf: ScenarioFixtures.root.appendingPathComponent("scenarios/ticket-triage.json").path, faults: .none
        )
        let episode = try Episode(scenario: scenario, seed: 1)
        let list = try #require(episode.tools.first { $0.inputSchema["properties"]?["cursor"] != nil })
        let first = await episode.call(list.name, arguments: ["cursor": .null])
        let firstBody = try JSON(parsing: first.body)
        #expect(first.status == 200, "\(first.body)")
        let next = try #require(firstBody["next_cursor"]?.stringValue)
        let second = await episode.call(list.name, arguments: ["cursor": .string(next)])
        #expect(second.status == 200, "\(second.body)")
    }

    @Test("initialize's instructions carry the task text")
    func instructionsCarryTheTask() async throws {
        let session = FakeMCPSession()
        let out = try await mcpServe([rpcInitialize()], session: session)
        let instructions = try #require(out.first?["result"]?["instructions"]?.stringValue)
        #expect(instructions.contains(await session.task()))
        #expect(instructions.contains("submit_answer"))
    }

    @Test("tool export lists the served tools then submit_answer in every format")
    func export() throws {
        let scenario = try Self.shipped("crm-refund")
        let tools = try Episode(scenario: scenario, seed: 1).tools
        let mcp = ToolExport.json(for: scenario, format: .mcp)
        #expect(
            mcp["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == tools.map(\.name) + ["submit_answer"])
        let openai = ToolExport.json(for: scenario, format: .openai).arrayValue ?? []
        #expect(
            openai.map { $0["function"]?["parameters"] }
                == (tools.map(\.inputSchema) + [MCPServer.submitAnswerTool.inputSchema]).map { $0 })
        let anthropic = ToolExport.json(for: scenario, format: .anthropic).arrayValue ?? []
        #expect(
            anthropic.map { $0["description"]?.stringValue } == tools.map(\.description) + [
                MCPServer.submitAnswerTool.description
            ])
    }

    @Test("shipped directories: ./scenarios, then SIMRUN_SCENARIOS, then beside the executable; existing ones only")
    func shippedDirectories() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("simrun-dirs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for folder in ["a", "b", "bin/scenarios", "share/simrun/scenarios"] {
            try FileManager.default.createDirectory(
                at: scratch.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let directories = ScenarioLoader.shippedDirectories(
            environment: ["SIMRUN_SCENARIOS": "\(scratch.path)/a::\(scratch.path)/missing:\(scratch.path)/b"],
            executable: "\(scratch.path)/bin/simrun")
        let expected = [
            "\(scratch.path)/a", "\(scratch.path)/b", "\(scratch.path)/bin/scenarios",
            "\(scratch.path)/share/simrun/scenarios",
        ]
        #expect(directories.filter { $0.hasPrefix(scratch.path) } == expected)
    }

    @Test("replay locates a relative scenario path from the trace's directory or above it, else keeps it")
    func locateScenario() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simrun-locate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(
            at: scratch.appendingPathComponent("scenarios"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: scratch.appendingPathComponent("traces/x"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: scratch.appendingPathComponent("scenarios/only-here.json"))
        let trace = scratch.appendingPathComponent("traces/x/seed-1-trial-1.jsonl").path
        #expect(
            Replayer.locateScenario(recorded: "scenarios/only-here.json", tracePath: trace)
                == scratch.appendingPathComponent("scenarios/only-here.json").path)
        #expect(
            Replayer.locateScenario(recorded: "scenarios/nowhere-at-all.json", tracePath: trace)
                == "scenarios/nowhere-at-all.json")
        #expect(
            Replayer.locateScenario(recorded: "/abs/nowhere-at-all.json", tracePath: trace)
                == "/abs/nowhere-at-all.json")
    }
}
