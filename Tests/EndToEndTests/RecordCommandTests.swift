import Foundation
import Testing
import WorldModel

/// `simrun record` driven as a user would: through a shell, with `simrun serve` or small shell
/// commands as the recorded server.
@Suite("simrun record: the recording MCP proxy")
struct RecordCommandTests {
    static let requests =
        [
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"crm_get_ticket","arguments":{"ticket_id":"T-7031"}}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"crm_get_ticket","arguments":{"ticket_id":"T-0"}}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}"#,
            #"not json at all"#,
            #"{"jsonrpc":"2.0","id":5,"method":"ping"}"#,
        ].joined(separator: "\n") + "\n"

    static let serve = "\"$SIMRUN\" serve scenarios/crm-refund.json --seed 3 --think-time zero"

    func inspect(_ path: String) throws -> JSON {
        let result = try SimrunProcess.run(["record", "--inspect", "--format", "json", path])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSON(parsing: result.stdout)
    }

    @Test("the client sees exactly what the server says, and the recording holds the tools and every call")
    func relaysAndRecords() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let input = try scratch.write("requests.jsonl", Self.requests)
        let direct = try SimrunProcess.shell("\(Self.serve) < '\(input)'")
        let proxied = try SimrunProcess.shell(
            "\"$SIMRUN\" record --out '\(scratch.path)/rec.jsonl' -- \(Self.serve) < '\(input)'")
        #expect(direct.status == 0)
        #expect(proxied.status == 0, "\(proxied.stderr)")
        #expect(!direct.stdout.isEmpty)
        #expect(proxied.stdout == direct.stdout)
        #expect(proxied.stderr.contains("simrun serve: crm-refund, seed 3"))
        let traffic = try inspect(scratch.path + "/rec.jsonl")
        let file = try #require(traffic[0])
        #expect(file["kind"] == "recording")
        #expect((file["tools"]?.arrayValue?.count ?? 0) > 3)
        let calls = try #require(file["services"]?[0]?["calls"]?.arrayValue)
        #expect(calls.map { $0["tool"] } == ["crm_get_ticket", "crm_get_ticket", "no_such_tool"])
        #expect(calls.map { $0["status"] } == [200, 404, JSON.null])
        #expect(calls.map { $0["outcome"] } == ["ok", "client_error", "client_error"])
        #expect(file["services"]?[0]?["name"] == "simrun")
        let lines = try String(contentsOfFile: scratch.path + "/rec.jsonl", encoding: .utf8).split(separator: "\n")
        let header = try JSON(parsing: String(lines[0]))
        #expect(header["protocol_version"] == "2025-06-18")
        #expect(header["server"]?["args"]?[0] == "serve")
    }

    @Test("--append adds numbered sessions and drops a last line cut short")
    func append() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let input = try scratch.write("requests.jsonl", Self.requests)
        let out = scratch.path + "/rec.jsonl"
        let command = "\"$SIMRUN\" record --out '\(out)' --append --name crm -- \(Self.serve) < '\(input)' > /dev/null"
        #expect(try SimrunProcess.shell(command).status == 0)
        // A cut-short line, as a kill in the middle of a write would leave.
        #expect(try SimrunProcess.shell("printf '{\"type\":\"ca' >> '\(out)'").status == 0)
        let second = try SimrunProcess.shell(command)
        #expect(second.status == 0)
        #expect(second.stderr.contains("dropping its last line, which was cut short"))
        let calls = try #require(try inspect(out)[0]?["services"]?[0]?["calls"]?.arrayValue)
        #expect(calls.map { $0["session"] } == [1, 1, 1, 2, 2, 2])
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.split(separator: "\n").allSatisfy { (try? JSON(parsing: String($0))) != nil })
    }

    @Test("the server's exit status and signals pass through; a server that cannot start is a clear error")
    func exitAndSignals() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let out = scratch.path + "/rec.jsonl"
        let exited = try SimrunProcess.shell("\"$SIMRUN\" record --out '\(out)' -- sh -c 'echo to-stderr >&2; exit 7'")
        #expect(exited.status == 7)
        #expect(exited.stderr == "to-stderr\n")
        let signalled = try SimrunProcess.shell(
            "\"$SIMRUN\" record --out '\(out)' -- sleep 30 & pid=$!; sleep 1; kill -TERM $pid; wait $pid; echo $?")
        #expect(signalled.stdout == "143\n")
        let missing = try SimrunProcess.run(["record", "--out", out, "--", "no-such-server-for-simrun"])
        #expect(missing.status == 2)
        #expect(
            missing.stderr
                == "simrun record: cannot start the server 'no-such-server-for-simrun': no such command on PATH\n")
        let helpOfServer = try SimrunProcess.shell("\"$SIMRUN\" record --out '\(out)' -- sh -c 'echo \"$0\"' --help")
        #expect(helpOfServer.stdout == "--help\n")
        let usage = try SimrunProcess.run(["record", "--out", out])
        #expect(usage.status == 2)
        #expect(usage.stderr.hasPrefix("simrun record: missing the server command after '--'"))
    }

    @Test("a recording that cannot be written leaves the session untouched and says so")
    func unwritable() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let input = try scratch.write("requests.jsonl", Self.requests)
        let direct = try SimrunProcess.shell("\(Self.serve) < '\(input)'")
        let proxied = try SimrunProcess.shell(
            "\"$SIMRUN\" record --out '\(scratch.path)/missing/rec.jsonl' -- \(Self.serve) < '\(input)'")
        #expect(proxied.status == 0)
        #expect(proxied.stdout == direct.stdout)
        #expect(proxied.stderr.contains("simrun record: not recording: cannot open"))
        #expect(proxied.stderr.contains("no such file"))

        // --append never writes into a file that is not a recording.
        let foreign = try scratch.write("notes.txt", "not a recording\n")
        let appended = try SimrunProcess.shell(
            "\"$SIMRUN\" record --out '\(foreign)' --append -- \(Self.serve) < '\(input)'")
        #expect(appended.status == 0)
        #expect(appended.stdout == direct.stdout)
        #expect(appended.stderr.contains("is not a simrun recording (line 1 is no recording header)"))
        #expect(try String(contentsOfFile: foreign, encoding: .utf8) == "not a recording\n")
    }

    @Test("kill -9 of the proxy mid-session leaves a recording every line of which parses")
    func killed() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let input = try scratch.write("requests.jsonl", Self.requests)
        let out = scratch.path + "/rec.jsonl"
        let result = try SimrunProcess.shell(
            "(cat '\(input)'; sleep 3) | \"$SIMRUN\" record --out '\(out)' -- \(Self.serve) > /dev/null 2>&1 & "
                + "pid=$!; sleep 1.5; kill -9 $pid; wait $pid; echo $?")
        #expect(result.stdout == "137\n")
        let traffic = try inspect(out)
        #expect(traffic[0]?["services"]?[0]?["calls"]?.arrayValue?.count == 3)
    }

    @Test("--inspect reads traces and HAR files, and corrupt files exit 2 naming file, line and member")
    func inspectErrors() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let corrupt = try scratch.write(
            "bad.jsonl",
            #"{"type":"header","format":"simrun-recording","version":1,"session":1,"recorder":"x","started_at":"t","server":{"name":"s","command":"c","args":[]},"protocol_version":null,"client_info":null,"server_info":null}"#
                + "\n"
                + #"{"type":"call","session":1,"id":1,"tool":"t","arguments":[],"at_ms":1,"latency_ms":1,"result":null,"error":null}"#
                + "\n")
        let result = try SimrunProcess.run(["record", "--inspect", corrupt])
        #expect(result.status == 2)
        #expect(result.stderr == "simrun record: \(corrupt): line 2: arguments: expected an object, found array []\n")
        let har = try scratch.write(
            "a.har", #"{"log": {"version": "1.2", "entries": [{"startedDateTime": "2026-01-01T00:00:00Z"}]}}"#)
        let harResult = try SimrunProcess.run(["record", "--inspect", har])
        #expect(harResult.status == 2)
        #expect(harResult.stderr == "simrun record: \(har): log.entries[0].time: expected a value, found missing\n")
        let mixed = try SimrunProcess.run(["record", "--inspect", har, "--out", "x"])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.hasPrefix("simrun record: --inspect reads files; --out is for recording"))

        let traces = scratch.path + "/traces"
        let run = try SimrunProcess.run(["run", "scenarios/crm-refund.json", "--seed", "2", "--trace-dir", traces])
        #expect(run.status <= 1)
        let text = try SimrunProcess.shell("\"$SIMRUN\" record --inspect '\(traces)'/crm-refund/*.jsonl")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains(": simrun trace, "))
        // Calls are grouped by the scenario's services (the scenario file is found).
        #expect(text.stdout.contains("  service crm: "))
    }
}
