import Testing
import WorldModel

@testable import Sandbox

@Suite("Fine latency bins: the lognormal's resolution, free shares' coarse parameters")
struct FineLatencyBinsTests {
    /// `count` sequences of `length` calls, one a second, that start in regime 0 and move per
    /// call by `moves[i]` (to regime `j` with `moves[i][j]`, else stay), except that the first
    /// `scheduled` calls are served by regime 0 (a schedule); regime `i` draws its latency with
    /// `latency[i]` and answers a server error with `serverError[i]`.
    static func sequences(
        count: Int, length: Int, seed: UInt64, scheduled: Int = 0, moves: [[Int: Double]], serverError: [Double],
        latency: [(inout RandomStream) -> Double]
    ) -> [[RecordedCall]] {
        (0..<count).map { s in
            var rng = RandomStream(seed: seed, key: [.string("fine-bins"), .integer(Int64(s))])
            var regime = 0
            return (0..<length).map { t in
                let u = rng.nextDouble()
                var sum = 0.0
                for (j, p) in moves[regime].sorted(by: { $0.key < $1.key }) {
                    sum += p
                    if u < sum {
                        regime = j
                        break
                    }
                }
                if t < scheduled { regime = 0 }
                let ms = latency[regime](&rng).rounded()
                let outcome: OutcomeClass = rng.nextDouble() < serverError[regime] ? .serverError : .ok
                return RecordedCall(
                    atMs: Double(t) * 1000, tool: "charge", arguments: [:], outcome: outcome,
                    status: outcome == .ok ? 200 : 500, latencyMs: ms, body: "")
            }
        }
    }

    @Test("the fine bins split the outermost coarse bins; a fine bin's spread is its pooled share of its coarse bin")
    func nesting() {
        // 9 values: 2 coarse bins (1–5, 6–9) of 4.5 values, both outermost: fine bins of 9 / 8.
        let bins = LatencyBins(sortedLogLatencies: (1...9).map { Double($0) })
        #expect(bins.coarseCount == 2)
        #expect(bins.upperBounds == [2, 4, 5, 7, 9])
        #expect(bins.cuts == [2.5, 4.5, 5.5, 7.5])
        #expect(bins.coarseBin == [0, 0, 0, 1, 1])
        #expect(bins.spread == [0.4, 0.4, 0.2, 0.5, 0.5])
        #expect(bins.coarseTotals([1, 2, 3, 4, 5]) == [6, 9])
        #expect(bins.spreading(coarseShares: [0.5, 0.5]) == [0.2, 0.2, 0.1, 0.25, 0.25])
        // Coarse bins are the bins of the construction without fine ones, whatever the data.
        var rng = RandomStream(seed: 5, key: [.string("nesting")])
        let sorted = (0..<5000).map { _ in (rng.nextNormal() * 4).rounded() / 4 }.sorted()
        let fine = LatencyBins(sortedLogLatencies: sorted)
        let n = sorted.count
        let coarseEnds = LatencyBins.walk(
            sorted, 0..<n, perBin: Double(n) / Double(LatencyBins.targetCount(latencies: n)))
        let coarseUppers = coarseEnds.map { sorted[$0 - 1] }
        #expect(fine.coarseCount == coarseUppers.count)
        #expect(fine.count > fine.coarseCount)
        for b in 0..<fine.count where b + 1 == fine.count || fine.coarseBin[b + 1] != fine.coarseBin[b] {
            // The last fine bin of a coarse bin ends where the coarse bin ends.
            #expect(fine.upperBounds[b] == coarseUppers[fine.coarseBin[b]])
        }
        for c in 0..<fine.coarseCount {
            let total = fine.spread.indices.filter { fine.coarseBin[$0] == c }.reduce(0.0) { $0 + fine.spread[$1] }
            #expect(abs(total - 1) <= 1e-12)
        }
    }

