#!/usr/bin/env python3
"""Sends malformed input to a real `simrun serve` process and checks each answer against the
JSON-RPC 2.0 / MCP rules, then checks that the server still serves a valid call.

usage: malformed_input.py SIMRUN_BINARY SCENARIO
"""
import json
import subprocess
import sys


def main() -> int:
    binary, scenario = sys.argv[1], sys.argv[2]
    server = subprocess.Popen(
        [binary, "serve", scenario, "--seed", "1", "--think-time", "zero"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    failures = []
    passed = []

    def send(raw: bytes):
        server.stdin.write(raw + b"\n")
        server.stdin.flush()

    def answer():
        line = server.stdout.readline()
        if not line:
            raise SystemExit("server closed its output")
        return json.loads(line)

    def expect_error(label, raw, code):
        send(raw)
        reply = answer()
        got = reply.get("error", {}).get("code")
        if got != code:
            failures.append(f"{label}: expected error {code}, got {reply}")
        else:
            passed.append(label)
            print(f"ok  {label}: error {code}")

    expect_error("garbage line", b"this is not json", -32700)
    expect_error("wrong jsonrpc version", b'{"jsonrpc":"1.0","id":1,"method":"ping"}', -32600)
    expect_error("batch array", b'[{"jsonrpc":"2.0","id":2,"method":"ping"}]', -32600)
    expect_error("oversized line", b'{"jsonrpc":"2.0","id":3,"method":"ping","params":{"x":"' + b"a" * (5 << 20) + b'"}}', -32600)
    expect_error("unknown method", b'{"jsonrpc":"2.0","id":4,"method":"no/such/method"}', -32601)
    send(b'{"jsonrpc":"2.0","method":"notifications/initialized"}')  # a notification: no answer
    send(json.dumps({"jsonrpc": "2.0", "id": 5, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "malformed-test", "version": "1"}}}).encode())
    reply = answer()
    if reply.get("id") != 5 or reply.get("result", {}).get("protocolVersion") != "2025-06-18":
        failures.append(f"initialize after errors: {reply}")
    else:
        passed.append("initialize")
        print("ok  initialize after errors")
    send(b'{"jsonrpc":"2.0","method":"notifications/initialized"}')
    expect_error("tools/call without a name", b'{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{}}', -32602)
    send(json.dumps({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": "crm_get_customer", "arguments": {"customer_id": "C-1042"}}}).encode())
    reply = answer()
    content = reply.get("result", {}).get("content", [])
    if reply.get("id") != 7 or not content or content[0].get("type") != "text":
        failures.append(f"valid tools/call after errors: {reply}")
    else:
        passed.append("tools/call")
        print("ok  valid tools/call after errors")
    server.stdin.close()
    server.wait(timeout=30)
    for failure in failures:
        print("FAIL", failure)
    print(f"{len(passed)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
