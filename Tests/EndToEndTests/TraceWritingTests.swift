import Foundation
import Testing
import WorldModel

@Suite("Traces through the binary: fault provenance, unwritable traces, trace directories")
struct TraceWritingTests {
    static let disablingOverlay = #"{"simrun_faults": 1, "disable": ["list-gateway"]}"#

    func header(_ path: String) throws -> JSON {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        return try JSON(parsing: String(text.split(separator: "\n").first ?? ""))
    }

    @Test("run --faults with an overlay that disables a rule plays, and the header carries the overlay's SHA-256")
    func overlayDisablingARule() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let overlay = try scratch.write("overlay.json", Self.disablingOverlay)
        let result = try SimrunProcess.run([
            "run", "scenarios/billing-outage.json", "--faults", overlay, "--trace-dir", scratch.path + "/traces",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let path = scratch.path + "/traces/billing-outage/seed-1-trial-1.jsonl"
        let faults = try header(path)["faults"]
        let digest = SHA256.hexDigest(try JSON(parsing: Self.disablingOverlay).canonicalBytes)
        #expect(faults == ["mode": "overlay", "overlay_path": .string(overlay), "overlay_sha256": .string(digest)])
        #expect(result.stdout.contains("replay: simrun replay \(path)\n"))
        let replay = try SimrunProcess.run(["replay", path])
        #expect(replay.status == 0 && replay.stdout.hasPrefix("identical"), "\(replay.stderr)")
    }

    @Test("serve --faults with an overlay that disables a rule starts and records the overlay's SHA-256")
    func serveOverlay() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let overlay = try scratch.write("overlay.json", Self.disablingOverlay)
        let trace = scratch.path + "/serve.jsonl"
        let result = try SimrunProcess.shell(
            "\"$SIMRUN\" serve scenarios/billing-outage.json --faults '\(overlay)' --trace '\(trace)' < /dev/null")
        #expect(result.status == 0, "\(result.stderr)")
        let digest = SHA256.hexDigest(try JSON(parsing: Self.disablingOverlay).canonicalBytes)
        #expect(try header(trace)["faults"]?["overlay_sha256"] == .string(digest))
    }

