import Foundation
import Sandbox
import Scenarios
import WorldModel

/// What a step costs as the world grows: traced steps on crm-refund (10 KB of data), on the
/// big world (`EpisodeBenchmarks.bigWorld`, about 1.5 MB) and on crm-refund with 400k generated
/// charges (about 40 MB), with the whole-state hash of trace format 1 as the baseline measured in
/// the same run; on crm-refund's charges grown to 1k and 1M generated rows, an episode reset
/// followed by the first write or by a delete by key, and a list with an equality filter returning
/// 20 rows; loading crm-refund with 1M charges from a file against parsing that file's JSON; and a
/// traced session of 1,000 and of 8,000 calls with a write every fourth (a ticket note, so a
/// collection grows), per call, to show that a long session costs linearly. Every world and file
/// is generated at run time.
///
/// The benchmarks add three tools to crm-refund: `bench_set_tier` (a customer's tier) and
/// `bench_set_charge_note` (a charge's `note`), so the same keyed update runs on every world, and
/// `bench_delete_charge` (a charge by id).
package enum LargeWorldBenchmarks {
    /// Row counts of the generated charge collections.
    package static let rowCounts = [1_000, 1_000_000]
    /// How many charges of a generated collection belong to each customer (what the filtered
    /// list returns).
    package static let rowsPerCustomer = 20
    /// Generated charges of the largest traced world (about 40 MB of data).
    package static let largeWorldCharges = 400_000
    /// Calls in the traced sessions.
    package static let sessionLengths = [1_000, 8_000]

    /// The `large-world` group; empty (with a note on standard error) when `directory` lacks
    /// crm-refund.json. `rowCounts`, `loadRows` and `largeWorldCharges` may be overridden (tests
    /// use small ones).
    package static func group(
        directory: String = "scenarios", rowCounts: [Int] = rowCounts, loadRows: Int = loadRowCount,
        largeWorldCharges: Int = largeWorldCharges
    ) -> BenchmarkGroup {
        guard let loaded = try? ScenarioLoader.load(contentsOf: "\(directory)/crm-refund.json"),
            let small = withBenchTools(loaded), let bigWorld = EpisodeBenchmarks.bigWorld(from: loaded),
            let big = withBenchTools(bigWorld.scenario)
        else {
            EpisodeBenchmarks.note("large-world benchmarks skipped: \(directory)/crm-refund.json not found or changed")
            return BenchmarkGroup("large-world", benchmarks: [])
        }
        var benchmarks: [Benchmark] = []
        var comparisons: [BenchmarkComparison] = []

        // (a) Traced get and update, hash and trace line included, on 10 KB and 1.5 MB of data.
        // The largest world is built on first use (a filter that skips it skips building it).
        // About 100 bytes of canonical JSON per generated charge.
        let largeLabel =
            "\(largeWorldCharges / 1_000)k charges, ~\(EpisodeBenchmarks.megabytes(largeWorldCharges * 100)) MB"
        let sizes: [(String, @Sendable () -> Scenario?)] = [
            ("10 KB", { small }), ("\(EpisodeBenchmarks.megabytes(bigWorld.dataBytes)) MB", { big }),
            (
                largeLabel,
                {
                    guard let world = grown(small.world, charges: largeWorldCharges) else { return nil }
                    var large = small
                    large.world = world
                    return large
                }
            ),
        ]
        let get: [(String, JSON)] = [("crm_get_customer", ["customer_id": "C-1042"])]
        let update: [(String, JSON)] = [
            ("bench_set_tier", ["customer_id": "C-1042", "tier": "silver"]),
            ("bench_set_tier", ["customer_id": "C-1042", "tier": "gold"]),
        ]
        var names: [String: String] = [:]
        for (size, scenario) in sizes {
            for (kind, calls) in [("get", get), ("update", update)] {
                let name = "traced \(kind) (crm-refund, \(size) data)"
                let box = TracedBox(build: scenario, calls: calls)
                benchmarks.append(Benchmark(name) { box.step() })
                names["\(kind) \(size)"] = name
            }
        }
        let bigSize = sizes[1].0
        let bigState = big.world.initialState
        let wholeHash = "whole-state hash of trace format 1 (crm-refund, \(bigSize) data)"
        benchmarks.append(Benchmark(wholeHash) { blackHole(bigState.wholeStateHash) })
        // The state hash alone, of an initial state (whose collection terms are remembered, as
        // after a traced step), on each world: it should not grow with the data.
        var digestHashes: [String] = []
        for (size, scenario) in sizes {
            let name = "state hash of trace format 3 (crm-refund, \(size) data)"
            let box = StateBox { scenario()?.world.initialState }
            benchmarks.append(Benchmark(name) { blackHole(box.state?.stateHash) })
            digestHashes.append(name)
        }
        let digestHash = digestHashes[1]
        comparisons.append(
            BenchmarkComparison(
                "state hash, format 3 digests vs format 1 whole state (\(bigSize) data)", candidate: digestHash,
                baseline: wholeHash))
        for kind in ["get", "update"] {
            comparisons.append(
                BenchmarkComparison(
                    "traced \(kind), \(bigSize) vs 10 KB of data (the target: within 2×)",
                    candidate: names["\(kind) \(bigSize)"]!, baseline: names["\(kind) 10 KB"]!))
            comparisons.append(
                BenchmarkComparison(
                    "traced \(kind), \(largeLabel) vs 10 KB of data",
                    candidate: names["\(kind) \(largeLabel)"]!, baseline: names["\(kind) 10 KB"]!))
            comparisons.append(
                BenchmarkComparison(
                    "traced \(kind) vs the format 1 whole-state hash alone (\(bigSize) data)",
                    candidate: names["\(kind) \(bigSize)"]!, baseline: wholeHash))
        }

        // (b) Reset plus first write, and an equality-filtered list, at 1k and 1M rows. The worlds
        // are built on first use, so a filter that skips these benchmarks skips building them.
        let calm = small.world.idealized()
        func label(_ rows: Int) -> String { rows >= 1_000_000 ? "\(rows / 1_000_000)M" : "\(rows / 1_000)k" }
        for rows in rowCounts {
            let label = label(rows)
            let box = GrownBox { grown(calm, charges: rows) }
            let customer = "C-\(rows / rowsPerCustomer / 2)"
            let charge = "CH-G-\(rows / 2)"
            benchmarks.append(
                Benchmark("reset + first write (\(label) charges)") {
                    guard let world = box.world else { return }
                    box.state = world.initialState
                    box.steps &+= 1
                    blackHole(
                        world.transition(
                            &box.state, tool: "bench_set_charge_note",
                            arguments: ["charge_id": .string(charge), "note": .int(box.steps)], seed: 3))
                })
            benchmarks.append(
                Benchmark("reset + delete by key (\(label) charges)") {
                    guard let world = box.world else { return }
                    box.state = world.initialState
                    box.steps &+= 1
                    let victim = "CH-G-\(Int(box.steps % Int64(rows)))"
                    blackHole(
                        world.transition(
                            &box.state, tool: "bench_delete_charge", arguments: ["charge_id": .string(victim)],
                            seed: 3))
                })
            benchmarks.append(
                Benchmark("list with an equality filter, \(rowsPerCustomer) of \(label) charges") {
                    guard let world = box.world else { return }
                    var state = world.initialState
                    blackHole(
                        world.transition(
                            &state, tool: "billing_list_charges", arguments: ["customer_id": .string(customer)],
                            seed: 3))
                })
        }
        comparisons.append(
            BenchmarkComparison(
                "reset + first write, 1M vs 1k charges (O(log n): at most a few times)",
                candidate: "reset + first write (1M charges)", baseline: "reset + first write (1k charges)"))
        comparisons.append(
            BenchmarkComparison(
                "reset + delete by key, 1M vs 1k charges (O(log n): at most a few times)",
                candidate: "reset + delete by key (1M charges)", baseline: "reset + delete by key (1k charges)"))

        // (c) Loading a scenario of 1M charges against parsing the same file's JSON.
        let loadFile = LoadFile(scenario: small, charges: loadRows)
        let parseName = "parse the JSON of crm-refund with \(label(loadRows)) charges"
        let loadName = "load crm-refund with \(label(loadRows)) charges (ScenarioLoader)"
        benchmarks.append(
            Benchmark(parseName) {
                guard let path = loadFile.path, let bytes = try? ScenarioLoader.readFile(path) else { return }
                blackHole(try? JSON(parsing: bytes))
            })
        benchmarks.append(
            Benchmark(loadName) {
                guard let path = loadFile.path else { return }
                // A generated scenario that does not load would time the error path instead.
                do throws(ScenarioLoadError) {
                    blackHole(try ScenarioLoader.load(contentsOf: path))
                } catch {
                    preconditionFailure("the generated scenario does not load: \(error)")
                }
            })
        comparisons.append(
            BenchmarkComparison(
                "load vs JSON parse of the same file (\(label(loadRows)) charges; the target: a small multiple)",
                candidate: loadName, baseline: parseName))

        // (d) Traced sessions with a write every fourth call, per call: linear means the long
        // session's call costs what the short one's does.
        var sessionNames: [String] = []
        for length in sessionLengths {
            let name = "call of a traced \(length)-call session, a write every fourth (crm-refund)"
            sessionNames.append(name)
            benchmarks.append(
                Benchmark(name, operationsPerRun: length) { blackHole(tracedSession(small, calls: length)) })
        }
        if let short = sessionNames.first, let long = sessionNames.last, short != long {
            comparisons.append(
                BenchmarkComparison(
                    "traced session call, \(sessionLengths.last!) vs \(sessionLengths.first!) calls (linear: within 2×)",
                    candidate: long, baseline: short))
        }
        return BenchmarkGroup(
            "large-world", benchmarks: benchmarks, comparisons: comparisons, tearDown: { loadFile.remove() })
    }

    /// Plays a traced session of `calls` calls on `scenario` (crm-refund), every fourth adding a
    /// ticket note and the others reading a customer, as `simrun serve --trace` records one;
    /// returns the steps written. The trace goes to a temporary file, deleted after.
    package static func tracedSession(_ scenario: Scenario, calls: Int) -> Int {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simrun-bench-session-\(UUID().uuidString).jsonl"
        ).path
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: TraceWriter.partialPath(for: path))
        }
        var engine = EpisodeEngine(scenario: scenario, seed: 9, recordsStateHashes: true)
        let header = TraceHeader(
            scenario: scenario, seed: 9, agent: .external, trial: 1, policy: .permissive, thinkTime: .explicit)
        engine.traceWriter = try? TraceWriter(path: path, header: header)
        for index in 1...max(1, calls) {
            if index % 4 == 0 {
                _ = engine.call(
                    "crm_add_ticket_note", arguments: ["ticket_id": "T-7031", "body": .string("note \(index)")],
                    thinkMs: 100, approved: nil)
            } else {
                _ = engine.call("crm_get_customer", arguments: ["customer_id": "C-1042"], thinkMs: 100, approved: nil)
            }
        }
        _ = engine.finish(answer: nil)
        return engine.steps.count
    }

    /// Row count of the charges in the scenario file the load benchmark writes.
    package static let loadRowCount = 1_000_000

    /// `scenario` with the three tools the benchmarks call, and no faults.
    package static func withBenchTools(_ scenario: Scenario) -> Scenario? {
        guard case .object(var document) = scenario.document, case .array(var tools)? = document["tools"] else {
            return nil
        }
        func tool(_ name: String, collection: String, key: String, field: String) -> JSON {
            [
                "name": .string(name), "service": "crm", "scope": "crm:write",
                "description": "Benchmark: set one field of a row.",
                "input": [
                    "type": "object",
                    "properties": [key: ["type": "string"], field: [:]],
                    "required": [.string(key), .string(field)], "additionalProperties": false,
                ],
                "op": "update", "collection": .string(collection), "key": .string("args.\(key)"),
                "set": [field: .string("args.\(field)")],
            ]
        }
        tools.append(tool("bench_set_tier", collection: "customers", key: "customer_id", field: "tier"))
        tools.append(tool("bench_set_charge_note", collection: "charges", key: "charge_id", field: "note"))
        tools.append(
            [
                "name": "bench_delete_charge", "service": "billing", "scope": "billing:write",
                "description": "Benchmark: delete one charge.",
                "input": [
                    "type": "object", "properties": ["charge_id": ["type": "string"]], "required": ["charge_id"],
                    "additionalProperties": false,
                ],
                "op": "delete", "collection": "charges", "key": "args.charge_id",
            ])
        document["tools"] = .array(tools)
        document["faults"] = .array([])
        guard var loaded = try? ScenarioLoader.load(.object(document), file: scenario.name + " (bench tools)") else {
            return nil
        }
        loaded.world = loaded.world.idealized()
        return loaded
    }

    /// `world` with its charges replaced by `count` generated ones (`CH-G-0`, …), each customer
    /// `C-N` owning `rowsPerCustomer` of them, built directly as a store (no JSON text).
    package static func grown(_ world: World, charges count: Int) -> World? {
        var spec = world.spec
        var store = EntityStore()
        for collection in spec.initialData.collections {
            guard collection.name == "charges" else {
                try? store.add(collection)
                continue
            }
            var rows: [JSONObject] = []
            rows.reserveCapacity(count)
            let customers = max(1, count / rowsPerCustomer)
            for index in 0..<count {
                rows.append([
                    "id": .string("CH-G-\(index)"), "order_id": .string("O-G-\(index)"),
                    "customer_id": .string("C-\(index % customers)"), "amount": .int(index % 500 + 1),
                    "currency": "USD", "status": "captured", "created_at": "2026-11-01T00:00:00Z",
                ])
            }
            guard let grown = try? EntityCollection(name: "charges", rows: rows) else { return nil }
            try? store.add(grown)
        }
        spec.initialData = store
        return (try? World(spec, shortcuts: world.shortcuts))
    }
}

