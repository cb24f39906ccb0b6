import Scenarios
import SimrunBenchmarks
import Testing
import WorldModel

@Suite("Large-world benchmarks")
struct LargeWorldBenchmarksTests {
    @Test("the large-world group skips with no shipped scenarios")
    func skips() {
        #expect(LargeWorldBenchmarks.group(directory: "/nonexistent").benchmarks.isEmpty)
    }

    @Test("every benchmark runs, and each comparison names two of them")
    func runs() throws {
        let group = LargeWorldBenchmarks.group(
            directory: ProjectPaths.scenarios, rowCounts: [1_000], loadRows: 2_000, largeWorldCharges: 2_000)
        let names = group.benchmarks.map(\.name)
        #expect(names.count == 17)
        #expect(names.contains("traced get (crm-refund, 2k charges, ~0.2 MB data)"))
        #expect(names.contains("state hash of trace format 3 (crm-refund, 10 KB data)"))
        #expect(names.contains("state hash of trace format 3 (crm-refund, 2k charges, ~0.2 MB data)"))
        #expect(names.contains("call of a traced 8000-call session, a write every fourth (crm-refund)"))
        #expect(names.contains("list with an equality filter, 20 of 1k charges"))
        #expect(names.contains("reset + delete by key (1k charges)"))
        #expect(names.contains("load crm-refund with 2k charges (ScenarioLoader)"))
        for comparison in group.comparisons where !comparison.label.contains("1M") {
            #expect(names.contains(comparison.candidate) && names.contains(comparison.baseline), "\(comparison.label)")
        }
        for benchmark in group.benchmarks { benchmark.run() }
        group.tearDown?()
    }

    @Test("a traced session writes every call, notes included")
    func session() throws {
        let refund = try ScenarioLoader.load(contentsOf: ProjectPaths.scenarios + "/crm-refund.json")
        let tools = try #require(LargeWorldBenchmarks.withBenchTools(refund))
        #expect(LargeWorldBenchmarks.tracedSession(tools, calls: 40) == 40)
    }

    @Test("the grown world's filtered list returns 20 rows, the same with the field index and with a scan")
    func grownList() throws {
        let refund = try ScenarioLoader.load(contentsOf: ProjectPaths.scenarios + "/crm-refund.json")
        let tools = try #require(LargeWorldBenchmarks.withBenchTools(refund))
        let world = try #require(LargeWorldBenchmarks.grown(tools.world, charges: 2_000))
        let general = world.with(shortcuts: .disabled)
        var (fast, slow) = (world.initialState, general.initialState)
        #expect(fast.data["charges"]?.count == 2_000)
        let list: JSON = ["customer_id": "C-7"]
        let update: JSON = ["charge_id": "CH-G-107", "note": "seen"]
        for (tool, arguments) in [
            ("billing_list_charges", list), ("bench_set_charge_note", update), ("billing_list_charges", list),
        ] {
            let a = world.step(&fast, tool: tool, arguments: arguments, seed: 1).observation
            let b = general.step(&slow, tool: tool, arguments: arguments, seed: 1).observation
            #expect(a.status == 200)
            #expect(a.body == b.body)
        }
        #expect(fast.stateHash == slow.stateHash)
        let body = try JSON(
            parsing: world.step(&fast, tool: "billing_list_charges", arguments: list, seed: 1).observation.body)
        #expect(body.canonicalText.contains("CH-G-107"))
        #expect(body["items"]?.arrayValue?.count == LargeWorldBenchmarks.rowsPerCustomer)
        let deleted = world.step(&fast, tool: "bench_delete_charge", arguments: ["charge_id": "CH-G-107"], seed: 1)
        #expect(deleted.observation.status == 200)
        #expect(fast.data["charges"]?.count == 1_999)
        #expect(fast.data["charges"]?.rows[107]["id"] == "CH-G-108")
    }
}
