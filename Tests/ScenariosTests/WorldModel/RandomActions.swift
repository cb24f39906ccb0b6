import Foundation
import Scenarios
import WorldModel

/// Drives a world with random tool calls, plausible and implausible, from a fixed-seed stream.
struct RandomActions {
    let world: World
    /// Strings to draw plausible argument values from: every id in the initial data, plus a few
    /// enum-like words.
    let vocabulary: [JSON]

    init(world: World) {
        self.world = world
        var words: [JSON] = [
            "new", "routed", "closed", "billing", "shipping", "technical", "account", "captured", "refunded", "",
            "cur_1", "cur_8", "cur_999", "nope",
        ]
        for collection in world.initialState.data.collections {
            for row in collection.rows { if let id = row["id"] { words.append(id) } }
        }
        vocabulary = words
    }

    static func scenario(_ name: String) throws -> Scenario {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return try ScenarioLoader.load(contentsOf: root.appendingPathComponent("scenarios/\(name).json").path)
    }

    func value(_ rng: inout RandomStream) -> JSON {
        switch rng.nextInt(below: 10) {
        case 0: return .int(Int64(rng.nextInt(below: 1000)) - 100)
        case 1: return .double(Double(rng.nextInt(below: 100_000)) / 100)
        case 2: return .bool(rng.nextInt(below: 2) == 0)
        case 3: return .null
        case 4: return [vocabulary[rng.nextInt(below: vocabulary.count)]]
        default: return vocabulary[rng.nextInt(below: vocabulary.count)]
        }
    }

    /// Arguments for `tool`: usually every declared property with a random value, sometimes
    /// one missing, an unknown extra one, or not an object at all.
    func randomArguments(for tool: ToolSpec, _ rng: inout RandomStream) -> JSON {
        if rng.nextInt(below: 50) == 0 { return value(&rng) }
        var object = JSONObject()
        let properties = tool.inputSchemaJSON["properties"]?.objectValue?.keys ?? []
        for name in properties where rng.nextInt(below: 8) != 0 {
            object[name] = value(&rng)
        }
        if rng.nextInt(below: 20) == 0 { object["unexpected"] = value(&rng) }
        if rng.nextInt(below: 10) == 0 { object["cursor"] = value(&rng) }
        return .object(object)
    }

    /// Runs `count` random calls under `seed`; returns the SHA-256 over every observation and
    /// every state hash, and the final state. With `differential`, every call also runs on the
    /// world's general paths (`ShortcutDifferential`), and `mismatches` lists where they differed.
    func run(count: Int, seed: UInt64, differential: Bool = false)
        -> (digest: String, state: WorldState, mismatches: [String])
    {
        var rng = RandomStream(seed: seed, "random-actions")
        var state = world.initialState
        var twin = differential ? ShortcutDifferential(world) : nil
        var transcript: [UInt8] = []
        transcript.reserveCapacity(count * 200)
        let tools = world.tools
        for index in 0..<count {
            let think = Int64(rng.nextInt(below: 3000))
            let name = rng.nextInt(below: 40) == 0 ? "no_such_tool" : tools[rng.nextInt(below: tools.count)].name
            let arguments = world.tool(named: name).map { randomArguments(for: $0, &rng) } ?? [:]
            let result: StepResult
            if twin != nil {
                twin!.advance(by: think)
                result = twin!.step(name, arguments, seed: seed)
                state = twin!.fastState
            } else {
                state.now += think
                result = world.step(&state, tool: name, arguments: arguments, seed: seed)
            }
            let observation = result.observation
            transcript += Array(
                "\(index) \(observation.status) \(observation.latencyMs) \(observation.faults) \(observation.headers.map { "\($0.name)=\($0.value)" })\n"
                    .utf8)
            transcript += Array(observation.body.utf8)
            if index % 100 == 99 { transcript += Array(state.stateHash.utf8) }
        }
        transcript += Array(state.stateHash.utf8)
        twin?.finish()
        return (SHA256.hexDigest(transcript), state, twin?.mismatches ?? [])
    }
}