    @Test(
        "a trace directory that cannot be used exits 2 naming it, before playing, with no replay line",
        arguments: ["FILE", "/proc/simrun-x"])
    func unusableTraceDirectory(_ directory: String) throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let path = directory == "FILE" ? try scratch.write("a-file", "") : directory
        let result = try SimrunProcess.run(["run", "scenarios/crm-refund.json", "--trace-dir", path])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("simrun run: \(path): cannot create the trace's directory: "))
        #expect(!result.stdout.contains("replay"))
    }

    @Test("serve on a full disk exits 3, and a disk that fills mid-episode stops answering calls it cannot record")
    func serveFullDisk() throws {
        let full = try SimrunProcess.run(["serve", "scenarios/crm-refund.json", "--trace", "/dev/full"])
        #expect(full.status == 3)
        #expect(full.stderr.contains("/dev/full: writing the trace failed"))

        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let call =
            #"{"jsonrpc":"2.0","id":ID,"method":"tools/call","params":{"name":"crm_get_customer","arguments":{"customer_id":"C-1042"}}}"#
        let lines =
            [
                #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            ] + (2...6).map { call.replacing("ID", with: String($0)) }
        let input = try scratch.write("input.jsonl", lines.joined(separator: "\n") + "\n")
        let trace = scratch.path + "/t.jsonl"
        // The file-size limit (2 blocks) lets the header and about one step through; SIGXFSZ is
        // ignored so writes fail with EFBIG, as on a full disk. Output goes through `cat`, which
        // has no limit.
        let result = try SimrunProcess.shell(
            "(trap '' XFSZ; ulimit -f 2; exec \"$SIMRUN\" serve scenarios/crm-refund.json --think-time zero "
                + "--trace '\(trace)' < '\(input)') | cat")
        let answers = result.stdout.split(separator: "\n").map { try? JSON(parsing: String($0)) }
        #expect(answers.count == 6)
        let stopped = answers.compactMap { $0?["result"]?["content"]?[0]?["text"]?.stringValue }
            .filter { $0.hasPrefix("simrun stopped this episode: its trace can no longer be written") }
        #expect(stopped.count >= 3, "\(result.stdout)")
        // Once stopped, never an observation again.
        let firstStopped = try #require(answers.firstIndex { $0?["result"]?["isError"] == true })
        #expect(answers[firstStopped...].allSatisfy { $0?["result"]?["isError"] == true })
        #expect(result.stderr.contains("simrun serve: the trace is incomplete:"))
        #expect(!FileManager.default.fileExists(atPath: trace))
    }

    @Test("serve exits 3 when its trace fails mid-episode")
    func serveExitStatus() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let call =
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"crm_get_customer","arguments":{"customer_id":"C-1042"}}}"#
        let input = try scratch.write("input.jsonl", String(repeating: call + "\n", count: 4))
        let result = try SimrunProcess.shell(
            "(trap '' XFSZ; ulimit -f 2; \"$SIMRUN\" serve scenarios/crm-refund.json --think-time zero "
                + "--trace '\(scratch.path)/t.jsonl' < '\(input)' > /dev/null 2>&1; echo \"status $?\") | cat")
        #expect(result.stdout == "status 3\n")
    }

    @Test("a second run into a held trace directory exits 2 and leaves the earlier traces whole")
    func heldDirectory() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let first = try SimrunProcess.run(["run", "scenarios/crm-refund.json", "--trace-dir", scratch.path])
        #expect(first.status == 0)
        let trace = scratch.path + "/crm-refund/seed-1-trial-1.jsonl"
        let before = try Data(contentsOf: URL(fileURLWithPath: trace))
        #expect(!FileManager.default.fileExists(atPath: trace + ".partial"))
        let held = try SimrunProcess.shell(
            "exec 9>'\(scratch.path)/.simrun.lock'; flock -x 9; "
                + "\"$SIMRUN\" run scenarios/crm-refund.json --agent naive --trace-dir '\(scratch.path)'")
        #expect(held.status == 2)
        #expect(held.stderr.contains("the trace directory is in use by another simrun run"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: trace)) == before)
        // The lock file stays behind; with its holder gone it blocks nothing.
        let again = try SimrunProcess.run(["run", "scenarios/crm-refund.json", "--trace-dir", scratch.path])
        #expect(again.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: trace)) == before)
    }

    @Test("an external agent is scored from the trace its server records; a failed start keeps the earlier trace")
    func externalAgent() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let root = SimrunProcess.root
        let submit =
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"submit_answer","arguments":{"answer":"nothing"}}}"#
        let agent =
            "printf '%s\\n' '\(submit)' | \"$SIMRUN_BIN\" serve '\(root)/scenarios/crm-refund.json' --seed \"$SIMRUN_SEED\" "
            + "--trace \"$TRACES/crm-refund/seed-$SIMRUN_SEED-trial-$SIMRUN_TRIAL.jsonl\" > /dev/null"
        let run = try SimrunProcess.shell(
            "export SIMRUN_BIN=\"$SIMRUN\" TRACES='\(scratch.path)'; \"$SIMRUN\" run scenarios/crm-refund.json "
                + "--trace-dir '\(scratch.path)' --agent-cmd '\(agent.replacing("'", with: "'\\''"))'")
        #expect(run.status == 1, "\(run.stderr)")
        let trace = scratch.path + "/crm-refund/seed-1-trial-1.jsonl"
        #expect(run.stdout.contains("    replay  simrun replay \(trace)\n"), "\(run.stdout)")
        let recorded = try Data(contentsOf: URL(fileURLWithPath: trace))
        #expect(try header(trace)["agent"] == "external")
        let config = try JSON(
            parsing: [UInt8](
                try Data(contentsOf: URL(fileURLWithPath: scratch.path + "/crm-refund/seed-1-trial-1.mcp.json"))))
        #expect(config["mcpServers"]?["simrun"]?["args"]?[0] == "serve")

        let failed = try SimrunProcess.run([
            "run", "scenarios/crm-refund.json", "--trace-dir", scratch.path, "--agent-cmd", "true", "--format", "json",
        ])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("the agent exited with status 0 without starting the MCP server"))
        #expect(
            failed.stdout.contains(#""replay": "","#) && failed.stdout.contains(#""trace": null"#), "\(failed.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: trace)) == recorded)
    }
}
