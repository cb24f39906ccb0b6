import Foundation
import Testing

/// `simrun run DIR`, `simrun validate DIR` and `simrun list DIR` over a suite of scenarios that
/// share a world file, and replay refusing a changed world file.
@Suite("Suites: scenarios over one world file, run and validated by directory")
struct SuiteDirectoryTests {
    /// A directory with crm-refund split into `crm-world.json` and two task files.
    static func suite() throws -> ScratchDirectory {
        let scratch = try ScratchDirectory()
        let text = try String(contentsOfFile: SimrunProcess.root + "/scenarios/crm-refund.json", encoding: .utf8)
        guard var task = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw SuiteError.shape
        }
        var world: [String: Any] = ["simrun": 1, "name": "crm-world", "description": "Shared."]
        for key in ["data", "services", "tools", "faults"] {
            world[key] = task[key]
            task[key] = nil
        }
        task["world"] = "crm-world.json"
        func write(_ name: String, _ object: [String: Any]) throws {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            _ = try scratch.write(name, String(decoding: data, as: UTF8.self))
        }
        try write("crm-world.json", world)
        try write("a-refund.json", task)
        task["name"] = "b-refund-state"
        var checks = task["checks"] as? [Any] ?? []
        checks.append([
            "name": "as the reference", "state": "solution", "ignore": ["refunds.at", "ticket_notes.created_at"],
        ])
        checks.append(["name": "customers untouched", "unchanged": ["customers"]])
        task["checks"] = checks
        try write("b-refund-state.json", task)
        return scratch
    }

    @Test("validate DIR checks every task, names the world file, and prints a total")
    func validateDirectory() throws {
        let scratch = try Self.suite()
        defer { scratch.remove() }
        let result = try SimrunProcess.run(["validate", scratch.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("crm-world.json: a world file"))
        #expect(result.stdout.contains("b-refund-state"))
        #expect(result.stdout.contains("total: 2 of 2 scenarios valid"))
        let list = try SimrunProcess.run(["list", scratch.path])
        #expect(list.status == 0)
        #expect(list.stdout.contains("(world file, shared by scenarios)"))
    }

    @Test("run DIR prints a scorecard per task and the total, as text, JSON and JUnit")
    func runDirectory() throws {
        let scratch = try Self.suite()
        defer { scratch.remove() }
        let junit = scratch.path + "/report.xml"
        let traces = scratch.path + "/traces"
        let text = try SimrunProcess.run([
            "run", scratch.path, "--seeds", "1..2", "--trace-dir", traces, "--junit", junit,
        ])
        #expect(text.status == 0, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("== crm-refund =="))
        #expect(text.stdout.contains("== b-refund-state =="))
        #expect(text.stdout.contains("== total: 2 tasks =="))
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.components(separatedBy: "<testsuite ").count == 3)

        let json = try SimrunProcess.run([
            "run", scratch.path, "--seeds", "1..2", "--trace-dir", traces, "--format", "json",
        ])
        let again = try SimrunProcess.run([
            "run", scratch.path, "--seeds", "1..2", "--trace-dir", traces, "--format", "json",
        ])
        #expect(json.stdout == again.stdout, "a suite run is deterministic, byte for byte")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["tasks"] as? [Any])?.count == 2)
        #expect((object?["total"] as? [String: Any])?["episode_count"] as? Int == 4)
    }

    @Test("the trace header carries the world file's hash, and replay refuses a changed world file")
    func replayRefusesChangedWorld() throws {
        let scratch = try Self.suite()
        defer { scratch.remove() }
        let traces = scratch.path + "/traces"
        let run = try SimrunProcess.run([
            "run", scratch.path + "/b-refund-state.json", "--seed", "1", "--trace-dir", traces,
        ])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let trace = traces + "/b-refund-state/passed.jsonl"
        let single = traces + "/b-refund-state/seed-1-trial-1.jsonl"
        let path = FileManager.default.fileExists(atPath: single) ? single : trace
        let header = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
        #expect(header.contains(#""world":{"path":"#))
        #expect(try SimrunProcess.run(["replay", path]).status == 0)

        let worldPath = scratch.path + "/crm-world.json"
        let world = try String(contentsOfFile: worldPath, encoding: .utf8)
        try Data(world.replacingOccurrences(of: "Shared.", with: "Changed.").utf8).write(
            to: URL(fileURLWithPath: worldPath))
        let replay = try SimrunProcess.run(["replay", path])
        #expect(replay.status == 2)
        #expect(replay.stderr.contains("the world file"), "\(replay.stderr)")
        #expect(replay.stderr.contains("changed since the trace was recorded"))
    }
}

extension SuiteDirectoryTests {
    @Test("the shipped retail suite validates, the robust agent passes every task and the naive one is caught")
    func retailSuite() throws {
        let validate = try SimrunProcess.run(["validate", "scenarios/retail"])
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.contains("retail-world.json: a world file"))
        #expect(validate.stdout.contains("total: 12 of 12 scenarios valid"), "\(validate.stdout)")
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let robust = try SimrunProcess.run([
            "run", "scenarios/retail", "--seeds", "1..20", "--agent", "robust", "--trace-dir", scratch.path + "/robust",
        ])
        #expect(robust.status == 0, "\(robust.stdout)")
        #expect(robust.stdout.contains("== total: 12 tasks =="))
        #expect(robust.stdout.contains("passed     240/240 (100.0%)"), "\(robust.stdout)")
        // Lost answers of writes that applied, 502s, rate limits and a stale customer search
        // cost the naive agent: it fails, on the final data as well as in its answers.
        let naive = try SimrunProcess.run([
            "run", "scenarios/retail", "--seeds", "1..20", "--agent", "naive", "--trace-dir", scratch.path + "/naive",
        ])
        #expect(naive.status == 1, "\(naive.stdout)")
        #expect(!naive.stdout.contains("passed     240/240"), "\(naive.stdout)")
        #expect(naive.stdout.contains("final data as the reference solution's"))
        #expect(naive.stdout.contains("customer-search-stale"))
    }
}

enum SuiteError: Error { case shape }