/// An episode engine with a trace, stepped through `calls` in turn by a benchmark; started on the
/// first step and started over every `restartEvery` steps so its records stay small. Benchmarks
/// run on one thread.
private final class TracedBox: @unchecked Sendable {
    static let restartEvery = 256
    private let build: @Sendable () -> Scenario?
    private var built: Scenario??
    let calls: [(String, JSON)]
    let tracePath = FileManager.default.temporaryDirectory.appendingPathComponent(
        "simrun-bench-large-\(UUID().uuidString).jsonl"
    ).path
    @exclusivity(unchecked) var engine: EpisodeEngine?
    @exclusivity(unchecked) var steps = 0

    init(build: @escaping @Sendable () -> Scenario?, calls: [(String, JSON)]) {
        self.build = build
        self.calls = calls
    }

    /// The scenario, built on the first step (nil when it could not be built: no steps then).
    var scenario: Scenario? {
        if let built { return built }
        let scenario = build()
        built = .some(scenario)
        return scenario
    }

    deinit {
        try? FileManager.default.removeItem(atPath: tracePath)
        try? FileManager.default.removeItem(atPath: tracePath + ".partial")
    }

    func step() {
        guard let scenario else { return }
        steps += 1
        if engine == nil || steps % Self.restartEvery == 0 {
            _ = engine?.finish(answer: nil)
            var fresh = EpisodeEngine(scenario: scenario, seed: 5, recordsStateHashes: true)
            let header = TraceHeader(
                scenario: scenario, seed: 5, agent: .embedded, trial: 1, policy: .permissive, thinkTime: .explicit)
            fresh.traceWriter = try? TraceWriter(path: tracePath, header: header)
            engine = fresh
        }
        let (tool, arguments) = calls[steps % calls.count]
        blackHole(engine?.call(tool, arguments: arguments, thinkMs: 1000, approved: nil))
    }
}

