import Testing
import WorldModel

@testable import Sandbox

@Suite("Latency spikes: a fixed-latency regime's point mass is a fine bin of its own and a starting regime")
struct LatencySpikeTests {
    /// crm-refund's billing as its robust agent sees it: `count` sequences that start degraded
    /// (2.5 s, 20 % server errors) and move per call (degraded → healthy 0.05, → outage 0.005;
    /// outage → healthy 0.4; healthy → degraded 0.05); healthy answers in about 120 ms without
    /// errors, the outage in exactly 30 ms with 90 % server errors, about 1 % of the calls (fewer
    /// than a fine bin holds, so not a point mass by count). A sequence ends at its first
    /// successful call from its third on (the agent is done), or after 12 calls. Returns the calls
    /// and each call's true regime (0 degraded, 1 healthy, 2 outage).
    static func retriedUntilSuccess(count: Int, seed: UInt64) -> (calls: [[RecordedCall]], regimes: [[Int]]) {
        let moves: [[Double]] = [[0.945, 0.05, 0.005], [0.05, 0.95, 0], [0, 0.4, 0.6]]
        let serverError = [0.2, 0, 0.9]
        var calls: [[RecordedCall]] = []
        var regimes: [[Int]] = []
        for s in 0..<count {
            var rng = RandomStream(seed: seed, key: [.string("spikes"), .integer(Int64(s))])
            var regime = 0
            var sequence: [RecordedCall] = []
            var served: [Int] = []
            while sequence.count < 12 {
                let u = rng.nextDouble()
                var sum = 0.0
                for (j, p) in moves[regime].enumerated() {
                    sum += p
                    if u < sum {
                        regime = j
                        break
                    }
                }
                let ms: Double
                switch regime {
                case 0: ms = rng.nextLognormal(mu: DeterministicMath.log(2500), sigma: 0.77).rounded()
                case 1: ms = rng.nextLognormal(mu: DeterministicMath.log(120), sigma: 0.87).rounded()
                default: ms = 30
                }
                let outcome: OutcomeClass = rng.nextDouble() < serverError[regime] ? .serverError : .ok
                sequence.append(
                    RecordedCall(
                        atMs: Double(sequence.count) * 1000, tool: "refund", arguments: [:], outcome: outcome,
                        status: outcome == .ok ? 200 : 500, latencyMs: ms, body: ""))
                served.append(regime)
                if outcome == .ok && sequence.count >= 3 { break }
            }
            calls.append(sequence)
            regimes.append(served)
        }
        return (calls, regimes)
    }

    @Test("a spike gets a fine bin of its own in any coarse bin; rounded continuous latencies have none")
    func spikeBins() {
        var rng = RandomStream(seed: 3, key: [.string("spike-bins")])
        // 3,000 lognormal latencies in whole milliseconds, 40 at exactly 30 ms and 40 at exactly
        // 700 ms (inside a body coarse bin).
        let continuous = (0..<3000).map { _ in rng.nextLognormal(mu: DeterministicMath.log(300), sigma: 0.9).rounded() }
        let plain = LatencyBins(sortedLogLatencies: continuous.map { DeterministicMath.log($0) }.sorted())
        #expect(plain.spikes.isEmpty)
        let spiked = LatencyBins(
            sortedLogLatencies: (continuous + Array(repeating: 30, count: 40) + Array(repeating: 700, count: 40)).map {
                DeterministicMath.log($0)
            }.sorted())
        #expect(spiked.spikes.count == 2)
        for ms in [30.0, 700.0] {
            let bin = spiked.bin(of: DeterministicMath.log(ms))
            #expect(spiked.spikes.contains(bin))
            // The bin holds that value alone: the values next to it are in other bins.
            #expect(spiked.bin(of: DeterministicMath.log(ms - 1)) == bin - 1)
            #expect(spiked.bin(of: DeterministicMath.log(ms + 1)) == bin + 1)
        }
        // The coarse bins are the same as without the spikes' own fine bins' splits.
        #expect(spiked.coarseCount <= 2 * LatencyBins.targetCount(latencies: 3080))
        // A value is a spike only against its neighbours: 40 latencies at each of two adjacent
        // values are not one.
        let pair = (continuous + Array(repeating: 30, count: 40) + Array(repeating: 31, count: 40)).map {
            DeterministicMath.log($0)
        }.sorted()
        #expect(LatencyBins(sortedLogLatencies: pair).spikes.isEmpty)
        #expect(LatencyBins(sortedLogLatencies: pair) == LatencyBins(sortedLogLatencies: pair))
    }

    @Test("a fixed-latency outage keeps its error-free calls, which a slower regime's low tail explained before")
    func outageKeepsItsSuccesses() throws {
        // The outage's successful calls mostly end their sequences (the agent is done), so only
        // their 30 ms tells them from healthy's. With 30 ms in one fine bin with healthy's fastest
        // calls (22–30 ms here) they were learned as healthy: here no regime kept the outage's
        // errors (its bin's regime had server_error 0.11 where its calls showed 0.90); on
        // crm-refund's sweep the outage kept only its errors (0.999 where its calls showed 0.80).
        let (calls, truth) = Self.retriedUntilSuccess(count: 3000, seed: 15)
        var outageCalls = 0
        var outageErrors = 0
        for (sequence, regimes) in zip(calls, truth) {
            for (call, regime) in zip(sequence, regimes) where regime == 2 {
                outageCalls += 1
                if call.outcome == .serverError { outageErrors += 1 }
            }
        }
        let seen = Double(outageErrors) / Double(outageCalls)
        let sequences = calls.map { $0.map { CallObservation($0) } }
        let fit = BaumWelch(parallelism: 2).fit(sequences, shapes: [.init(regimes: 3, family: .lognormal)])[0]
        let model = fit.model
        // The outage: the regime with the most latency share on the 30 ms bin.
        let spike = model.latencyBins.bin(of: DeterministicMath.log(30))
        #expect(model.latencyBins.spikes == [spike])
        let outage = try #require(
            model.latencyShares.indices.max { model.latencyShares[$0][spike] < model.latencyShares[$1][spike] })
        let serverError = OutcomeClass.allCases.firstIndex(of: .serverError)!
        let learned = model.outcomes[outage][serverError]
        #expect(abs(learned - seen) <= 0.05, "learned \(learned), the calls' own \(seen) over \(outageCalls) calls")
        // The same again, bit for bit.
        #expect(BaumWelch(parallelism: 1).fit(sequences, shapes: [.init(regimes: 3, family: .lognormal)])[0] == fit)
    }
}
