import Testing
import WorldModel

@testable import Sandbox

@Suite("Latency bins: the shared categorical latency emission")
struct LatencyBinsTests {
    /// `count` sequences of `length` calls of a service whose regime moves per call with
    /// `stay[i]` (the rest to the next regime, cyclically) and whose regime `i` draws its
    /// latency with `latency[i]`; every fiftieth call a server error.
    static func sequences(
        count: Int, length: Int, seed: UInt64, stay: [Double], latency: [(inout RandomStream) -> Double]
    ) -> [[RecordedCall]] {
        (0..<count).map { s in
            var rng = RandomStream(seed: seed, key: [.string("bins"), .integer(Int64(s))])
            var regime = 0
            return (0..<length).map { t in
                if t > 0 && rng.nextDouble() >= stay[regime] { regime = (regime + 1) % stay.count }
                let ms = latency[regime](&rng).rounded()
                let outcome: OutcomeClass = (s * length + t) % 50 == 7 ? .serverError : .ok
                return RecordedCall(
                    atMs: Double(t) * 1000, tool: "get", arguments: [:], outcome: outcome,
                    status: outcome == .ok ? 200 : 500, latencyMs: ms, body: "")
            }
        }
    }

    /// A uniform draw in `[low, high]`.
    static func uniform(_ low: Double, _ high: Double) -> (inout RandomStream) -> Double {
        { rng in low + (high - low) * rng.nextDouble() }
    }

    @Test("a value holding at least a bin's share gets a bin of its own; the rest split by count")
    func pointMassBin() {
        // 60 latencies at log 5, 60 spread below and above it.
        let spread = (0..<60).map { 3 + Double($0) / 10 }
        let sorted = (spread.filter { $0 < 5 } + Array(repeating: 5.0, count: 60) + spread.filter { $0 > 5 }).sorted()
        let bins = LatencyBins(sortedLogLatencies: sorted)
        // 119 latencies: a target of 4 bins (2 × 4³ = 128 ≥ 119), about 30 latencies each; the 20
        // below log 5 are one bin, closed early by the point mass.
        #expect(LatencyBins.targetCount(latencies: sorted.count) == 4)
        let massBin = bins.bin(of: 5)
        #expect(bins.upperBounds[massBin] == 5)
        #expect(massBin > 0 && bins.upperBounds[massBin - 1] == 4.9 && bins.bin(of: 4.9) == massBin - 1)
        #expect(bins.bin(of: 5.01) == massBin + 1)
        #expect(bins.coarseCount <= 2 * LatencyBins.targetCount(latencies: sorted.count))
        #expect(bins.count <= 2 * (LatencyBins.targetCount(latencies: sorted.count) + 2 * LatencyBins.fineFactor))
        // The point mass is a coarse bin of its own, so a fine bin of its own.
        #expect(bins.spread[massBin] == 1)
        // Below the first bound is the first bin, above the last the last.
        #expect(bins.bin(of: -10) == 0)
        #expect(bins.bin(of: 100) == bins.count - 1)
        // The same data give the same bins.
        #expect(LatencyBins(sortedLogLatencies: sorted) == bins)
    }

    @Test("the target bin count grows as ∛(n/2), from 2 up to 64; no latencies is one bin")
    func binCount() {
        #expect(LatencyBins.targetCount(latencies: 1) == 2)
        #expect(LatencyBins.targetCount(latencies: 1024) == 8)
        #expect(LatencyBins.targetCount(latencies: 1025) == 9)
        #expect(LatencyBins.targetCount(latencies: 8192) == 16)
        #expect(LatencyBins.targetCount(latencies: 524_288) == LatencyBins.maximumTarget)
        #expect(LatencyBins.targetCount(latencies: 10_000_000) == LatencyBins.maximumTarget)
        let none = LatencyBins(sortedLogLatencies: [])
        #expect(none.count == 1 && none.bin(of: 3) == 0)
        let distinct = (0..<8192).map { Double($0) }
        #expect(LatencyBins(sortedLogLatencies: distinct).coarseCount == 16)
        // The first and last coarse bins split in `fineFactor`, the others whole.
        #expect(LatencyBins(sortedLogLatencies: distinct).count == 14 + 2 * LatencyBins.fineFactor)
    }

