#!/usr/bin/env python3
"""A small stateful MCP server over stdio (standard library only), the fixture that
`Tests/Interop/learn_check.py` records through `simrun record` and learns back.

  crud_server.py [--chaos] [--seed N]

Tools over one set of records (12 to start with, ids RC-1 … RC-12; new ids RC-13, RC-14, … from
a counter that never reuses one):
  create_record(title, priority, owner)         201-like: the new row, status 'open'
  get_record(record_id)                         the row, or a 404 error
  list_records()                                {"items": [rows in insertion order], "next_cursor": null, "total": n}
  update_record(record_id, title?, priority?, status?)   the changed row, or a 404 error
  set_record_status(record_id, new_status)      the changed row, or a 404 error: an update whose
                                                argument has another name than the field it sets
  delete_record(record_id)                      {"deleted": true, "id": …}, or a 404 error
  count_records(status)                         {"status": …, "count": n}: no get/list/create/update/delete explains it

Errors carry `_meta.status` (as simrun's own servers do) so a recording tells client errors
(404) from server errors (503). With `--chaos`, a seeded random stream (seed N) makes about one
call in ten slow (20-60 ms) and about one in twelve fail with 503 before touching anything.
"""

from __future__ import annotations

import json
import random
import sys
import time

FIRST = [
    {"id": f"RC-{n}", "title": title, "priority": priority, "owner": owner, "status": status}
    for n, (title, priority, owner, status) in enumerate(
        [
            ("Printer jams on tray 2", 2, "ana", "open"),
            ("VPN drops every hour", 1, "bo", "open"),
            ("Badge reader offline", 3, "chen", "closed"),
            ("Laptop battery swells", 1, "ana", "open"),
            ("Shared drive full", 2, "dev", "open"),
            ("Email bounces to partners", 1, "bo", "closed"),
            ("Monitor flickers", 3, "chen", "open"),
            ("Wi-Fi slow on floor 3", 2, "dev", "open"),
            ("License renewal due", 2, "ana", "closed"),
            ("Phone will not pair", 3, "bo", "open"),
            ("Backup job failed", 1, "chen", "open"),
            ("Projector bulb out", 3, "dev", "closed"),
        ],
        start=1,
    )
]

TEXT = {"type": "string"}
TOOLS = [
    {"name": "create_record", "description": "Creates a record; it starts open.",
     "inputSchema": {"type": "object", "properties": {"title": TEXT, "priority": {"type": "integer"}, "owner": TEXT},
                     "required": ["title", "priority", "owner"]}},
    {"name": "get_record", "description": "The record with this id.",
     "inputSchema": {"type": "object", "properties": {"record_id": TEXT}, "required": ["record_id"]}},
    {"name": "list_records", "description": "Every record, oldest first.",
     "inputSchema": {"type": "object", "properties": {}}},
    {"name": "update_record", "description": "Changes the given fields of a record.",
     "inputSchema": {"type": "object", "properties": {"record_id": TEXT, "title": TEXT, "priority": {"type": "integer"},
                                                      "status": TEXT}, "required": ["record_id"]}},
    {"name": "set_record_status", "description": "Sets a record's status.",
     "inputSchema": {"type": "object", "properties": {"record_id": TEXT, "new_status": TEXT},
                     "required": ["record_id", "new_status"]}},
    {"name": "delete_record", "description": "Deletes a record.",
     "inputSchema": {"type": "object", "properties": {"record_id": TEXT}, "required": ["record_id"]}},
    {"name": "count_records", "description": "How many records have this status.",
     "inputSchema": {"type": "object", "properties": {"status": TEXT}, "required": ["status"]}},
]


class Records:
    def __init__(self) -> None:
        self.rows = {row["id"]: dict(row) for row in FIRST}
        self.next_number = len(FIRST) + 1

    def call(self, name: str, args: dict) -> tuple[int, dict]:
        if name == "create_record":
            row = {"id": f"RC-{self.next_number}", "title": args["title"], "priority": args["priority"],
                   "owner": args["owner"], "status": "open"}
            self.next_number += 1
            self.rows[row["id"]] = row
            return 201, row
        if name == "list_records":
            items = list(self.rows.values())
            return 200, {"items": items, "next_cursor": None, "total": len(items)}
        if name == "count_records":
            return 200, {"status": args["status"],
                         "count": sum(1 for row in self.rows.values() if row["status"] == args["status"])}
        row = self.rows.get(args.get("record_id"))
        if row is None:
            return 404, {"error": {"code": "not_found", "message": f"no record with id '{args.get('record_id')}'"}}
        if name == "get_record":
            return 200, row
        if name == "update_record":
            for field in ("title", "priority", "status"):
                if args.get(field) is not None:
                    row[field] = args[field]
            return 200, row
        if name == "set_record_status":
            row["status"] = args["new_status"]
            return 200, row
        if name == "delete_record":
            del self.rows[row["id"]]
            return 200, {"deleted": True, "id": row["id"]}
        return 400, {"error": {"code": "unknown_tool", "message": f"no tool '{name}'"}}


def main() -> None:
    chaos = "--chaos" in sys.argv
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 1
    rng = random.Random(seed)
    records = Records()
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if "id" not in message:
            continue  # a notification
        method, params = message.get("method"), message.get("params") or {}
        if method == "initialize":
            result = {"protocolVersion": params.get("protocolVersion", "2025-06-18"), "capabilities": {"tools": {}},
                      "serverInfo": {"name": "crud-fixture", "version": "1"}}
        elif method == "tools/list":
            result = {"tools": TOOLS}
        elif method == "tools/call":
            if chaos and rng.random() < 0.1:
                time.sleep(rng.uniform(0.02, 0.06))
            if chaos and rng.random() < 1 / 12:
                status, body = 503, {"error": {"code": "unavailable", "message": "temporarily unavailable"}}
            else:
                status, body = records.call(params["name"], params.get("arguments") or {})
            result = {"content": [{"type": "text", "text": json.dumps(body, sort_keys=True)}], "structuredContent": body,
                      "isError": status >= 400, "_meta": {"status": status}}
        elif method == "ping":
            result = {}
        else:
            reply = {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": f"no method {method}"}}
            sys.stdout.write(json.dumps(reply) + "\n")
            sys.stdout.flush()
            continue
        sys.stdout.write(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": result}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
