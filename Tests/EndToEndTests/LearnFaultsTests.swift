import Foundation
import Testing
import WorldModel

/// `simrun learn` on sweeps: response-fault rules learned back from traces of a scenario with
/// known rules, calls grouped into the scenario's services, and a sweep's archive read as is.
@Suite("simrun learn: response faults, services of traces, sweep archives")
struct LearnFaultsTests {
    /// A catalog with known response-fault rules and a solution of 20 gets and 6 lists, so a
    /// sweep has thousands of answers to count.
    static let faultyCatalog: String = {
        let rows = (1...5).map { n in
            """
            {"id": "I-\(n)", "name": "item \(n)", "price": \(n * 10 + 5).5, "stock": \(n * 3),
             "address": {"city": "city \(n)", "zip": "0\(n)000"}}
            """
        }
        let gets = (0..<20).map { #"{"tool": "catalog_get_item", "args": {"item_id": "I-\#($0 % 5 + 1)"}}"# }
        let lists = (0..<6).map { _ in #"{"tool": "catalog_list_items", "args": {}}"# }
        return """
            {
              "simrun": 1, "name": "faulty-catalog", "title": "A catalog with known response faults",
              "description": "Reads items from a catalog whose answers lose, null and retype fields.",
              "task": {"instruction": "Read the items, then answer done.", "max_steps": 80},
              "data": {"items": [\(rows.joined(separator: ", "))]},
              "services": {"catalog": {"timeout_ms": 5000,
                "regimes": {"steady": {"latency": {"dist": "lognormal", "median_ms": 50, "p99_ms": 200}}},
                "initial": "steady"}},
              "tools": [
                {"name": "catalog_get_item", "service": "catalog", "description": "One item by id.",
                 "input": {"type": "object", "properties": {"item_id": {"type": "string"}}, "required": ["item_id"],
                           "additionalProperties": false},
                 "op": "get", "collection": "items", "key": "args.item_id"},
                {"name": "catalog_list_items", "service": "catalog", "description": "Every item.",
                 "input": {"type": "object", "properties": {}, "additionalProperties": false},
                 "op": "list", "collection": "items"}
              ],
              "faults": [
                {"id": "name-missing", "tool": "catalog_get_item", "kind": "missing_field", "field": "name", "p": 0.1},
                {"id": "price-null", "tool": "catalog_get_item", "kind": "null_field", "field": "price", "p": 0.2},
                {"id": "stock-retyped", "tool": "catalog_get_item", "kind": "wrong_type", "field": "stock", "p": 0.15},
                {"id": "zip-missing", "tool": "catalog_get_item", "kind": "missing_field", "field": "address.zip",
                 "p": 0.1},
                {"id": "item-page", "tool": "catalog_get_item", "kind": "server_error", "status": 502, "html": true,
                 "p": 0.1},
                {"id": "list-cut", "tool": "catalog_list_items", "kind": "malformed_json", "p": 0.08},
                {"id": "list-name-null", "tool": "catalog_list_items", "kind": "null_field", "field": "name",
                 "p": 0.25},
                {"id": "list-error", "tool": "catalog_list_items", "kind": "error_in_ok", "p": 0.05}
              ],
              "checks": [{"name": "answers done", "answer": {"contains": ["done"]}}],
              "solution": [\((gets + lists).joined(separator: ", ")), {"answer": "done"}]
            }
            """
    }()

    /// The trace files a sweep wrote for `name` (the archive and any failing episodes' files).
    func traceFiles(_ directory: String, _ name: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory + "/" + name).sorted()
            .filter { $0.hasSuffix(".jsonl") && !$0.hasSuffix(".index.jsonl") }
            .map { directory + "/" + name + "/" + $0 }
    }

    @Test("response-fault rules and their p are learned back from a 150-episode sweep within 0.03")
    func recoversResponseFaults() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let scenario = try scratch.write("faulty-catalog.json", Self.faultyCatalog)
        let run = try SimrunProcess.run(
            ["run", scenario, "--agent", "naive", "--seeds", "1..150", "--trace-dir", scratch.path + "/traces"])
        #expect(run.status <= 1, "\(run.stdout)\(run.stderr)")
        let inputs = try traceFiles(scratch.path + "/traces", "faulty-catalog")
        let out = scratch.path + "/learned.json"
        let result = try SimrunProcess.run(["learn"] + inputs + ["--out", out, "--regimes", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let learned = try JSON(parsing: String(contentsOfFile: out, encoding: .utf8))
        let rules = learned["faults"]?.arrayValue ?? []
        let truth: [(tool: String, kind: String, field: String?, p: Double)] = [
            ("catalog_get_item", "missing_field", "name", 0.1),
            ("catalog_get_item", "null_field", "price", 0.2),
            ("catalog_get_item", "wrong_type", "stock", 0.15),
            ("catalog_get_item", "missing_field", "address.zip", 0.1),
            ("catalog_get_item", "server_error", nil, 0.1),
            ("catalog_list_items", "malformed_json", nil, 0.08),
            ("catalog_list_items", "null_field", "name", 0.25),
            ("catalog_list_items", "error_in_ok", nil, 0.05),
        ]
        for rule in truth {
            let found = rules.filter {
                $0["tool"]?.stringValue == rule.tool && $0["kind"]?.stringValue == rule.kind
                    && $0["field"]?.stringValue == rule.field
            }
            #expect(found.count == 1, "\(rule.kind) \(rule.field ?? "") on \(rule.tool): \(found)")
            let p = found.first?["p"]?.doubleValue ?? -1
            #expect(
                abs(p - rule.p) <= 0.03, "\(rule.kind) \(rule.field ?? "") on \(rule.tool): p \(p), truth \(rule.p)")
        }
        // Nothing else: no rule for a field no fault touched.
        #expect(rules.count == truth.count, "\(rules)")
        let page = rules.first { $0["kind"]?.stringValue == "server_error" }
        #expect(page?["html"] == true && page?["status"] == 502)
        // The HTML pages are the rule's, not the regime's: no server_error rate besides it.
        let errors = learned["services"]?["catalog"]?["regimes"]?["learned"]?["errors"]
        #expect((errors?["server_error"]?.doubleValue ?? 0) < 0.01, "\(errors.map(\.canonicalText) ?? "none")")
        #expect(result.stdout.contains("fault null_field price: p "))
        #expect(result.stdout.contains("answer schema from "))
        let validate = try SimrunProcess.run(["validate", out])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    }

    @Test("a multi-service scenario's traces learn one service per scenario service, from the sweep's archive")
    func multiServiceArchive() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let run = try SimrunProcess.run([
            "run", SimrunProcess.root + "/scenarios/crm-refund.json", "--seeds", "1..12", "--trace-dir",
            scratch.path + "/traces",
        ])
        #expect(run.status <= 1, "\(run.stderr)")
        let archive = scratch.path + "/traces/crm-refund/passed.jsonl"
        #expect(FileManager.default.fileExists(atPath: archive))
        let out = scratch.path + "/learned.json"
        let result = try SimrunProcess.run(["learn", archive, "--out", out, "--regimes", "1", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSON(parsing: result.stdout)
        let services = report["services"]?.arrayValue ?? []
        #expect(services.compactMap { $0["name"]?.stringValue } == ["crm", "billing"])
        // One sequence per archived episode.
        let episodes = try String(contentsOfFile: archive, encoding: .utf8).split(separator: "\n")
            .filter { $0.contains("\"format\":\"simrun-trace\"") }.count
        #expect(episodes > 1)
        #expect(services.first?["sequences"] == .int(episodes))
        #expect(report["sources"]?[0]?.stringValue?.hasSuffix("(trace archive, \(episodes) episodes)") == true)
        let learned = try JSON(parsing: String(contentsOfFile: out, encoding: .utf8))
        for tool in learned["tools"]?.arrayValue ?? [] {
            let name = tool["name"]?.stringValue ?? ""
            #expect(tool["service"]?.stringValue == (name.hasPrefix("crm_") ? "crm" : "billing"), "\(name)")
        }
        #expect(try SimrunProcess.run(["validate", out]).status == 0)
    }

    @Test("a damaged line in a sweep's archive is named by its line in the whole file, and nothing is written")
    func damagedArchive() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let run = try SimrunProcess.run([
            "run", SimrunProcess.root + "/scenarios/billing-outage.json", "--seeds", "1..6", "--trace-dir",
            scratch.path + "/traces",
        ])
        #expect(run.status <= 1, "\(run.stderr)")
        var lines = try String(contentsOfFile: scratch.path + "/traces/billing-outage/passed.jsonl", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let headers = lines.indices.filter { lines[$0].contains("\"format\":\"simrun-trace\"") }
        try #require(headers.count >= 2)
        // The second step of the second episode.
        let damaged = headers[1] + 2
        lines[damaged] = "{\"type\": \"step\", oops"
        let archive = try scratch.write("passed.jsonl", lines.joined(separator: "\n"))
        let out = scratch.path + "/learned.json"
        let result = try SimrunProcess.run(["learn", archive, "--out", out])
        #expect(result.status == 2)
        #expect(result.stderr.contains("line \(damaged + 1)"), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
