import Sandbox
import Testing
import WorldModel

/// The fidelity statistics treat the recorded sequence as the unit (issue 14, calibration): on
/// synthetic samples whose values depend within a sequence (a regime per sequence), the tests
/// that count every value as independent reject a faithful pair far more often than α, the
/// sequence-level ones about α; and both reject a shifted pair.
@Suite("fidelity calibration: sequence-level KS and rate intervals")
struct SequencePermutationKSTests {
    /// `count` sequences of `length` values, each sequence in one regime drawn for it (a median
    /// of 100 or 400 ms, half and half), latencies lognormal around it, times `scale`; from the
    /// stream keyed by `key`.
    static func sequences(count: Int, length: Int, scale: Double = 1, key: String) -> [[Double]] {
        var stream = RandomStream(seed: 14, .string(key))
        return (0..<count).map { _ in
            let median = stream.nextBool(probability: 0.5) ? 100.0 : 400.0
            return (0..<length).map { _ in
                (scale * stream.nextLognormal(mu: DeterministicMath.log(median), sigma: 0.3)).rounded()
            }
        }
    }

    /// Strata of `count` recorded sequences with `replays` replays each, the replays' values
    /// times `scale`; pair number `pair`.
    static func strata(pair: Int, count: Int = 30, replays: Int = 3, scale: Double = 1) -> [[[Double]]] {
        let recorded = sequences(count: count, length: 10, key: "recorded-\(pair)")
        let simulated = (0..<replays).map {
            sequences(count: count, length: 10, scale: scale, key: "sim-\(pair)-\($0)")
        }
        return recorded.indices.map { s in [recorded[s]] + simulated.map { $0[s] } }
    }

    /// Whether the test that counts every value as independent rejects.
    static func independentRejects(_ strata: [[[Double]]], alpha: Double = 0.05) -> Bool {
        let recorded = strata.flatMap { $0[0] }
        let simulated = strata.flatMap { $0.dropFirst().flatMap { $0 } }
        return TwoSampleKS.statistic(recorded, simulated)
            > TwoSampleKS.critical(n: recorded.count, m: simulated.count, alpha: alpha)
    }

    @Test("faithful pairs with a regime per sequence: independent KS rejects far more than α, sequence KS about α")
    func falseAlarms() {
        let pairs = 40
        var independent = 0
        var sequence = 0
        for pair in 0..<pairs {
            let strata = Self.strata(pair: pair)
            if Self.independentRejects(strata) { independent += 1 }
            let test = SequencePermutationKS.test(strata, alpha: 0.05, key: "latency")
            if test.statistic > test.critical { sequence += 1 }
        }
        // With 30 sequences of 10 values in one of two regimes, the recorded regime mix alone
        // moves the distribution by more than independent values would: measured 17 of 40 (sequence: 2).
        #expect(independent >= 12, "independent KS rejected \(independent) of \(pairs)")
        // At α = 0.05, 2 of 40 expected; 6 or more happens by chance with probability < 0.05.
        #expect(sequence <= 5, "sequence KS rejected \(sequence) of \(pairs)")
    }

    @Test("a pair whose replays are 1.5 times slower is rejected by both")
    func shiftedPairsFail() {
        for pair in 0..<10 {
            let strata = Self.strata(pair: pair, scale: 1.5)
            #expect(Self.independentRejects(strata))
            let test = SequencePermutationKS.test(strata, alpha: 0.05, key: "latency")
            #expect(test.statistic > test.critical, "pair \(pair): D \(test.statistic), critical \(test.critical)")
            #expect(test.pValue <= 0.05)
        }
    }

    @Test("the statistic is the two-sample KS D; the same inputs give the same critical value")
    func statisticAndDeterminism() {
        let strata = Self.strata(pair: 99)
        let test = SequencePermutationKS.test(strata, alpha: 0.05, key: "latency")
        let recorded = strata.flatMap { $0[0] }
        let simulated = strata.flatMap { $0.dropFirst().flatMap { $0 } }
        #expect(test.statistic == TwoSampleKS.statistic(recorded, simulated))
        #expect(test.recordedCount == recorded.count && test.simulatedCount == simulated.count)
        #expect(test == SequencePermutationKS.test(strata, alpha: 0.05, key: "latency"))
        #expect(test.critical > 0 && test.critical < 1)
        #expect(SequencePermutationKS.permutations(alpha: 0.05) == 199)
        #expect(SequencePermutationKS.permutations(alpha: 0.01) == 999)
    }

