"""Writes a simrun recording of the CRUD fixture's kind of traffic at any scale, for timing the
state inference of `simrun learn` (docs/learning.md, "Speed"): SESSIONS sessions of CALLS calls
each, drawn from a seeded stream, answered by `crud_server.Records` in memory (no process).

  python3 crud_scaled.py OUT.jsonl [--sessions 1000] [--calls 100] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crud_server import TOOLS, Records  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    titles = ["Printer jams", "VPN drops", "Disk full", "Badge fails", "Mail bounces", "Screen flickers"]
    with open(options.out, "w", encoding="utf-8") as out:
        for session in range(1, options.sessions + 1):
            header = {"type": "header", "format": "simrun-recording", "version": 1, "session": session,
                      "recorder": "crud_scaled.py", "started_at": "2026-01-01T00:00:00Z",
                      "server": {"name": "crud", "command": "python3", "args": ["crud_server.py"]},
                      "protocol_version": "2025-06-18", "client_info": None, "server_info": None}
            out.write(json.dumps(header, separators=(",", ":")) + "\n")
            out.write(json.dumps({"type": "tools", "session": session, "at_ms": 1.0, "tools": TOOLS},
                                 separators=(",", ":")) + "\n")
            records = Records()
            now = 2.0
            for index in range(options.calls):
                ids = list(records.rows) or ["RC-1"]
                u = rng.random()
                if u < 0.35:
                    name, args = "get_record", {"record_id": rng.choice(ids)}
                elif u < 0.50:
                    name, args = "list_records", {}
                elif u < 0.65:
                    name, args = "create_record", {"title": rng.choice(titles), "priority": rng.randint(1, 3),
                                                   "owner": rng.choice(["ana", "bo", "chen"])}
                elif u < 0.85:
                    args = {"record_id": rng.choice(ids)}
                    if rng.random() < 0.6:
                        args["status"] = rng.choice(["open", "closed"])
                    if rng.random() < 0.3:
                        args["priority"] = rng.randint(1, 3)
                    name = "update_record"
                elif u < 0.90:
                    name, args = "delete_record", {"record_id": rng.choice(ids)}
                else:
                    name, args = "count_records", {"status": rng.choice(["open", "closed"])}
                status, body = records.call(name, args)
                latency = round(rng.lognormvariate(1.5, 0.4), 3)
                result = {"content": [{"type": "text", "text": json.dumps(body)}], "isError": status >= 400,
                          "_meta": {"status": status}}
                line = {"type": "call", "session": session, "id": index + 2, "tool": name, "arguments": args,
                        "at_ms": round(now, 3), "latency_ms": latency, "result": result, "error": None}
                out.write(json.dumps(line, separators=(",", ":")) + "\n")
                now += latency + rng.randint(1, 50)


if __name__ == "__main__":
    main()
