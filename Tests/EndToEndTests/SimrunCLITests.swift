import Foundation
import Testing
import WorldModel

/// A corrupt copy of crm-refund for `simrun validate`, and the line stderr must carry.
struct CorruptFile: Sendable, CustomTestStringConvertible {
    var mistake: String
    var pointer: String
    var value: JSON
    /// The expected stderr line with `FILE` standing for the corrupt file's path.
    var expectedLine: String

    var testDescription: String { mistake }
}

@Suite("simrun CLI, end to end (the built binary)")
struct SimrunCLITests {
    static let corruptFiles: [CorruptFile] = [
        CorruptFile(
            mistake: "wrong type", pointer: "/task/max_steps", value: "40",
            expectedLine: #"FILE: task.max_steps: expected a whole number, found string "40""#),
        CorruptFile(
            mistake: "dangling tool in a solution step", pointer: "/solution/3/tool", value: "billing_refunds",
            expectedLine: "FILE: solution[3].tool: unknown tool 'billing_refunds' (did you mean 'billing_refund'?)"),
        CorruptFile(
            mistake: "unknown field of a row", pointer: "/tools/4/filter",
            value: "row.customer_id == args.customer_id && row.stauts == 'captured'",
            expectedLine: "FILE: tools[4].filter: column 44: unknown field 'stauts' of row (did you mean 'status'?)"),
        CorruptFile(
            mistake: "out-of-range probability", pointer: "/faults/0/p", value: 1.5,
            expectedLine: "FILE: faults[0].p: expected a probability in [0, 1], found 1.5"),
        CorruptFile(
            mistake: "a solution that fails its own checks", pointer: "/solution/3/args/charge_id", value: "CH-55901",
            expectedLine:
                "FILE: solution: the solution does not pass its checks in a fault-free world (no fault rules, no service errors, rate limits or timeouts): 'duplicate CH-55917 refunded exactly once' (count('refunds', row.charge_id == 'CH-55917') == 1 was false); 'duplicate CH-55917 marked refunded' (get('charges', 'CH-55917').status == 'refunded' was false); 'original charge CH-55901 untouched' (get('charges', 'CH-55901').status == 'captured' was false); 'no other charge refunded' (count('refunds', row.charge_id != 'CH-55917') == 0 was false)"
        ),
    ]

    /// A stack trace or crash report in any form the runtime prints one.
    static func looksLikeCrash(_ text: String) -> Bool {
        ["Fatal error", "Stack dump", "Backtrace", "Current stack trace", "💣", "Illegal instruction", "internal error"]
            .contains { text.contains($0) }
    }

    static func shippedScenario() throws -> JSON {
        try JSON(
            parsing: [UInt8](Data(contentsOf: URL(fileURLWithPath: SimrunProcess.root + "/scenarios/crm-refund.json"))))
    }

    @Test("bench with an unknown group exits 2 naming the groups, and runs nothing")
    func benchUnknownGroup() throws {
        let result = try SimrunProcess.run(["bench", "--group", "worldmodel"])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("unknown benchmark group 'worldmodel'"))
        #expect(result.stderr.contains("world-model"))
    }

