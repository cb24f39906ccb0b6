import Scenarios

@testable import WorldModel

/// Steps one world twice in lockstep, with its hot-path shortcuts and without them
/// (`WorldShortcuts`), and records every way the two differ after a call: the observation (status,
/// body bytes, headers, latency, faults), whether the call committed, the regime, and the state
/// (its canonical bytes after every call, the state hash every `hashEvery` calls and at the end),
/// and, after every call, each side's incremental state hash against its from-scratch definition.
struct ShortcutDifferential {
    /// The world taking its shortcuts (or with one broken on purpose).
    let fast: World
    /// The same world on the general paths alone.
    let general: World
    private(set) var fastState: WorldState
    private(set) var generalState: WorldState
    /// The differences found, one line each, naming the call.
    private(set) var mismatches: [String] = []
    /// How many calls were compared.
    private(set) var calls = 0
    let hashEvery: Int

    init(_ world: World, shortcuts: WorldShortcuts = .enabled, hashEvery: Int = 64) {
        fast = world.with(shortcuts: shortcuts)
        general = world.with(shortcuts: .disabled)
        fastState = fast.initialState
        generalState = general.initialState
        self.hashEvery = hashEvery
    }

    /// Lets `milliseconds` of agent time pass in both.
    mutating func advance(by milliseconds: Int64) {
        fastState.now += milliseconds
        generalState.now += milliseconds
    }

    /// Calls `tool` in both and compares; returns what the world with shortcuts answered.
    @discardableResult
    mutating func step(_ tool: String, _ arguments: JSON, seed: UInt64) -> StepResult {
        let a = fast.step(&fastState, tool: tool, arguments: arguments, seed: seed)
        let b = general.step(&generalState, tool: tool, arguments: arguments, seed: seed)
        calls += 1
        let call = "call #\(calls) \(tool) \(arguments.canonicalText)"
        func differs(_ what: String, _ x: String, _ y: String) {
            mismatches.append("\(call): \(what): with shortcuts \(x), general \(y)")
        }
        let (x, y) = (a.observation, b.observation)
        if x.status != y.status { differs("status", "\(x.status)", "\(y.status)") }
        if Array(x.body.utf8) != Array(y.body.utf8) { differs("body", x.body, y.body) }
        if x.headers != y.headers { differs("headers", "\(x.headers)", "\(y.headers)") }
        if x.latencyMs != y.latencyMs { differs("latency", "\(x.latencyMs)", "\(y.latencyMs)") }
        if x.faults != y.faults { differs("faults", "\(x.faults)", "\(y.faults)") }
        if a.committed != b.committed { differs("committed", "\(a.committed)", "\(b.committed)") }
        if a.regime != b.regime { differs("regime", a.regime, b.regime) }
        if fastState.json.canonicalBytes != generalState.json.canonicalBytes || fastState != generalState {
            differs("state", fastState.data.json.canonicalText, generalState.data.json.canonicalText)
        } else if calls % hashEvery == 0, fastState.stateHash != generalState.stateHash {
            differs("state hash", fastState.stateHash, generalState.stateHash)
        }
        // The digests kept up to date on write, against the definition, after every call: settled
        // after every call on the side with shortcuts (as a traced episode does), never on the other.
        // The side without settling reads each collection's term of the hash through the terms
        // remembered for the initial state, so a stale one must be noticed and computed again;
        // the settled side's remembered terms are read again after settling.
        let settled = fastState.settledStateHash()
        for (label, kept, state) in [
            ("settled", settled, fastState), ("settled, read again", fastState.stateHash, fastState),
            ("unsettled", generalState.stateHash, generalState),
        ] {
            let scratch = state.stateHashFromScratch
            if kept != scratch {
                mismatches.append("\(call): incremental state hash (\(label)) \(kept), from scratch \(scratch)")
            }
        }
        return a
    }

    /// The last comparison: the state hashes at the end.
    mutating func finish() {
        if fastState.stateHash != generalState.stateHash {
            mismatches.append(
                "at the end: state hash \(fastState.stateHash) with shortcuts, \(generalState.stateHash) general")
        }
    }
}

extension ShortcutDifferential {
    /// The worlds every differential test runs: each shipped scenario, the test world, and
    /// ticket-triage with calm services (so that most calls reach their operation).
    static let worlds = ScenarioFixtures.shippedFiles + ["test-world", "calm-ticket-triage"]

    /// Runs `count` random calls on `file`'s world: a quarter from `RandomActions` (any tool,
    /// arguments of any shape), the rest from `KeyedCallGenerator` (biased towards keyed tools
    /// with mostly valid arguments and ids that exist now). Stops at the first difference when
    /// `stopEarly`. Returns the comparison and, per tool, how many calls succeeded.
    static func run(
        _ file: String, shortcuts: WorldShortcuts = .enabled, count: Int, stopEarly: Bool = false
    ) throws -> (ShortcutDifferential, successes: [String: Int], commits: Int) {
        let world = try TargetRowEquivalenceTests.world(file)
        var differential = ShortcutDifferential(world, shortcuts: shortcuts)
        let random = RandomActions(world: world)
        let keyed = KeyedCallGenerator(world)
        let entries = world.toolEntries
        let planned = entries.filter { $0.target != nil }
        var rng = RandomStream(seed: 20_261_202, "shortcut-differential", StreamKey(file))
        var successes: [String: Int] = [:]
        var commits = 0
        for index in 0..<count {
            differential.advance(by: Int64(rng.nextInt(below: 2500)))
            let tool: String
            let arguments: JSON
            if rng.nextInt(below: 4) == 0 {
                let spec = world.tools[rng.nextInt(below: world.tools.count)]
                (tool, arguments) = (spec.name, random.randomArguments(for: spec, &rng))
            } else {
                let entry =
                    planned.isEmpty || rng.nextInt(below: 3) == 0
                    ? keyed.pick(entries, &rng) : keyed.pick(planned, &rng)
                (tool, arguments) = (entry.name, keyed.arguments(for: entry, state: differential.fastState, &rng))
            }
            let result = differential.step(tool, arguments, seed: UInt64(index % 7))
            if (200..<300).contains(result.observation.status) { successes[tool, default: 0] += 1 }
            if result.committed { commits += 1 }
            if stopEarly && !differential.mismatches.isEmpty { break }
        }
        differential.finish()
        return (differential, successes, commits)
    }
}
