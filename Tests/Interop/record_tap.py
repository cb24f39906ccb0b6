#!/usr/bin/env python3
"""Records the JSON-RPC stream a client sees: `record_tap.py LOG -- CMD [ARGS...]` runs CMD,
relays standard input to it and its standard output back, and appends every line to LOG as
{"dir": "c2s"|"s2c", "line": TEXT}. Used by record_check.py to compare what an MCP client sees
with and without `simrun record` in front of the server. Exits with CMD's status."""

import json
import os
import subprocess
import sys
import threading


def main() -> int:
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        print("usage: record_tap.py LOG -- CMD [ARGS...]", file=sys.stderr)
        return 2
    log = open(sys.argv[1], "a", encoding="utf-8")
    lock = threading.Lock()
    child = subprocess.Popen(sys.argv[3:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)

    def note(direction: str, line: bytes) -> None:
        with lock:
            log.write(json.dumps({"dir": direction, "line": line.decode("utf-8", "replace")}) + "\n")
            log.flush()

    def pump(source, destination, direction: str) -> None:
        pending = b""
        while True:
            chunk = os.read(source.fileno(), 65536)
            if not chunk:
                break
            try:
                os.write(destination.fileno(), chunk)
            except OSError:
                break
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                note(direction, line)
        if direction == "c2s":
            destination.close()

    upstream = threading.Thread(target=pump, args=(sys.stdin.buffer, child.stdin, "c2s"), daemon=True)
    upstream.start()
    pump(child.stdout, sys.stdout.buffer, "s2c")
    return child.wait()


if __name__ == "__main__":
    sys.exit(main())