    @Test("one regime whose latency is a point mass plus a tail learns one regime, as an empirical latency")
    func pointMassIsOneRegime() throws {
        // wms-like: half the calls at exactly 140 ms, the rest lognormal, median 300 ms.
        let data = Self.sequences(
            count: 20, length: 100, seed: 3, stay: [1],
            latency: [
                { rng in
                    rng.nextDouble() < 0.5
                        ? 140 : rng.nextLognormal(mu: DeterministicMath.log(300), sigma: 0.8)
                }
            ])
        let dynamics = try #require(DynamicsLearner().learn(service: "wms", sequences: data))
        #expect(dynamics.regimes.count == 1, "\(dynamics.candidates.map { ($0.regimes, $0.bic ?? 0) })")
        let fit = try #require(dynamics.regimes[0].latency)
        #expect(!fit.lognormalAccepted)
        #expect(fit.observedMedian >= 140 && fit.observedMedian <= 160)
        // No lognormal has a point mass: free shares win by BIC, and the report says by how much.
        let emission = try #require(dynamics.latencyEmission)
        #expect(emission.family == .freeShares)
        #expect(emission.competitor == .lognormal)
        #expect((emission.competitorBIC ?? -.infinity) > emission.bic)
        #expect(
            emission.text.hasPrefix(
                "latency emission: free shares over \(emission.bins) bins, spread over \(emission.fineBins) fine bins (BIC "
            ))
        #expect(emission.text.contains("; lognormal's best: "))
    }

    @Test("two overlapping lognormal regimes choose the binned lognormal, and learn both regimes")
    func overlappingLognormalsChooseLognormal() throws {
        // billing-like: healthy 180 ms (σ 0.8), degraded 700 ms (σ 0.6) a tenth of the time.
        let data = Self.sequences(
            count: 40, length: 100, seed: 11, stay: [0.97, 0.7],
            latency: [
                { rng in rng.nextLognormal(mu: DeterministicMath.log(180), sigma: 0.8) },
                { rng in rng.nextLognormal(mu: DeterministicMath.log(700), sigma: 0.6) },
            ])
        let dynamics = try #require(DynamicsLearner().learn(service: "billing", sequences: data))
        let emission = try #require(dynamics.latencyEmission)
        #expect(emission.family == .lognormal, "\(emission.text)")
        #expect(dynamics.regimes.count == 2, "\(dynamics.candidates.map { ($0.regimes, $0.family, $0.bic ?? 0) })")
        let chosen = try #require(dynamics.candidates.first { $0.rejection == nil })
        #expect(chosen.family == .lognormal)
        // A lognormal regime has 2 latency parameters where free shares have coarse bins − 1.
        let free = try #require(dynamics.candidates.first { $0.regimes == chosen.regimes && $0.family == .freeShares })
        #expect(free.parameters - chosen.parameters == chosen.regimes * (emission.bins - 1 - 2))
        guard dynamics.regimes.count == 2 else { return }
        let slow = try #require(dynamics.regimes[1].latency)
        #expect(abs(slow.observedMedian / 700 - 1) <= 0.15, "\(slow.observedMedian)")
    }

    @Test("a lognormal's bin shares are the normal probabilities between the cuts, which sit between bins")
    func lognormalShares() {
        // Values 1…9 in five fine bins (1–2, 3–4, 5, 6–7, 8–9): each cut is halfway between two
        // bins' recorded values.
        let bins = LatencyBins(sortedLogLatencies: (1...9).map { Double($0) })
        #expect(bins.upperBounds == [2, 4, 5, 7, 9])
        #expect(bins.cuts == [2.5, 4.5, 5.5, 7.5])
        let hand = LatencyBins(upperBounds: [1, 2, 3])
        #expect(hand.cuts == [1, 2])
        let shares = hand.lognormalShares(mean: 1.5, deviation: 0.5)
        #expect(shares.count == 3)
        // Φ(−1), Φ(1) − Φ(−1), 1 − Φ(1).
        let tail = 0.158_655_253_931_457_05
        #expect(abs(shares[0] - tail) <= 1e-7 && abs(shares[2] - tail) <= 1e-7)
        #expect(abs(shares[1] - (1 - 2 * tail)) <= 1e-7)
        #expect(abs(shares.reduce(0, +) - 1) <= 1e-12)
        // Far in a tail a bin keeps a small positive share instead of 0 from cancellation.
        let far = hand.lognormalShares(mean: -5, deviation: 0.5)
        #expect(far[2] > 0 && far[2] < 1e-40)
        #expect(LatencyBins(upperBounds: []).lognormalShares(mean: 0, deviation: 1) == [1])
    }

    @Test("one bin per distinct value, cut halfway: a bin's lognormal share is the chance of rounding to its value")
    func eachValueOwnBin() {
        let bins = LatencyBins(eachValueOf: [1, 2, 2, 2, 4, 7, 7])
        #expect(bins.upperBounds == [1, 2, 4, 7])
        #expect(bins.cuts == [1.5, 3, 5.5])
        #expect(bins.count == 4 && bins.coarseCount == 4)
        #expect((0..<4).map { bins.bin(of: [1.0, 2, 4, 7][$0]) } == [0, 1, 2, 3])
        let shares = bins.lognormalShares(mean: 3, deviation: 1)
        let phi = { (z: Double) in DeterministicMath.normalCDF(z) }
        #expect(abs(shares[1] - (phi(0) - phi(-1.5))) <= 1e-7)
        #expect(abs(shares[2] - (phi(2.5) - phi(0))) <= 1e-7)
        #expect(LatencyBins(eachValueOf: []).count == 1)
        #expect(LatencyBins(eachValueOf: [5, 5]).lognormalShares(mean: 0, deviation: 1) == [1])
    }

    @Test("two uniform regimes that overlap learn two regimes with their medians")
    func twoUniformRegimes() throws {
        // storefront-like: 60–250 ms, and 200–900 ms a tenth of the time. From 3,000 calls, since
        // the binned lognormal's M-step is exact, three lognormals beat two free-share regimes by
        // BIC (15,202 against 15,224: one family for every regime, and the lognormal's few
        // parameters); from 6,000, two free-share regimes win, as on inventory-sync's 43,217 calls.
        let data = Self.sequences(
            count: 60, length: 100, seed: 5, stay: [0.97, 0.7],
            latency: [Self.uniform(60, 250), Self.uniform(200, 900)])
        let dynamics = try #require(DynamicsLearner().learn(service: "storefront", sequences: data))
        #expect(dynamics.regimes.count == 2, "\(dynamics.candidates.map { ($0.regimes, $0.bic ?? 0) })")
        guard dynamics.regimes.count == 2 else { return }
        let fast = try #require(dynamics.regimes[0].latency)
        let slow = try #require(dynamics.regimes[1].latency)
        #expect(abs(fast.observedMedian / 155 - 1) <= 0.1, "\(fast.observedMedian)")
        #expect(abs(slow.observedMedian / 550 - 1) <= 0.1, "\(slow.observedMedian)")
        #expect(abs(dynamics.model.transitions[0][1] / 0.03 - 1) <= 0.3, "\(dynamics.model.transitions)")
        #expect(abs(dynamics.model.transitions[1][0] / 0.3 - 1) <= 0.3, "\(dynamics.model.transitions)")
    }

    @Test("an emission is the outcome share times the latency bin's share, floored")
    func emission() {
        let model = HiddenMarkovModel(
            startShares: [1], transitions: [[1]], outcomes: [[0.5, 0.5, 0, 0, 0]],
            latencyBins: LatencyBins(upperBounds: [5, 8]), latencyShares: [[0.25, 0.75]])
        let ok = CallObservation(outcome: .ok, logLatency: 6)
        #expect(model.emission(ok, in: 0) == 0.5 * 0.75)
        let unseen = CallObservation(outcome: .timeout, logLatency: nil)
        #expect(model.emission(unseen, in: 0) == HiddenMarkovModel.probabilityFloor)
        #expect(model.emission(.noEvidence, in: 0) == 1)
    }
}
