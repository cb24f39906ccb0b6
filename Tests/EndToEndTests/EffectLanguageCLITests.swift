import Foundation
import Testing

/// A scenario using the 1.1 tool constructs: a tool `let`, an `if`, a `[expr]` path, a message
/// placeholder, and a hand-off tool that ends the episode (the solution has no answer step).
private let handOff = #"""
    {
      "simrun": 1, "name": "hand-off",
      "task": {"instruction": "Mark item I-2 of order O-1 as returned, then hand the customer to a human."},
      "data": {
        "orders": [{"id": "O-1", "status": "delivered",
                    "items": [{"item_id": "I-1", "status": "ok"}, {"item_id": "I-2", "status": "ok"}]}],
        "handoffs": []
      },
      "services": {"desk": {"regimes": {"ok": {"latency": {"dist": "fixed", "ms": 5}}}, "initial": "ok"}},
      "tools": [
        {"name": "return_item", "service": "desk", "description": "Mark one item of an order as returned.",
         "op": "custom",
         "input": {"type": "object", "properties": {"order_id": {"type": "string"}, "index": {"type": "integer"}},
                   "required": ["order_id", "index"], "additionalProperties": false},
         "let": {"order": "get('orders', args.order_id)"},
         "requires": [{"expr": "order != null", "status": 404, "message": "order {{args.order_id}} not found"}],
         "effects": [
           {"if": "order.items[args.index].status == 'ok'",
            "then": [{"update": "orders", "key": "args.order_id", "set": {"items[args.index].status": "'returned'"}}]}
         ],
         "returns": "get('orders', args.order_id)"},
        {"name": "transfer_to_human", "service": "desk", "description": "Hand off to a human; ends the episode.",
         "op": "custom", "ends_episode": true,
         "input": {"type": "object", "properties": {"summary": {"type": "string"}}, "required": ["summary"], "additionalProperties": false},
         "effects": [{"create": "handoffs", "value": {"summary": "args.summary"}}]}
      ],
      "checks": [
        {"name": "item returned", "expect": "get('orders', 'O-1').items[1].status == 'returned'"},
        {"name": "handed off", "expect": "count('handoffs') == 1"}
      ],
      "solution": [
        {"tool": "return_item", "args": {"order_id": "O-1", "index": 1}},
        {"tool": "transfer_to_human", "args": {"summary": "returned I-2; wants a human"}}
      ]
    }
    """#

@Suite("simrun on scenario language 1.1 tools (the built binary)")
struct EffectLanguageCLITests {
    @Test("validate, run and replay a scenario whose episode ends with a hand-off tool")
    func handOffRunsAndReplays() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.write("hand-off.json", handOff)
        let validated = try SimrunProcess.run(["validate", file])
        #expect(validated.status == 0, "\(validated.stdout)\(validated.stderr)")
        let traces = scratch.path + "/traces"
        let run = try SimrunProcess.run(["run", file, "--agent", "scripted", "--seed", "1", "--trace-dir", traces])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let trace = try #require(
            FileManager.default.enumerator(atPath: traces)?.compactMap { $0 as? String }.first {
                $0.hasSuffix(".jsonl") && !$0.contains("index")
            })
        let replay = try SimrunProcess.run(["replay", traces + "/" + trace])
        #expect(replay.status == 0, "\(replay.stdout)\(replay.stderr)")
        #expect(replay.stdout.contains("identical"))
    }

    @Test("a set path through an array by a dotted number is refused with the path to write instead")
    func dottedIndex() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let broken = handOff.replacingOccurrences(of: "items[args.index].status", with: "items.1.status")
        let file = try scratch.write("hand-off.json", broken)
        let result = try SimrunProcess.run(["validate", file])
        #expect(result.status == 2)
        #expect(
            result.stderr.contains(
                #"hand-off.json: tools[0].effects[0].then[0].set["items.1.status"]: expected a field name or a path like 'address.zip' or 'items[0].price': '1' in 'items.1.status' is not a field name; to address element 1 of an array write 'items[1].status'"#
            ), "\(result.stderr)")
    }
}