/// crm-refund with `charges` generated rows, written as a scenario file on first use (the
/// charges of `LargeWorldBenchmarks.grown`, as JSON text) and removed by the group's tear-down.
private final class LoadFile: @unchecked Sendable {
    private let scenario: Scenario
    private let charges: Int
    private var written: String??

    init(scenario: Scenario, charges: Int) {
        self.scenario = scenario
        self.charges = charges
    }

    /// The file's path (nil when it could not be written, which the benchmarks then skip).
    var path: String? {
        if let written { return written }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simrun-bench-load-\(UUID().uuidString).json"
        ).path
        var result: String?
        if case .object(var document) = scenario.document, case .object(var data)? = document["data"],
            let world = LargeWorldBenchmarks.grown(scenario.world, charges: charges),
            let grown = world.spec.initialData["charges"]
        {
            data["charges"] = grown.json
            document["data"] = .object(data)
            if FileManager.default.createFile(atPath: path, contents: Data(JSON.object(document).canonicalBytes)) {
                result = path
            }
        }
        written = .some(result)
        return result
    }

    func remove() {
        if case .some(.some(let path)) = written { try? FileManager.default.removeItem(atPath: path) }
    }
}

/// A state built on first use (nil when its world could not be built); benchmarks run on one
/// thread.
private final class StateBox: @unchecked Sendable {
    private let build: @Sendable () -> WorldState?
    private var built: WorldState??

    init(_ build: @escaping @Sendable () -> WorldState?) { self.build = build }

    var state: WorldState? {
        if let built { return built }
        let state = build()
        built = .some(state)
        return state
    }
}

/// A generated world, built on first use, and a state a benchmark closure writes; benchmarks run
/// on one thread.
private final class GrownBox: @unchecked Sendable {
    private let build: @Sendable () -> World?
    private var built: World??
    @exclusivity(unchecked) var state = WorldState(data: EntityStore(), services: [], toolCalls: [])
    @exclusivity(unchecked) var steps: Int64 = 0

    init(_ build: @escaping @Sendable () -> World?) { self.build = build }

    /// The world (nil when it could not be built, which the benchmark then skips).
    var world: World? {
        if let built { return built }
        let world = build()
        built = .some(world)
        return world
    }
}
