import Foundation
import Testing
import WorldModel

/// Shell-quotes `text` for `SimrunProcess.shell`.
private func quoted(_ text: String) -> String {
    "'" + text.replacing("'", with: "'\\''") + "'"
}

@Suite("Agent teams that do not write Swift: one episode per server, tool export, any directory")
struct AgentTeamsTests {
    static let submit =
        #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"submit_answer","arguments":{"answer":"x"}}}"#

    @Test("serve --trace over a trace refuses with exit 2, names the per-call clients and --http, and keeps it")
    func refusesToOverwrite() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let trace = scratch.path + "/t.jsonl"
        let first = try SimrunProcess.shell(
            "printf '%s\\n' \(quoted(Self.submit)) | \"$SIMRUN\" serve crm-refund --trace \(quoted(trace)) > /dev/null")
        #expect(first.status == 0, "\(first.stderr)")
        let recorded = try Data(contentsOf: URL(fileURLWithPath: trace))
        let second = try SimrunProcess.run(["serve", "crm-refund", "--trace", trace])
        #expect(second.status == 2)
        #expect(second.stderr.contains("already holds a trace"))
        #expect(second.stderr.contains("LangChain") && second.stderr.contains("--http"), "\(second.stderr)")
        #expect(!second.stderr.contains("Fatal") && !second.stderr.contains("Stack"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: trace)) == recorded)
        #expect(!FileManager.default.fileExists(atPath: trace + ".partial"))
    }

    @Test("an agent whose client starts the stdio server twice fails 'one MCP session per episode'")
    func twoServersFailTheEpisode() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // A per-call client: every "call" starts the server from the config again.
        let serveOnce =
            #"python3 -c 'import json,os,subprocess,sys; c=json.load(open(os.environ["SIMRUN_MCP_CONFIG"]))["mcpServers"]["simrun"]; "#
            + #"assert c["transport"]=="stdio"; subprocess.run([c["command"]]+c["args"], input=sys.argv[1].encode()+b"\n", stdout=subprocess.DEVNULL)' "#
            + quoted(Self.submit)
        let result = try SimrunProcess.run([
            "run", "crm-refund", "--trace-dir", scratch.path, "--format", "json", "--agent-cmd",
            "\(serveOnce); \(serveOnce); \(serveOnce)",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let json = try JSON(parsing: result.stdout)
        let checks = try #require(json["episodes"]?[0]?["failed_checks"]?.arrayValue)
        let sessions = try #require(checks.first { $0["name"] == "one MCP session per episode" })
        #expect(sessions["evidence"]?.stringValue?.hasPrefix("3 MCP sessions in one episode") == true, "\(sessions)")
        #expect(json["episodes"]?[0]?["replay"]?.stringValue?.hasPrefix("simrun replay ") == true)
    }

    @Test("an agent that never connects fails 'the agent connected to the MCP server', with no trace nor replay")
    func neverConnects() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        for http in [false, true] {
            let result = try SimrunProcess.run(
                ["run", "crm-refund", "--trace-dir", scratch.path, "--agent-cmd", "true"] + (http ? ["--http"] : []))
            #expect(result.status == 1)
            #expect(result.stdout.contains("the agent connected to the MCP server"), "\(result.stdout)")
            #expect(!result.stdout.contains("the agent finished the episode"))
            #expect(!result.stdout.contains("replay"), "\(result.stdout)")
            #expect(!FileManager.default.fileExists(atPath: scratch.path + "/crm-refund/seed-1-trial-1.jsonl"))
        }
    }

    @Test("run --agent-cmd --http hands the agent SIMRUN_MCP_URL and a url config, and scores the server's trace")
    func runOverHTTP() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let agent = try scratch.write(
            "agent.py",
            """
            import json, os, urllib.request
            url = os.environ["SIMRUN_MCP_URL"]
            assert json.load(open(os.environ["SIMRUN_MCP_CONFIG"]))["mcpServers"]["simrun"] == {"transport": "streamable_http", "url": url}
            def post(message, session=None):
                headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
                if session: headers["Mcp-Session-Id"] = session
                request = urllib.request.Request(url, data=json.dumps(message).encode(), headers=headers, method="POST")
                with urllib.request.urlopen(request) as response:
                    return response.headers.get("Mcp-Session-Id"), response.read()
            def call(name, arguments):
                session, _ = post({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
                post({"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
                post({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": name, "arguments": arguments}}, session)
            call("crm_get_ticket", {"ticket_id": "T-7031"})
            call("crm_get_customer", {"customer_id": "C-1042"})
            call("submit_answer", {"answer": "nothing refunded"})
            """)
        let result = try SimrunProcess.run([
            "run", "crm-refund", "--trace-dir", scratch.path, "--http", "--agent-cmd", "python3 \(quoted(agent))",
        ])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(!result.stdout.contains("one MCP session per episode"))
        let trace = scratch.path + "/crm-refund/seed-1-trial-1.jsonl"
        let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: trace)), as: UTF8.self)
            .split(separator: "\n")
        #expect(lines.count == 4)  // header, two steps, verdict
        #expect(try JSON(parsing: String(lines[3]))["answer"] == "nothing refunded")
        let replay = try SimrunProcess.run(["replay", trace])
        #expect(replay.stdout.hasPrefix("identical (2 steps)"), "\(replay.stdout)\(replay.stderr)")
        let usage = try SimrunProcess.run(["run", "crm-refund", "--http"])
        #expect(usage.status == 2 && usage.stderr.contains("--http needs --agent-cmd"))
    }

    @Test("under serve --realtime, a cancelled call is in the trace as a cancellation line; replay is identical")
    func cancelledCallIsTraced() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let trace = scratch.path + "/t.jsonl"
        // crm_get_ticket's latency times 1000 holds the answer for about a minute; the cancellation ends it.
        let script = """
            python3 - "$SIMRUN" \(quoted(trace)) <<'PY'
            import json, subprocess, sys
            server = subprocess.Popen([sys.argv[1], "serve", "crm-refund", "--seed", "2", "--trace", sys.argv[2],
                                       "--realtime=1000", "--think-time", "zero"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            def send(message):
                server.stdin.write((json.dumps(message) + "\\n").encode())
                server.stdin.flush()
            send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
            server.stdout.readline()
            send({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "crm_get_ticket", "arguments": {"ticket_id": "T-7031"}}})
            send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 2, "reason": "timeout"}})
            send({"jsonrpc": "2.0", "id": 3, "method": "ping"})
            print(json.loads(server.stdout.readline())["id"])
            server.stdin.close()
            print("exit", server.wait(timeout=60))
            PY
            """
        let result = try SimrunProcess.shell(script)
        #expect(result.stdout == "3\nexit 0\n", "\(result.stdout)\(result.stderr)")
        let lines = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)  // header, the step, its cancellation, verdict
        #expect(lines.count > 2 && lines[2] == #"{"step":1,"type":"cancelled"}"#)
        let replay = try SimrunProcess.run(["replay", trace])
        #expect(replay.stdout.hasPrefix("identical (1 step)"), "\(replay.stdout)\(replay.stderr)")
        let shown = try SimrunProcess.run(["replay", trace, "--show"])
        #expect(shown.stdout.contains("the agent cancelled the call before the answer came"), "\(shown.stdout)")
    }

    @Test("serve --http writes its port, serves, and ends the episode with a complete trace on SIGTERM")
    func serveHTTPUntilTerminated() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let trace = scratch.path + "/t.jsonl"
        let port = scratch.path + "/port"
        let script = """
            "$SIMRUN" serve crm-refund --seed 2 --trace \(quoted(trace)) --http 127.0.0.1:0 --port-file \(quoted(port)) 2> \(quoted(scratch.path + "/log")) &
            pid=$!
            for i in $(seq 1 100); do [ -s \(quoted(port)) ] && break; sleep 0.05; done
            python3 - "$(cat \(quoted(port)))" <<'PY'
            import json, sys, urllib.request, urllib.error
            url = "http://127.0.0.1:%s/mcp" % sys.argv[1]
            def post(message, headers={}):
                request = urllib.request.Request(url, data=json.dumps(message).encode(), method="POST",
                                                 headers=dict({"Content-Type": "application/json"}, **headers))
                try:
                    with urllib.request.urlopen(request) as response:
                        return response.status, response.headers.get("Mcp-Session-Id")
                except urllib.error.HTTPError as error:
                    return error.code, None
            init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
            print(post(init, {"Origin": "http://evil.example"})[0])
            print(post(init, {"Host": "evil.example:%s" % sys.argv[1]})[0])
            status, session = post(init)
            print(status)
            print(post({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "crm_get_ticket", "arguments": {"ticket_id": "T-7031"}}}, {"Mcp-Session-Id": session})[0])
            PY
            kill -TERM $pid
            wait $pid
            echo "exit $?"
            """
        let result = try SimrunProcess.shell(script)
        #expect(result.stdout == "403\n421\n200\n200\nexit 0\n", "\(result.stdout)\(result.stderr)")
        let replay = try SimrunProcess.run(["replay", trace])
        #expect(replay.stdout.hasPrefix("identical (1 step)"), "\(replay.stdout)\(replay.stderr)")
        let log = try String(contentsOfFile: scratch.path + "/log", encoding: .utf8)
        #expect(log.contains("MCP Streamable HTTP at http://127.0.0.1:"))
        for (arguments, message) in [
            (["serve", "crm-refund", "--http", "70000"], "--http takes [HOST:]PORT"),
            (["serve", "crm-refund", "--port-file", "p"], "--port-file needs --http"),
            (["serve", "crm-refund", "--max-sessions", "4"], "--max-sessions needs --http"),
            (["serve", "crm-refund", "--http", "0", "--max-sessions", "0"], "--max-sessions"),
            (["serve", "crm-refund", "--http", "203.0.113.1:0"], "cannot listen on 203.0.113.1:0"),
        ] {
            let bad = try SimrunProcess.run(arguments)
            #expect(bad.status == 2 && bad.stderr.contains(message), "\(arguments): \(bad.stderr)")
        }
    }

    @Test("tools prints every tool and submit_answer in MCP, OpenAI and Anthropic formats, cursor declared")
    func toolExport() throws {
        let mcp = try JSON(parsing: try SimrunProcess.run(["tools", "crm-refund"]).stdout)
        let mcpTools = try #require(mcp["tools"]?.arrayValue)
        #expect(mcpTools.last?["name"] == "submit_answer")
        let list = try #require(mcpTools.first { $0["name"] == "billing_list_charges" })
        #expect(list["inputSchema"]?["properties"]?["cursor"]?["type"] == ["string", "null"])
        #expect(list["annotations"]?["readOnlyHint"] == true)
        let openai = try JSON(parsing: try SimrunProcess.run(["tools", "crm-refund", "--format", "openai"]).stdout)
        #expect(openai.arrayValue?.count == mcpTools.count)
        #expect(openai[0]?["type"] == "function")
        #expect(openai[0]?["function"]?["parameters"] == mcpTools[0]["inputSchema"])
        let anthropic = try JSON(
            parsing: try SimrunProcess.run(["tools", "crm-refund", "--format", "anthropic"]).stdout)
        #expect(anthropic[0]?["input_schema"] == mcpTools[0]["inputSchema"])
        #expect(anthropic[0]?["name"] == mcpTools[0]["name"])
        let missing = try SimrunProcess.run(["tools", "no-such-scenario"])
        #expect(missing.status == 2 && !missing.stderr.isEmpty)
    }

    @Test("from another directory: a shipped scenario by name, list, and replay of a trace made with a relative path")
    func anyDirectory() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let root = SimrunProcess.root
        let elsewhere = try SimrunProcess.shell(
            "cd \(quoted(scratch.path)) && \"$SIMRUN\" run crm-refund --trace-dir traces && \"$SIMRUN\" list")
        #expect(elsewhere.status == 0, "\(elsewhere.stderr)")
        #expect(elsewhere.stdout.contains("crm-refund") && elsewhere.stdout.contains("ticket-triage"))
        // A trace made from the project root records "scenarios/crm-refund.json".
        try FileManager.default.createDirectory(
            atPath: scratch.path + "/project/scenarios", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: root + "/scenarios/crm-refund.json", toPath: scratch.path + "/project/scenarios/crm-refund.json")
        let made = try SimrunProcess.shell(
            "cd \(quoted(scratch.path + "/project")) && \"$SIMRUN\" run scenarios/crm-refund.json --trace-dir out")
        #expect(made.status == 0, "\(made.stderr)")
        let replay = try SimrunProcess.shell(
            "cd / && \"$SIMRUN\" replay \(quoted(scratch.path + "/project/out/crm-refund/seed-1-trial-1.jsonl"))")
        #expect(replay.stdout.hasPrefix("identical"), "\(replay.stdout)\(replay.stderr)")
        let named = try SimrunProcess.shell(
            "cd \(quoted(scratch.path)) && SIMRUN_SCENARIOS=\(quoted(scratch.path + "/project/scenarios")) "
                + "\"$SIMRUN\" validate crm-refund")
        #expect(named.status == 0, "\(named.stdout)\(named.stderr)")
    }
}