    @Test("bench reads the shipped thresholds from its resource bundle; a filter matching nothing runs nothing")
    func benchShippedThresholds() throws {
        let result = try SimrunProcess.run(["bench", "--group", "json", "--filter", "no such benchmark"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.hasPrefix("group  benchmark"))
    }

    @Test("bench with a malformed thresholds file exits 2 naming the file and the JSON path, and runs nothing")
    func benchMalformedThresholds() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("thresholds-\(UUID().uuidString).json")
        try Data(#"{"simrun_benchmark_thresholds": 1, "ratios": [{"group": "json", "min_speedup": 2}]}"#.utf8).write(
            to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try SimrunProcess.run(["bench", "--thresholds", file.path])
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(
            result.stderr
                == "simrun bench: \(file.path): ratios[0]: expected a member \"comparison\", found none\n")
        let missing = try SimrunProcess.run(["bench", "--thresholds", "/nonexistent/t.json"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/t.json: expected a readable thresholds file, found no such file"))
    }

    @Test("validate on every shipped scenario (and the schema beside them) exits 0")
    func validateShipped() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: SimrunProcess.root + "/scenarios")
            .filter { $0.hasSuffix(".json") }.sorted().map { "scenarios/" + $0 }
        #expect(files.count >= 6)
        let result = try SimrunProcess.run(["validate"] + files)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr == "")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == files.count)
        #expect(lines.allSatisfy { $0.hasPrefix("ok   scenarios/") })
        #expect(
            result.stdout.contains(
                "ok   scenarios/crm-refund.json: crm-refund — 6 tools, 5 fault rules, 9 checks; solution passes in 5 steps"
            ))
    }

    @Test(
        "validate on a corrupt copy exits 2 with the exact path on stderr and no success on stdout",
        arguments: corruptFiles)
    func validateCorrupt(_ corrupt: CorruptFile) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var document = try Self.shippedScenario()
        try document.setValue(corrupt.value, at: JSONPointer(corrupt.pointer))
        let file = try scratch.write("corrupt.json", document.prettyText)
        let result = try SimrunProcess.run(["validate", file])
        #expect(result.status == 2)
        let expected = corrupt.expectedLine.replacingOccurrences(of: "FILE", with: file)
        #expect(result.stderr.split(separator: "\n").contains { $0 == expected }, "stderr: \(result.stderr)")
        #expect(!result.stdout.contains("ok "))
        #expect(result.stdout == "FAIL \(file)\n")
        #expect(!Self.looksLikeCrash(result.stderr))
    }

    @Test("a scenario that names its $schema is still validated as a scenario")
    func validateScenarioWithSchemaReference() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var document = try Self.shippedScenario()
        try document.setValue("./schema.json", at: JSONPointer("/$schema"))
        try document.setValue("40", at: JSONPointer("/task/max_steps"))
        let file = try scratch.write("named.json", document.prettyText)
        let result = try SimrunProcess.run(["validate", file])
        #expect(result.status == 2)
        #expect(result.stderr == "\(file): task.max_steps: expected a whole number, found string \"40\"\n")
    }

    @Test("validate reports every bad file and still exits 2 when others are fine")
    func validateMixed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var document = try Self.shippedScenario()
        try document.setValue("crn", at: JSONPointer("/tools/0/service"))
        try document.setValue("40", at: JSONPointer("/task/max_steps"))
        let bad = try scratch.write("bad.json", document.prettyText)
        let result = try SimrunProcess.run(["validate", "scenarios/crm-refund.json", bad])
        #expect(result.status == 2)
        #expect(result.stdout.hasPrefix("ok   scenarios/crm-refund.json: "))
        #expect(result.stdout.hasSuffix("FAIL \(bad)\n"))
        #expect(
            result.stderr == """
                \(bad): task.max_steps: expected a whole number, found string "40"
                \(bad): tools[0].service: unknown service 'crn' (did you mean 'crm'?)

                """)
    }

    @Test("list prints a table of the shipped scenarios")
    func list() throws {
        let result = try SimrunProcess.run(["list", "scenarios"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "NAME              TOOLS  FAULTS  CHECKS  TITLE")
        #expect(lines.contains("crm-refund            6       5       9  Refund a duplicated charge"))
        #expect(lines.count == 6)
        for name in ["billing-outage", "crm-refund", "inventory-sync", "ticket-triage", "warehouse-report"] {
            #expect(lines.contains { $0.hasPrefix(name + " ") })
        }
    }

    @Test("list marks a file that does not load, on one line, and exits 2")
    func listBroken() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        var document = try Self.shippedScenario()
        try document.setValue("row.stauts == 'x'", at: JSONPointer("/checks/0/expect"))
        let file = try scratch.write("broken.json", document.prettyText)
        let result = try SimrunProcess.run(["list", scratch.path])
        #expect(result.status == 2)
        #expect(result.stdout.split(separator: "\n").count == 2)
        let row = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(row.hasPrefix("broken.json "))
        #expect(row.hasSuffix("  does not load: \(file): checks[0].expect: column 5: unknown field 'stauts' of row"))
    }

    @Test(
        "run with bad input exits 2 with a clear message and no stack trace",
        arguments: [
            (["run", "/nonexistent/scenario.json"], "/nonexistent/scenario.json: no such file\n"),
            (
                ["run", "scenarios/crm-refund.json", "--bogus"],
                "simrun run: unknown option '--bogus'\nRun 'simrun run --help' for usage.\n"
            ),
            (
                ["run", "scenarios/crm-refund.json", "--seeds", "x"],
                "simrun run: --seeds takes a range like 1..50, not 'x'\nRun 'simrun run --help' for usage.\n"
            ),
            (["frobnicate"], "simrun: unknown command 'frobnicate'\nRun 'simrun --help' for the list of commands.\n"),
            (
                ["validate"],
                "simrun validate: give at least one scenario FILE\nRun 'simrun validate --help' for usage.\n"
            ),
        ])
    func badInput(_ arguments: [String], _ expectedStderr: String) throws {
        let result = try SimrunProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr == expectedStderr)
        #expect(result.stdout == "")
    }

    @Test("run on malformed JSON exits 2 naming the file, line and column")
    func malformedJSON() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.write("truncated.json", "{\"simrun\": 1,\n")
        let result = try SimrunProcess.run(["run", file])
        #expect(result.status == 2)
        #expect(
            result.stderr == "\(file): not valid JSON: line 2, column 1: expected a string key, found end of input\n")
        #expect(!Self.looksLikeCrash(result.stderr))
    }

    @Test("--help and run --help print usage and exit 0")
    func help() throws {
        let overview = try SimrunProcess.run(["--help"])
        #expect(overview.status == 0)
        #expect(overview.stdout.contains("usage: simrun <command> [options]"))
        for command in ["list", "validate", "run"] { #expect(overview.stdout.contains("  \(command) ")) }
        let run = try SimrunProcess.run(["run", "--help"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("usage: simrun run FILE"))
        #expect(run.stdout.contains("--no-faults"))
        let validate = try SimrunProcess.run(["help", "validate"])
        #expect(validate.status == 0)
        #expect(validate.stdout.hasPrefix("usage: simrun validate FILE"))
    }
}
