#!/usr/bin/env python3
"""Checks `simrun learn` against real recordings (issue 14); Tests/Interop/record.sh runs it.

  learn_check.py crud SIMRUN WORKDIR
      Records the stateful fixture server Tests/Interop/crud_server.py (in --chaos mode: slow
      and failing calls) through `simrun record --append`, 10 sessions of 60 calls each drawn
      from a seeded Python random stream, and learns it with --holdout 0.2 (the last two
      sessions held out). Checks that learn infers get, list, create, update and delete for the
      CRUD tools (set_record_status an update whose argument new_status sets the field status)
      and `recorded` for count_records; that the scenario validates; and, replaying
      each held-out session against `simrun serve` of the learned scenario (a fresh episode per
      session, as the server restarted per session), that at least 95 % of the read calls
      (get_record, list_records) answer exactly the recorded body (a recorded 404 must be a 404).
      Calls the real server failed with 503 (chaos: nothing applied) are not replayed; calls
      the simulation fails with a learned server error, timeout or 429 are retried, as an agent
      would. Then records four more sessions apart and runs `simrun fidelity` of the learned
      scenario against them: create_record's and update_record's `write body` figures pass with
      at least 95 % of their comparable calls answered as recorded, and delete_record answers the
      recorded shape. Prints the figures.
  learn_check.py git SIMRUN RECORDING
      Learns a recording of mcp-server-git (made by record_check.py git) into a scenario that
      `simrun validate` accepts, serves it, and with the official SDK client lists its tools and
      calls each learned tool with its first recorded arguments (again after a learned server
      error): each answers exactly the text it answered in the recording.
Exit status 0 when every check held.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
FAILURES: list[str] = []
SESSIONS, CALLS, HOLDOUT = 10, 60, 0.2
READS = {"get_record", "list_records"}


def check(condition: bool, label: str) -> None:
    print(("ok   " if condition else "FAIL ") + label, flush=True)
    if not condition:
        FAILURES.append(label)


class Client:
    """A minimal MCP client over a child's stdio (one JSON-RPC message per line)."""

    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self.next_id = 0
        self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                    "clientInfo": {"name": "learn-check", "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        self.tools = [tool["name"] for tool in self.request("tools/list")["tools"]]

    def send(self, message: dict[str, Any]) -> None:
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit(f"the server ended before answering {method}")
            answer = json.loads(line)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise SystemExit(f"{method} failed: {answer['error']}")
                return answer["result"]

    def call(self, tool: str, arguments: dict[str, Any]) -> tuple[int, Any]:
        result = self.request("tools/call", {"name": tool, "arguments": arguments})
        status = (result.get("_meta") or {}).get("status", 500 if result.get("isError") else 200)
        body = result.get("structuredContent")
        if body is None:
            text = "".join(item.get("text", "") for item in result.get("content", []))
            try:
                body = json.loads(text)
            except ValueError:
                body = text
        return status, body

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def plan_call(rng: random.Random, known: list[str], gone: list[str], step: int) -> tuple[str, dict[str, Any]]:
    """The next call of a session: mostly valid ids, sometimes a deleted or unknown one."""
    if step == 0:
        return "list_records", {}
    roll = rng.random()

    def some_id() -> str:
        if gone and rng.random() < 0.1:
            return rng.choice(gone)
        return rng.choice(known) if known else "RC-1"

    if roll < 0.32:
        return "get_record", {"record_id": some_id()}
    if roll < 0.45:
        return "list_records", {}
    if roll < 0.60:
        return "create_record", {"title": f"Ticket {rng.randrange(1000)}", "priority": rng.randint(1, 3),
                                 "owner": rng.choice(["ana", "bo", "chen", "dev"])}
    if roll < 0.80:
        arguments: dict[str, Any] = {"record_id": some_id()}
        for field, values in [("title", [f"Renamed {rng.randrange(100)}"]), ("priority", [1, 2, 3]),
                              ("status", ["open", "closed", "pending"])]:
            if rng.random() < 0.5:
                arguments[field] = rng.choice(values)
        if len(arguments) == 1:
            arguments["status"] = "pending"
        return "update_record", arguments
    if roll < 0.88:
        return "delete_record", {"record_id": some_id()}
    if roll < 0.94:
        return "count_records", {"status": rng.choice(["open", "closed", "pending"])}
    return "set_record_status", {"record_id": some_id(), "new_status": rng.choice(["open", "closed", "pending"])}


def record_crud(simrun: str, recording: str, sessions: range = range(1, SESSIONS + 1)) -> None:
    for session in sessions:
        client = Client([simrun, "record", "--append", "--out", recording, "--", sys.executable,
                         os.path.join(HERE, "crud_server.py"), "--chaos", "--seed", str(session)])
        rng = random.Random(1000 + session)
        known = [f"RC-{n}" for n in range(1, 13)]
        gone: list[str] = []
        for step in range(CALLS):
            tool, arguments = plan_call(rng, known, gone, step)
            status, body = client.call(tool, arguments)
            if tool == "create_record" and status < 300:
                known.append(body["id"])
            if tool == "delete_record" and status < 300:
                known.remove(arguments["record_id"])
                gone.append(arguments["record_id"])
        client.close()


def check_crud(simrun: str, work: str) -> None:
    os.makedirs(work, exist_ok=True)
    recording = os.path.join(work, "crud.jsonl")
    record_crud(simrun, recording)
    learned, report_path = os.path.join(work, "learned.json"), os.path.join(work, "report.txt")
    out = subprocess.run([simrun, "learn", recording, "--out", learned, "--holdout", str(HOLDOUT), "--report",
                          report_path, "--format", "json"], capture_output=True, text=True)
    check(out.returncode == 0, f"simrun learn of {SESSIONS * CALLS} recorded calls exits 0 {out.stderr.strip()}")
    if out.returncode != 0:
        return
    report = json.loads(out.stdout)
    ops = {tool["name"]: tool["op"] for tool in report["tools"]}
    expected = {"create_record": "create", "get_record": "get", "list_records": "list", "update_record": "update",
                "delete_record": "delete", "count_records": "recorded", "set_record_status": "update"}
    check(ops == expected, f"learn infers get, list, create, update, delete and recorded: {ops}")
    sets = {tool["name"]: tool.get("set") for tool in json.load(open(learned, encoding="utf-8"))["tools"]}
    check(sets.get("set_record_status") == {"status": "args.new_status"},
          f"set_record_status sets status from its argument new_status: {sets.get('set_record_status')}")
    for tool in report["tools"]:
        for line in tool["rejected"]:
            print(f"     {tool['name']}: {line}")
    check(report["services"][0]["held_out"] == SESSIONS * CALLS * HOLDOUT,
          f"the last {int(SESSIONS * CALLS * HOLDOUT)} calls (two sessions) are held out")
    validate = subprocess.run([simrun, "validate", learned], capture_output=True, text=True)
    check(validate.returncode == 0, f"the learned scenario validates {validate.stdout.strip()[-300:]}")

    inspected = json.loads(subprocess.run([simrun, "record", "--inspect", "--format", "json", recording],
                                          capture_output=True, text=True, check=True).stdout)[0]
    calls = inspected["services"][0]["calls"]
    held_sessions = sorted({call["session"] for call in calls[-int(SESSIONS * CALLS * HOLDOUT):]})
    reads = exact = other = other_exact = skipped = retries = 0
    misses: list[str] = []
    for session in held_sessions:
        client = Client([simrun, "serve", learned, "--seed", str(session)])
        for call in (c for c in calls if c["session"] == session):
            if call["outcome"] in ("server_error", "timeout", "rate_limited"):
                skipped += 1  # the real server failed it before touching anything: not replayed
                continue
            for _ in range(50):
                status, body = client.call(call["tool"], call["arguments"])
                if status < 500 and status != 429:
                    break
                retries += 1
            recorded = call.get("structured")
            if call["outcome"] == "ok":
                same = body == recorded
            else:
                same = status == call.get("status")
            if call["tool"] in READS:
                reads += 1
                exact += same
                if not same and len(misses) < 5:
                    misses.append(f"{call['tool']} {call['arguments']}: recorded {json.dumps(recorded)[:160]}, "
                                  f"simulated {status} {json.dumps(body)[:160]}")
            else:
                other += 1
                other_exact += same
        client.close()
    share = exact / reads if reads else 0.0
    print(f"     held-out sessions {held_sessions}: {reads} read calls, {exact} answered exactly as recorded "
          f"({100 * share:.1f} %); other calls {other_exact}/{other} the same; {skipped} recorded failures not "
          f"replayed; {retries} simulated failures retried")
    for miss in misses:
        print(f"     differs: {miss}")
    check(reads > 0 and share >= 0.95, f"at least 95 % of held-out read calls answer the recorded body: {100 * share:.1f} %")
    check_crud_fidelity(simrun, work, learned)


def check_crud_fidelity(simrun: str, work: str, learned: str) -> None:
    """`simrun fidelity` of the learned scenario against four more sessions recorded apart (seeds
    11 to 14): every CRUD write tool has a `write body` figure; create_record's and
    update_record's are computed and pass, each with at least 95 % of its comparable calls
    answered as recorded (counter ids included). delete_record's answers match the recorded
    schema (the learned delete answers the fixture's `{"deleted": true, "id": …}`) and its write
    body does not fail (about ten comparable calls: computed or not by `--min-samples`).
    set_record_status's is printed, not held to it: it has too few comparable calls."""
    heldout = os.path.join(work, "heldout.jsonl")
    if os.path.exists(heldout):
        os.remove(heldout)
    record_crud(simrun, heldout, range(SESSIONS + 1, SESSIONS + 5))
    out = subprocess.run([simrun, "fidelity", learned, heldout, "--seeds", "5", "--min-samples", "10", "--format",
                          "json"], capture_output=True, text=True)
    check(out.returncode in (0, 1), f"simrun fidelity of the learned scenario runs {out.stderr.strip()}")
    if out.returncode not in (0, 1):
        return
    report = json.loads(out.stdout)
    writes = {"create_record", "update_record", "set_record_status", "delete_record"}
    held = {"create_record", "update_record"}
    for tool in report["tools"]:
        for figure in tool["figures"]:
            if figure["figure"] != "write_body":
                continue
            print(f"     {tool['name']}: write body {figure.get('simulated', '-')} of {figure['recorded_n']} "
                  f"(itself {figure.get('recorded', '-')}): {figure['result']}")
            if tool["name"] in held:
                check(figure["result"] == "pass" and figure.get("simulated", 0) >= 0.95,
                      f"{tool['name']}: write body of held-out sessions at least 0.95: {figure.get('simulated')}")
    delete = {figure["figure"]: figure["result"] for tool in report["tools"] if tool["name"] == "delete_record"
              for figure in tool["figures"]}
    check(delete.get("response_schema") == "pass" and delete.get("write_body") in ("pass", "not_computed"),
          f"delete_record answers the recorded shape (response schema, write body): {delete}")
    listed = {tool["name"] for tool in report["tools"] if any(f["figure"] == "write_body" for f in tool["figures"])}
    check(writes <= listed, f"every CRUD write tool has a write body figure: {sorted(listed)}")


async def serve_git(simrun: str, learned: str, first: dict[str, dict[str, Any]]) -> tuple[list[str], dict[str, Any]]:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    answers: dict[str, Any] = {}
    parameters = StdioServerParameters(command=simrun, args=["serve", learned, "--no-faults"])
    async with stdio_client(parameters) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            tools = [tool.name for tool in (await session.list_tools()).tools]
            for name in tools:
                if name in first:
                    # The learned service fails a share of calls (the recording's failed call became
                    # a server-error share): retry those, as an agent would.
                    for _ in range(20):
                        answers[name] = await session.call_tool(name, first[name]["arguments"])
                        text = "".join(getattr(item, "text", "") for item in answers[name].content)
                        if '"code":"server_error"' not in text and '"code":"timeout"' not in text:
                            break
    return tools, answers


def check_git(simrun: str, recording: str) -> None:
    work = os.path.dirname(recording)
    learned = os.path.join(work, "git-learned.json")
    out = subprocess.run([simrun, "learn", recording, "--out", learned, "--format", "json"], capture_output=True,
                         text=True)
    check(out.returncode == 0, f"simrun learn of the mcp-server-git recording exits 0 {out.stderr.strip()}")
    if out.returncode != 0:
        return
    report = json.loads(out.stdout)
    print("     ops: " + ", ".join(f"{tool['name']}:{tool['op']}" for tool in report["tools"]))
    validate = subprocess.run([simrun, "validate", learned], capture_output=True, text=True)
    check(validate.returncode == 0, f"the learned mcp-server-git scenario validates {validate.stdout.strip()[-300:]}")
    scenario = json.load(open(learned, encoding="utf-8"))
    inspected = json.loads(subprocess.run([simrun, "record", "--inspect", "--format", "json", recording],
                                          capture_output=True, text=True, check=True).stdout)[0]
    first: dict[str, dict[str, Any]] = {}
    for call in inspected["services"][0]["calls"]:
        if call["outcome"] == "ok":
            first.setdefault(call["tool"], call)
    ids = {tool["id"]: tool["name"] for tool in report["tools"]}  # scenario name → recorded name
    tools, answers = asyncio.run(serve_git(simrun, learned, {id: first[name] for id, name in ids.items()}))
    learned_tools = [tool["name"] for tool in scenario["tools"]]
    check(all(name in tools for name in learned_tools),
          f"simrun serve lists the {len(learned_tools)} learned tools: {learned_tools}")
    for name in learned_tools:
        result = answers.get(name)
        text = "".join(getattr(item, "text", "") for item in result.content) if result else ""
        failed = result is None or getattr(result, "is_error", getattr(result, "isError", False))
        check(not failed and text == first[ids[name]]["body"],
              f"{name}: answers its first recorded answer ({len(text)} characters of text{'' if text == first[ids[name]]['body'] else ': ' + text[:200]})")


def main() -> None:
    mode, simrun, path = sys.argv[1], sys.argv[2], sys.argv[3]
    if mode == "crud":
        check_crud(simrun, path)
    elif mode == "git":
        check_git(simrun, path)
    else:
        raise SystemExit(f"unknown mode {mode}")
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