    @Test("free shares' likelihood on fine bins is the coarse bins' plus the calls' log spread, a constant")
    func freeSharesDifferByAConstant() throws {
        let data = LatencyBinsTests.sequences(
            count: 30, length: 100, seed: 9, stay: [0.95, 0.7],
            latency: [
                { rng in rng.nextLognormal(mu: DeterministicMath.log(150), sigma: 0.7) },
                { rng in rng.nextLognormal(mu: DeterministicMath.log(900), sigma: 0.5) },
            ])
        let sequences = data.map { $0.map { CallObservation($0) } }
        let fit = BaumWelch(parallelism: 1).fit(sequences, regimes: 2)
        let fine = fit.model
        #expect(fine.latencyFamily == .freeShares)
        let bins = fine.latencyBins
        // Every regime's fine shares are a coarse share spread by the fixed proportions.
        for shares in fine.latencyShares {
            #expect(
                zip(bins.spreading(coarseShares: bins.coarseTotals(shares)), shares).allSatisfy {
                    abs($0 - $1) <= 1e-15
                })
        }
        // The same model on the coarse bins alone.
        var uppers: [Double] = []
        for b in 0..<bins.count where b + 1 == bins.count || bins.coarseBin[b + 1] != bins.coarseBin[b] {
            uppers.append(bins.upperBounds[b])
        }
        let coarse = HiddenMarkovModel(
            startShares: fine.startShares, transitions: fine.transitions, outcomes: fine.outcomes,
            latencyBins: LatencyBins(upperBounds: uppers), latencyShares: fine.latencyShares.map(bins.coarseTotals))
        let constant = sequences.joined().compactMap(\.logLatency).reduce(0.0) {
            $0 + DeterministicMath.log(bins.spread[bins.bin(of: $1)])
        }
        let difference = fine.logLikelihood(sequences) - coarse.logLikelihood(sequences)
        #expect(abs(difference - constant) <= 1e-6 * abs(constant), "\(difference) vs \(constant)")
        #expect(constant < 0)
    }

    @Test(
        "a point-mass regime under a dominant bulk, in one coarse bin with another regime's fastest calls, is learned")
    func pointMassUnderBulk() throws {
        // crm-refund's billing without its schedule: degraded (2.5 s) serves most calls, healthy
        // (120 ms) a few, an outage (exactly 30 ms) about 2 %, its errors hardly telling it from
        // healthy. The lowest coarse bin holds the outage's calls and most of healthy's, so with
        // coarse bins alone the latency hardly tells them apart and BIC merged the outage into
        // healthy; the lowest coarse bin's fine bins give the outage a bin of its own.
        let data = Self.sequences(
            count: 1000, length: 7, seed: 21, scheduled: 5,
            moves: [[1: 0.1, 2: 0.03], [0: 0.05], [1: 0.4]], serverError: [0.2, 0, 0.9],
            latency: [
                { rng in rng.nextLognormal(mu: DeterministicMath.log(2500), sigma: 0.77) },
                { rng in rng.nextLognormal(mu: DeterministicMath.log(120), sigma: 0.87) },
                { _ in 30 },
            ])
        let dynamics = try #require(DynamicsLearner().learn(service: "billing", sequences: data))
        let summary =
            "\(dynamics.regimes.map { ($0.latency?.observedMedian ?? 0, $0.calls) }) \(dynamics.model.outcomes)"
        // Ascending median: the outage first, then healthy (then degraded, which BIC may split).
        #expect(dynamics.regimes.count >= 3, "\(summary)")
        guard dynamics.regimes.count >= 3 else { return }
        let outage = try #require(dynamics.regimes[0].latency)
        let healthy = try #require(dynamics.regimes[1].latency)
        #expect(outage.observedMedian == 30, "\(summary)")
        #expect(abs(healthy.observedMedian / 120 - 1) <= 0.1, "\(summary)")
        let serverError = OutcomeClass.allCases.firstIndex(of: .serverError)!
        #expect(dynamics.model.outcomes[0][serverError] >= 0.8, "\(summary)")
        #expect(dynamics.model.outcomes[1][serverError] <= 0.01, "\(summary)")
        #expect(dynamics.schedule.count == 1, "\(summary)")
    }
}
