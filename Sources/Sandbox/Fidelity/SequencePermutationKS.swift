import WorldModel

/// The two-sample Kolmogorov–Smirnov test with the recorded sequence as the unit: the critical
/// value of `D` comes from permuting whole sequences, not from the asymptotic formula for
/// independent observations.
///
/// A fidelity check's observations come in clusters: the latencies, error bursts and regime
/// runs of one sequence share its regimes, so they are not independent, and the asymptotic
/// critical value `c(α)·√((n+m)/(n·m))` (`TwoSampleKS.critical`) is too small; with discrete
/// values (whole-millisecond latencies, run lengths of a few calls) it is also not the
/// distribution of `D` at all. Here the unit is a *sequence*: each recorded sequence (version
/// 0 of its stratum) and each of its replays under each seed (versions 1…). If the scenario is
/// faithful, the recorded sequences are sequences like the simulated ones, so which of the
/// units are called "recorded" is exchangeable. A permutation picks as many units as there are
/// recorded sequences, uniformly at random from all of them, as the recorded side, the rest as
/// the simulated side, and computes `D` of the values pooled that way (ties stepped over at
/// once, as `TwoSampleKS.statistic` does). The critical value is the permutation
/// distribution's upper α point: the observed `D` fails when fewer than α·(B + 1) of the `B`
/// permuted values reach it (the permutation p-value `(1 + #{D_b ≥ D})/(B + 1)` is at most α).
///
/// Dependence within a sequence and ties are then part of the null distribution, so a faithful
/// scenario fails a figure about α of the time (docs/learning.md "Fidelity calibration"), and
/// a shifted one (every replay slower) still fails. A replay shares its recorded sequence's
/// calls and times, so it resembles it more than another sequence does; treating the units as
/// exchangeable then errs towards passing. (A stricter variant that permutes only within each
/// recorded sequence and its replays was measured too: it also turned the small differences
/// an open-loop replay of a reactive agent shows into failures, 4 in 30 faithful billing-outage
/// sweeps on each of error bursts and regime dwell.)
///
/// The p-value is sequential (Besag & Clifford 1991), so that a family-wise correction can
/// reject a figure without every figure paying for the resolution: `B` permutations (at least
/// 199, `permutations(alpha:)`) give the critical value at α and, when `h = ⌊α(B + 1)⌋` or more of
/// them reach the observed `D` (the figure passes at α on its own), the p-value `(1 + X)/(B + 1)`.
/// Otherwise more are drawn, up to `maximumPermutations` (`maximumPermutations(alpha:family:)`),
/// until the `h`-th reaches `D`, at draw `b`: p = `h/b`; or, when fewer than `h` ever do,
/// `(1 + X)/(B_max + 1)`. Each is a valid p-value (a null figure's is at most u with probability
/// at most u), at most α exactly when `D` exceeds the critical value, and as small as
/// `1/(B_max + 1)`: a large difference gets a p-value well below α/k, while a faithful figure costs
/// the `B` permutations it did before.
///
/// The permutations are drawn from a `RandomStream` keyed by the figure's `key` and by the
/// sample sizes, so the same inputs always give the same critical value, p-value and number of
/// permutations drawn (no clock).
package enum SequencePermutationKS {
    /// The test's outcome.
    package struct Result: Sendable, Hashable {
        /// `D` of the recorded versions against all replays.
        package var statistic: Double
        /// The permutation critical value at α from the first `B` permutations: the observed `D`
        /// fails at α on its own when it exceeds it.
        package var critical: Double
        /// The sequential permutation p-value (see the type's documentation).
        package var pValue: Double
        /// How many permutations were drawn (`B`, or more up to the maximum when `D` exceeds the
        /// critical value).
        package var permutations: Int
        /// The number of recorded values.
        package var recordedCount: Int
        /// The number of simulated values.
        package var simulatedCount: Int
    }

    /// The number of permutations at level α: at least 199, and enough that the critical value
    /// is the tenth largest permuted `D` or further in (`⌈10/α⌉ − 1`: 199 at α = 0.05, 999 at
    /// 0.01), so it is not decided by a few extreme draws.
    package static func permutations(alpha: Double) -> Int {
        precondition(alpha > 0 && alpha < 1, "α is a probability in (0, 1) (the CLI checks it)")
        let needed = (10 / alpha).rounded(.up) - 1
        return Swift.max(199, Int(Swift.min(needed, 100_000)))
    }

    /// The most permutations a figure of a family of (at most) `family` tested figures draws at
    /// level α: `⌈10·k/α⌉ − 1` (at most 1,000,000, at least `permutations(alpha:)`), so the
    /// smallest p-value a figure can get, `1/(B_max + 1)`, is a tenth of α/k, Holm's first level
    /// (at α = 0.05 and k = 40: 7,999 permutations, smallest p 0.000125 against α/k = 0.00125).
    package static func maximumPermutations(alpha: Double, family: Int) -> Int {
        precondition(family >= 1, "a family has at least one figure")
        let needed = (10 * Double(family) / alpha).rounded(.up) - 1
        return Swift.max(permutations(alpha: alpha), Int(Swift.min(needed, 1_000_000)))
    }

    /// Tests `strata`: per recorded sequence, the values of each version (index 0 the recording,
    /// 1… its replays; every stratum has the same number of versions, at least two; a version
    /// may have no values, it is still a sequence of the sample), at level
    /// `alpha` with `permutations` draws (default `permutations(alpha:)`), and up to
    /// `maximumPermutations` (default: no more) for the sequential p-value, from the stream keyed
    /// by `key`. `D` is 0 when a side has no values.
    package static func test(
        _ strata: [[[Double]]], alpha: Double, permutations: Int? = nil, maximumPermutations: Int? = nil, key: String
    ) -> Result {
        precondition(!strata.isEmpty, "a permutation test needs at least one stratum")
        let versions = strata[0].count
        precondition(versions >= 2, "a stratum needs the recording and at least one replay")
        precondition(strata.allSatisfy { $0.count == versions }, "every stratum has the same number of versions")
        let draws = permutations ?? Self.permutations(alpha: alpha)
        precondition(draws >= 1, "at least one permutation")
        let most = Swift.max(draws, maximumPermutations ?? draws)

        // The units (stratum × versions + version) and the pooled values, sorted once, each
        // with its unit.
        let units = strata.flatMap { $0 }
        var pooled: [(value: Double, unit: Int)] = []
        pooled.reserveCapacity(units.reduce(0) { $0 + $1.count })
        for (unit, values) in units.enumerated() {
            for value in values { pooled.append((value, unit)) }
        }
        pooled.sort { ($0.value, $0.unit) < ($1.value, $1.unit) }
        // Where each run of equal values ends, so ties are stepped over at once.
        var groupEnds: [Int] = []
        var index = 0
        while index < pooled.count {
            var end = index + 1
            while end < pooled.count && pooled[end].value == pooled[index].value { end += 1 }
            groupEnds.append(end)
            index = end
        }
        let counts = units.map(\.count)
        let total = pooled.count

        /// `D` with the units marked in `recorded` as the recorded side; 0 when a side is empty.
        func distance(_ recorded: [Bool]) -> Double {
            var n = 0
            for (unit, count) in counts.enumerated() where recorded[unit] { n += count }
            let m = total - n
            guard n > 0 && m > 0 else { return 0 }
            let nn = Double(n)
            let mm = Double(m)
            var i = 0
            var j = 0
            var start = 0
            var largest = 0.0
            for end in groupEnds {
                for k in start..<end {
                    if recorded[pooled[k].unit] { i += 1 } else { j += 1 }
                }
                start = end
                largest = Swift.max(largest, Swift.abs(Double(i) / nn - Double(j) / mm))
            }
            return largest
        }

        var recorded = units.indices.map { $0 % versions == 0 }
        let statistic = distance(recorded)
        let n = zip(counts, recorded).reduce(0) { $0 + ($1.1 ? $1.0 : 0) }
        var stream = RandomStream(
            seed: 0x6669_6465_6C69_7479, .string(key), .integer(Int64(strata.count)), .integer(Int64(versions)),
            .integer(Int64(n)), .integer(Int64(total)))
        var order = Array(units.indices)
        /// `D` of one more uniformly random set of as many units as there are recorded sequences
        /// (a partial Fisher–Yates shuffle of the unit order) as the recorded side.
        func permutedDistance() -> Double {
            for i in 0..<strata.count { order.swapAt(i, i + stream.nextInt(below: units.count - i)) }
            for unit in units.indices { recorded[unit] = false }
            for i in 0..<strata.count { recorded[order[i]] = true }
            return distance(recorded)
        }
        let observed = FidelityFigure.settled(statistic)
        var permuted: [Double] = []
        permuted.reserveCapacity(draws)
        for _ in 0..<draws { permuted.append(permutedDistance()) }
        var reaching = permuted.filter { FidelityFigure.settled($0) >= observed }.count
        permuted.sort()
        // Fails at α iff #{D_b ≥ D} + 1 ≤ α(B + 1), i.e. D exceeds the (k+1)-th largest permuted D,
        // k = ⌊α(B + 1)⌋ − 1; with k < 0 nothing can fail.
        let k = Int((alpha * Double(draws + 1)).rounded(.down)) - 1
        let critical = k < 0 ? Double.infinity : permuted[draws - 1 - k]
        // The sequential p-value: stop at the h-th permuted D reaching the observed one.
        let h = k + 1
        var drawn = draws
        var pValue = Double(reaching + 1) / Double(draws + 1)
        if reaching < h {
            while drawn < most && reaching < h {
                drawn += 1
                if FidelityFigure.settled(permutedDistance()) >= observed { reaching += 1 }
            }
            pValue = reaching == h ? Double(h) / Double(drawn) : Double(reaching + 1) / Double(drawn + 1)
        }
        return Result(
            statistic: statistic, critical: critical, pValue: pValue, permutations: drawn, recordedCount: n,
            simulatedCount: total - n)
    }
}
