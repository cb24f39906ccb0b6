import Testing
import WorldModel

@testable import Sandbox

/// A service played as the simulator plays it: a `RegimeChain` starting each sequence in its
/// `initial` regime, every call (the first included) served by the regime `next` moves to.
struct ChainedService {
    /// The chain; its regimes' latencies and error rates are the calls' evidence.
    var chain: RegimeChain

    /// The retail store of `scenarios/retail/retail-world.json`: healthy (90 ms median, p99 600)
    /// and degraded (900 ms, p99 6000, 15 % server errors), healthy → degraded 0.05 and back 0.4
    /// per call; the degraded latencies overlap the healthy tail.
    static let store = ChainedService(
        chain: try! RegimeChain(
            regimes: [
                Regime(name: "healthy", latency: .lognormal(median: 90, p99: 600)),
                Regime(
                    name: "degraded", latency: .lognormal(median: 900, p99: 6000),
                    errors: ServiceErrorRates(serverError: 0.15)),
            ],
            initial: "healthy", transitions: [("healthy", "degraded", 0.05), ("degraded", "healthy", 0.4)]))

    /// `count` sequences of `length` calls each, drawn from seed `seed`.
    func sequences(count: Int, length: Int, seed: UInt64) -> [[RecordedCall]] {
        (0..<count).map { s in
            var rng = RandomStream(seed: seed, key: [.string("chained"), .integer(Int64(s))])
            var regime = chain.initial
            return (0..<length).map { t in
                regime = chain.next(from: regime, at: Int64(t) * 1000, using: &rng)
                let latency = chain.regimes[regime].latency.sample(using: &rng)
                let error = chain.regimes[regime].errors.sample(using: &rng)
                let outcome: OutcomeClass = error == nil ? .ok : .serverError
                return RecordedCall(
                    atMs: Double(t) * 1000, tool: "get_order", arguments: [:], outcome: outcome,
                    status: outcome == .ok ? 200 : 500, latencyMs: Double(latency), body: "")
            }
        }
    }
}

@Suite("Learning where sequences start: the first call moves on from the initial regime, as simulated")
struct StartRegimeTests {
    /// The written service's chain, as the scenario loader would build it (regimes by name,
    /// latency irrelevant here).
    static func writtenChain(_ json: JSON) throws -> RegimeChain {
        let names = try #require(json["regimes"]?.objectValue?.keys.sorted())
        var moves: [(from: String, to: String, probability: Double)] = []
        for from in names {
            for to in names {
                if let p = json["transitions"]?[from]?[to]?.doubleValue { moves.append((from, to, p)) }
            }
        }
        return try RegimeChain(
            regimes: names.map { Regime(name: $0, latency: .fixed(ms: 1)) },
            initial: try #require(json["initial"]?.stringValue), transitions: moves)
    }

    @Test("two-call sequences: both transitions within 30 %, learned from the move into each first call too")
    func twoCallSequences() throws {
        let data = ChainedService.store.sequences(count: 2500, length: 2, seed: 14)
        let dynamics = try #require(DynamicsLearner(regimes: .fixed(2)).learn(service: "store", sequences: data))
        try #require(dynamics.regimes.count == 2)
        let moves = dynamics.model.transitions
        #expect(abs(moves[0][1] / 0.05 - 1) <= 0.3, "healthy → degraded \(moves[0][1])")
        #expect(abs(moves[1][0] / 0.4 - 1) <= 0.3, "degraded → healthy \(moves[1][0])")
        #expect(dynamics.initialRegime == 0)
        #expect(dynamics.model.startShares == [1, 0])
    }

    @Test("single-call sequences: healthy → degraded is learned from the first calls alone")
    func singleCallSequences() throws {
        // Without the move into the first call there is no move at all to learn a transition from.
        let data = ChainedService.store.sequences(count: 5000, length: 1, seed: 5)
        let dynamics = try #require(DynamicsLearner(regimes: .fixed(2)).learn(service: "store", sequences: data))
        try #require(dynamics.regimes.count == 2)
        let healthyToDegraded = dynamics.model.transitions[0][1]
        #expect(abs(healthyToDegraded / 0.05 - 1) <= 0.3, "healthy → degraded \(healthyToDegraded)")
        #expect(dynamics.initialRegime == 0)
    }

    @Test("the scenario written draws the first call's regime as the learned model does")
    func writtenScenarioReproducesTheFirstCall() throws {
        let data = ChainedService.store.sequences(count: 1500, length: 2, seed: 3)
        let dynamics = try #require(DynamicsLearner(regimes: .fixed(2)).learn(service: "store", sequences: data))
        let chain = try Self.writtenChain(dynamics.scenarioJSON)
        // The simulator serves the first call one transition on from `initial` (`RegimeChain.next`).
        let simulated = chain.transitionMatrix[chain.initial]
        let learned = dynamics.model.initial
        try #require(simulated.count == learned.count)
        for (a, b) in zip(simulated, learned) {
            #expect(abs(a - b) <= 1e-4, "first call: simulated \(simulated), learned \(learned)")
        }
    }

    @Test("every fit ends with its sequences starting in one regime, for 1 to 4 regimes")
    func fitsStartInOneRegime() {
        let sequences = BaumWelchTests.observations()
        for fit in BaumWelch(parallelism: 1).fit(sequences, regimeCounts: [1, 2, 3, 4]) {
            #expect(fit.model.startShares.filter { $0 != 0 } == [1], "\(fit.model.startShares)")
            // Then the first call's shares are one row of the transitions.
            #expect(fit.model.initial == fit.model.transitions[fit.model.startRegime])
        }
    }

    @Test("the forward–backward pass counts the move into the first call from the regime before it")
    func moveIntoTheFirstCall() {
        let model = HiddenMarkovModel(
            startShares: [1, 0], transitions: [[0.9, 0.1], [0.2, 0.8]],
            outcomes: Array(repeating: [0.8, 0.05, 0.05, 0.05, 0.05], count: 2), latencyBins: BaumWelchTests.twoBins,
            latencyShares: [[1 - 1e-9, 1e-9], [1e-9, 1 - 1e-9]])
        #expect(model.initial == [0.9, 0.1])
        // A sure-slow first call: the sequence started healthy and moved to the slow regime.
        let slow = CallObservation(outcome: .ok, logLatency: 6)
        let posterior = model.forwardBackward([slow])
        #expect(abs(posterior.start[0] - 1) < 1e-12 && posterior.start[1] == 0)
        #expect(abs(posterior.xi[0][1] - 1) < 1e-6)
        // Its likelihood is the move's probability times the emission.
        let expected = DeterministicMath.log(0.9 * 1e-9 * 0.8 + 0.1 * (1 - 1e-9) * 0.8)
        #expect(abs(posterior.logLikelihood - expected) < 1e-9)
    }
}
