import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// A scenario with one `op: recorded` tool without a default and one with a default.
private func recordedScenario(lookupExtra: String = "") -> String {
    #"""
    {
      "simrun": 1, "name": "recorded-answers",
      "task": {"instruction": "Look something up, then answer done."},
      "data": {},
      "services": {"svc": {"regimes": {"ok": {"latency": {"dist": "fixed", "ms": 5}}}, "initial": "ok"}},
      "tools": [
        {"name": "lookup", "service": "svc", "description": "Answers what was recorded.", "op": "recorded",
         "input": {"type": "object", "properties": {"q": {"type": "string"}, "n": {"type": "integer"}}},
         "recorded": [
           {"arguments": {"q": "a", "n": 1}, "result": {"hits": [1, 2], "q": "a"}},
           {"arguments": {"q": "plain"}, "result": "* main\n  feature"},
           {"arguments": {"q": "gone"}, "result": {"error": {"code": "not_found", "message": "no such thing"}}, "status": 404}
         ]\#(lookupExtra)},
        {"name": "version", "service": "svc", "description": "Always the same answer.", "op": "recorded",
         "input": {"type": "object", "properties": {}}, "recorded": [], "default": {"result": {"version": "1.2"}}}
      ],
      "checks": [{"name": "looked up", "calls": {"tool": "lookup", "min": 1}}],
      "solution": [{"tool": "lookup", "args": {"n": 1, "q": "a"}}, {"answer": "done"}]
    }
    """#
}

@Suite("op recorded: a tool answers the recorded response for the same canonical arguments")
struct RecordedOpTests {
    @Test("the recorded body for the same arguments in any key order; text as text; a recorded error; 404 otherwise")
    func answers() async throws {
        let scenario = try ScenarioLoader.load(try JSON(parsing: recordedScenario()), file: "recorded.json")
        let episode = try Episode(scenario: scenario, seed: 1)
        let hit = await episode.call("lookup", arguments: ["n": 1, "q": "a"])
        #expect(hit.status == 200)
        #expect(hit.json == ["hits": [1, 2], "q": "a"])
        let reordered = await episode.call("lookup", arguments: try JSON(parsing: #"{"q": "a", "n": 1}"#))
        #expect(reordered.body == hit.body)
        let text = await episode.call("lookup", arguments: ["q": "plain"])
        #expect(text.status == 200)
        #expect(text.body == "* main\n  feature", "a recorded text is answered as that text, not a JSON string")
        let gone = await episode.call("lookup", arguments: ["q": "gone"])
        #expect(gone.status == 404)
        #expect(gone.json?["error"]?["message"] == "no such thing")
        let other = await episode.call("lookup", arguments: ["q": "a", "n": 2])
        #expect(other.status == 404)
        #expect(other.json?["error"]?["code"] == "not_recorded")
        #expect(other.json?["error"]?["message"] == "no recorded answer for these arguments")
        let version = await episode.call("version")
        #expect(version.json == ["version": "1.2"], "arguments never recorded answer the default")
        #expect(await episode.finish(answer: "done").passed)
    }

    @Test("the same calls answer the same bytes on every run (latency and regimes apply as to any tool)")
    func deterministic() async throws {
        var runs: [[String]] = []
        for _ in 0..<2 {
            let scenario = try ScenarioLoader.load(try JSON(parsing: recordedScenario()), file: "recorded.json")
            let episode = try Episode(scenario: scenario, seed: 7)
            var bodies: [String] = []
            for arguments: JSON in [["q": "a", "n": 1], ["q": "plain"], ["q": "zzz"]] {
                let observation = await episode.call("lookup", arguments: arguments)
                bodies.append("\(observation.status) \(observation.latencyMs) \(observation.body)")
            }
            #expect(bodies[0].hasPrefix("200 5 "), "the service's fixed 5 ms latency applies")
            runs.append(bodies)
        }
        #expect(runs[0] == runs[1])
    }

    @Test(
        "tool-level mistakes name the tool: no 'recorded', not an array, a default without a result, another op's key")
    func toolMistakes() throws {
        let cases: [(String, String, String, String)] = [
            (#""recorded": [], "default""#, #""default""#, "tools[1]", "missing required key 'recorded'"),
            (#""recorded": [], "default""#, #""recorded": 3, "default""#, "tools[1].recorded", "expected an array"),
            (#"{"result": {"version": "1.2"}}"#, #"{"status": 200}"#, "tools[1].default", "result"),
            (#""recorded": [], "default""#, #""recorded": [], "returns": "1", "default""#, "tools[1]", "returns"),
        ]
        for (original, replacement, path, words) in cases {
            let text = recordedScenario().replacingOccurrences(of: original, with: replacement)
            do {
                _ = try ScenarioLoader.load(try JSON(parsing: text), file: "recorded.json")
                Issue.record("expected a load error for \(replacement)")
            } catch let error as ScenarioLoadError {
                let messages = error.issues.map(\.description)
                #expect(
                    messages.contains { $0.hasPrefix("recorded.json: \(path)") && $0.contains(words) },
                    "\(replacement): \(messages)")
            }
        }
    }

    @Test(
        "entry mistakes name the entry: not an object, arguments not an object, a status out of range, arguments twice")
    func entryMistakes() throws {
        let cases: [(String, String, String)] = [
            (#"7"#, "tools[0].recorded[3]", "expected an object"),
            (
                #"{"arguments": [1], "result": 1}"#, "tools[0].recorded[3].arguments",
                "expected the call's arguments (an object)"
            ),
            (#"{"arguments": {}, "result": 1, "status": 700}"#, "tools[0].recorded[3].status", "200...599"),
            (
                #"{"arguments": {"n": 1, "q": "a"}, "result": 2}"#, "tools[0].recorded[3].arguments",
                "the same arguments as recorded[0]"
            ),
            (#"{"arguments": {}}"#, "tools[0].recorded[3]", "result"),
        ]
        for (entry, path, words) in cases {
            let text = recordedScenario().replacingOccurrences(
                of: #""status": 404}"#, with: #""status": 404}, "# + entry)
            do {
                _ = try ScenarioLoader.load(try JSON(parsing: text), file: "recorded.json")
                Issue.record("expected a load error for \(entry)")
            } catch let error as ScenarioLoadError {
                let messages = error.issues.map(\.description)
                #expect(
                    messages.contains { $0.hasPrefix("recorded.json: \(path):") && $0.contains(words) },
                    "\(entry): \(messages)")
            }
        }
    }
}
