import Foundation
import Testing
import WorldModel

/// `simrun learn` driven as a user would: traces of a shipped scenario and a HAR file in, a
/// scenario that validates and a report out.
@Suite("simrun learn: a scenario from recorded traffic")
struct LearnCommandTests {
    /// Plays `episodes` seeds of billing-outage with the robust agent and writes each episode's
    /// trace to a file of its own (the run writes them one after another per outcome).
    func traces(in scratch: ScratchDirectory, episodes: Int) throws -> [String] {
        let run = try SimrunProcess.run([
            "run", SimrunProcess.root + "/scenarios/billing-outage.json", "--seeds", "1..\(episodes)",
            "--trace-dir", scratch.path + "/traces",
        ])
        #expect(run.status <= 1, "\(run.stderr)")
        var files: [String] = []
        for outcome in ["passed", "failed"] {
            let path = scratch.path + "/traces/billing-outage/\(outcome).jsonl"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            var episode = ""
            for line in text.split(separator: "\n") {
                if line.contains("\"format\":\"simrun-trace\"") && !episode.isEmpty {
                    files.append(try scratch.write("\(outcome)-\(files.count).jsonl", episode))
                    episode = ""
                }
                episode += line + "\n"
            }
            if !episode.isEmpty { files.append(try scratch.write("\(outcome)-\(files.count).jsonl", episode)) }
        }
        return files
    }

    @Test("traces learn into a scenario that validates, the same bytes every time, with a report")
    func learnsTraces() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let inputs = try traces(in: scratch, episodes: 12)
        #expect(inputs.count == 12)
        // The scenario is named after --out's file name: the same name in two directories.
        for directory in ["a", "b"] {
            try FileManager.default.createDirectory(
                atPath: scratch.path + "/" + directory, withIntermediateDirectories: true)
        }
        let first = try SimrunProcess.run(
            ["learn"] + inputs + [
                "--out", scratch.path + "/a/learned.json", "--holdout", "0.25", "--report", scratch.path + "/a.txt",
            ])
        #expect(first.status == 0, "\(first.stderr)")
        let second = try SimrunProcess.run(
            ["learn"] + inputs + ["--out", scratch.path + "/b/learned.json", "--holdout", "0.25"])
        #expect(second.status == 0, "\(second.stderr)")
        let a = try String(contentsOfFile: scratch.path + "/a/learned.json", encoding: .utf8)
        let b = try String(contentsOfFile: scratch.path + "/b/learned.json", encoding: .utf8)
        #expect(a == b)
        #expect(first.stdout == second.stdout)
        #expect(try String(contentsOfFile: scratch.path + "/a.txt", encoding: .utf8) == first.stdout)
        #expect(first.stdout.contains("service billing_outage (recorded as billing-outage)"))
        #expect(first.stdout.contains("held out: the last 0.25 of each service's calls"))
        #expect(first.stdout.contains("; chosen"))
        #expect(first.stdout.contains("tool billing_list_credit_requests"))
        let validate = try SimrunProcess.run(["validate", scratch.path + "/a/learned.json"])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        let scenario = try JSON(parsing: a)
        #expect(scenario["services"]?["billing_outage"]?["regimes"] != nil)
        #expect(scenario["services"]?["billing_outage"]?["timeout_ms"] != nil || first.stdout.contains("no timeout_ms"))
        let json = try SimrunProcess.run(["learn"] + inputs + ["--out", scratch.path + "/c.json", "--format", "json"])
        let report = try JSON(parsing: json.stdout)
        #expect(report["services"]?[0]?["candidates"]?.arrayValue?.count == 4)
    }

    static let har = """
        {"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [
          \(entry(0, "GET", "/orders", 200, #"{"items": [{"id": "C-1042", "total": 5}, {"id": "C-1043", "total": 7}]}"#)),
          \(entry(1, "GET", "/orders/C-1042", 200, #"{"id": "C-1042", "total": 5}"#)),
          \(entry(2, "GET", "/orders/C-1043", 200, #"{"id": "C-1043", "total": 7}"#)),
          \(entry(3, "GET", "/orders/C-1044", 503, #"busy"#)),
          \(entry(4, "POST", "/orders", 201, #"{"ok": true}"#))
        ]}}
        """

    static func entry(_ second: Int, _ method: String, _ path: String, _ status: Int, _ body: String) -> String {
        let text = String(decoding: JSON.string(body).canonicalBytes, as: UTF8.self)
        return """
            {"startedDateTime": "2026-01-01T00:00:0\(second).000Z", "time": \(40 + second * 10),
             "request": {"method": "\(method)", "url": "http://127.0.0.1:8080\(path)", "headers": [], "queryString": []},
             "response": {"status": \(status), "content": {"size": 1, "mimeType": "application/json", "text": \(text)}}}
            """
    }

    @Test("a HAR file's tools become get and list over rows from the responses; others say they were not learned")
    func learnsHAR() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let har = try scratch.write("site.har", Self.har)
        let result = try SimrunProcess.run(["learn", har, "--out", scratch.path + "/site.json"])
        #expect(result.status == 0, "\(result.stderr)")
        let scenario = try JSON(parsing: try String(contentsOfFile: scratch.path + "/site.json", encoding: .utf8))
        let tools = try #require(scenario["tools"]?.arrayValue)
        let ops = tools.map { "\($0["name"]?.stringValue ?? "?"):\($0["op"]?.stringValue ?? "?")" }
        #expect(ops == ["get_orders:list", "get_orders_id:get", "post_orders:custom"])
        #expect(tools[1]["key"] == "args.id")
        #expect(scenario["data"]?["orders"]?.arrayValue?.count == 2)
        #expect(result.stdout.contains("not enough calls to fit 2 regimes: 5 calls"))
        #expect(try SimrunProcess.run(["validate", scratch.path + "/site.json"]).status == 0)
    }

    @Test("bad input: exit 2, a message naming what is wrong, and no scenario written")
    func badInput() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.path + "/out.json"
        let empty = try scratch.write("empty.har", #"{"log": {"version": "1.2", "entries": []}}"#)
        let noCalls = try SimrunProcess.run(["learn", empty, "--out", out])
        #expect(noCalls.status == 2)
        #expect(noCalls.stderr.contains("no recorded calls in \(empty)"))
        let corrupt = try scratch.write("corrupt.jsonl", "{\"type\": \"header\"\n")
        let unreadable = try SimrunProcess.run(["learn", corrupt, "--out", out])
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr.contains("corrupt.jsonl"))
        let har = try scratch.write("site.har", Self.har)
        let holdout = try SimrunProcess.run(["learn", har, "--out", out, "--holdout", "1"])
        #expect(holdout.status == 2)
        #expect(holdout.stderr.contains("--holdout: expected a fraction 0 ≤ F < 1, found '1'"))
        let regimes = try SimrunProcess.run(["learn", har, "--out", out, "--regimes", "5"])
        #expect(regimes.status == 2)
        #expect(regimes.stderr.contains("--regimes: expected auto or a number from 1 to 4, found '5'"))
        let missingOut = try SimrunProcess.run(["learn", har])
        #expect(missingOut.status == 2)
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