    @Test("discrete run lengths with ties: a faithful pair passes, its critical value below the asymptotic one")
    func ties() {
        // Burst lengths of 1 to 3 calls, mostly 1: the asymptotic critical value is far too large
        // for such data (KS on ties is conservative); the permutation one is the real one.
        var stream = RandomStream(seed: 14, "bursts")
        let strata = (0..<40).map { _ in
            (0..<4).map { _ in
                (0..<5).map { _ in Double(1 + stream.nextInt(below: 4) / 3 + stream.nextInt(below: 8) / 7) }
            }
        }
        let test = SequencePermutationKS.test(strata, alpha: 0.05, key: "error_bursts")
        #expect(test.statistic <= test.critical)
        #expect(test.critical < TwoSampleKS.critical(n: test.recordedCount, m: test.simulatedCount, alpha: 0.05))
    }

    /// Per sequence of 12 calls, in a regime drawn for it (an error share of 0.05 or 0.35), how
    /// many were errors.
    static func errorClusters(count: Int, key: String) -> [ProportionDifference.Cluster] {
        var stream = RandomStream(seed: 14, .string(key))
        return (0..<count).map { _ in
            let share = stream.nextBool(probability: 0.5) ? 0.05 : 0.35
            return ProportionDifference.Cluster(
                count: (0..<12).filter { _ in stream.nextBool(probability: share) }.count, total: 12)
        }
    }

    @Test(
        "rates with a regime per sequence: the binomial interval misses zero far more than α, the clustered one about α"
    )
    func rateIntervals() {
        let z = ProportionDifference.normalQuantile(alpha: 0.05)
        var binomial = 0
        var clustered = 0
        for pair in 0..<40 {
            let recorded = Self.errorClusters(count: 30, key: "rec-\(pair)")
            let simulated = Self.errorClusters(count: 90, key: "sim-\(pair)")
            let sum = { (clusters: [ProportionDifference.Cluster]) in
                (clusters.reduce(0) { $0 + $1.count }, clusters.reduce(0) { $0 + $1.total })
            }
            let (c1, t1) = sum(recorded)
            let (c2, t2) = sum(simulated)
            let plain = ProportionDifference(
                recordedCount: c1, recordedTotal: t1, simulatedCount: c2, simulatedTotal: t2, z: z)
            let robust = ProportionDifference(recorded: recorded, simulated: simulated, z: z)
            #expect(robust.difference == plain.difference)
            #expect(robust.high - robust.low > plain.high - plain.low)
            if plain.exceeds(tolerance: 0) { binomial += 1 }
            if robust.exceeds(tolerance: 0) { clustered += 1 }
        }
        // Measured: 12 of 40 (binomial), 2 of 40 (clustered).
        #expect(binomial >= 8, "binomial interval missed zero \(binomial) of 40")
        #expect(clustered <= 5, "clustered interval missed zero \(clustered) of 40")
    }

    @Test("clusters of one call give about the binomial interval; a shifted rate still fails")
    func singletonClustersAndPower() {
        let z = ProportionDifference.normalQuantile(alpha: 0.05)
        let recorded = (0..<400).map { ProportionDifference.Cluster(count: $0 % 5 == 0 ? 1 : 0, total: 1) }
        let simulated = (0..<4000).map { ProportionDifference.Cluster(count: $0 % 10 < 3 ? 1 : 0, total: 1) }
        let robust = ProportionDifference(recorded: recorded, simulated: simulated, z: z)
        let plain = ProportionDifference(
            recordedCount: 80, recordedTotal: 400, simulatedCount: 1200, simulatedTotal: 4000, z: z)
        #expect(abs((robust.high - robust.low) / (plain.high - plain.low) - 1) < 0.01)
        #expect(robust.exceeds(tolerance: 0.03) == plain.exceeds(tolerance: 0.03))
        let shifted = ProportionDifference(
            recorded: Self.errorClusters(count: 100, key: "rec"),
            simulated: Self.errorClusters(count: 300, key: "sim").map {
                ProportionDifference.Cluster(count: Swift.min($0.total, $0.count + 2), total: $0.total)
            }, z: z)
        #expect(shifted.exceeds(tolerance: 0.03), "\(shifted.low)…\(shifted.high)")
    }
}
