import WorldModel

/// The log-latency bins of a service's latency emission: the hidden Markov model gives each
/// regime a probability per bin (`HiddenMarkovModel.latencyShares`), so a regime's latency can
/// be any shape — a point mass, a uniform, a long tail — instead of one Gaussian in log latency,
/// which made BIC buy extra regimes to shape one regime's distribution.
///
/// Two resolutions, nested: the *coarse* bins are what free shares pay a parameter for (one
/// share per coarse bin but one), so there are few of them; the *fine* bins split the lowest and
/// the highest coarse bin further, and are what every observation is binned on (`count`,
/// `bin(of:)`): the binned lognormal, which costs two parameters whatever the bins, takes its
/// shares on them, and free shares spread each coarse bin's share over its fine bins in fixed
/// proportions (`spread`: the fine bins' pooled counts within their coarse bin). So both families
/// are distributions over the same fine-binned observations and BIC compares them exactly; free
/// shares' likelihood is its coarse likelihood plus a constant (the sum of the calls' `log
/// spread`), the same for every free-shares candidate.
///
/// Why the outermost bins: equal-count bins are widest in log latency at the tails, and that is
/// where a rare regime hides. On crm-refund's billing (96 % of calls degraded at 2.5 s), 51
/// outage calls at exactly 30 ms shared the lowest coarse bin with most of healthy's 120 ms
/// calls, so the latency said nothing about the outage and BIC merged it into healthy; the
/// retail store's degraded tail shared the top coarse bin (7.7 % of all calls) with healthy's.
/// Splitting every coarse bin (3 or 4 times) fixed both too, but on the fine bins in the body a
/// lognormal that fits a regime's shape only roughly (two overlapping uniform regimes, a
/// lognormal cut short by a timeout) was outscored by three lognormal regimes, or learned a
/// regime for one regime's upper tail: the shape misfit that free shares' coarse bins exist to
/// forgive. The body's coarse bins are narrow in log latency already.
///
/// Spikes: a value that holds at least `spikeMinimum` latencies and `spikeRatio` times as many
/// as its two neighbouring recorded values together (`isSpike`) gets a fine bin of its own in
/// whatever coarse bin it lies, however few calls that is next to a bin's worth. A continuous
/// latency recorded in whole milliseconds gives neighbouring values similar counts; a regime
/// whose latency is fixed puts all its calls on one. On crm-refund's billing the outage's 51
/// calls at exactly 30 ms (plus 2 of healthy's) were fewer than a fine bin's 92, so they shared
/// the lowest fine bin (up to 70 ms) with 41 of healthy's calls: healthy's share of that bin was
/// 0.28, and an error-free 30 ms call (which ends its episode, so nothing after it tells) was
/// likelier healthy's than the outage's, whose successes are 1 in 10. Baum–Welch, started even
/// from the true regimes, gave the outage none of its successes (server_error 0.999 where its
/// calls showed 0.804), at a higher likelihood than the true assignment's on those bins. With 30
/// ms a bin of its own, healthy's share of it is about 0.01 and the outage keeps them. A spike's
/// bin costs no parameter (free shares spread their coarse share over it, the lognormal takes
/// its share there), and the coarse bins stay as they are.
///
/// The bins are fixed from the service's pooled log latencies before any fit, so every regime
/// count (and every scheduled refit) shares them and their likelihoods are comparable by BIC.
/// Built from the sorted latencies alone, they are the same for the same data, bit for bit.
///
/// Construction: the target coarse bin count for `n` latencies is `∛(n/2)` rounded up (the
/// smallest `b` with `2b³ ≥ n`), at least 2 and at most `maximumTarget`; walking the distinct
/// values in ascending order, a bin closes once it holds `n / target` latencies, and a value that
/// alone holds that many (a point mass, e.g. half of a service's calls at exactly 140 ms) closes
/// the bin before it and gets a bin of its own. A value is never split between bins, so there are
/// at most `2 × target` coarse bins, and fewer when the data have fewer distinct values. The
/// fine bins walk the first and the last coarse bin's values alike with `n / (fineFactor ×
/// target)` latencies a bin, so a smaller point mass there gets a fine bin of its own too; every
/// other coarse bin is one fine bin, but for its spikes, each of which closes the fine bin before
/// it and gets one of its own.
package struct LatencyBins: Sendable, Hashable {
    /// Each fine bin's largest log latency, ascending: bin `b` holds the log latencies in
    /// `(upperBounds[b − 1], upperBounds[b]]`; the first bin also holds everything below, the last
    /// everything above (latencies the fit never saw, e.g. held-out calls). Empty when no call
    /// carried a latency (then there is one bin).
    package let upperBounds: [Double]
    /// Where one fine bin ends and the next begins for a continuous distribution (the binned
    /// lognormal, `LatencyFamily.lognormal`): halfway between a bin's largest log latency and the
    /// next bin's smallest, one fewer than the bins. Recorded latencies are rounded (often to
    /// whole milliseconds), so the gap between two bins' recorded values belongs to neither.
    package let cuts: [Double]
    /// Each fine bin's coarse bin (ascending from 0; every coarse bin holds at least one fine
    /// bin).
    package let coarseBin: [Int]
    /// Each fine bin's fixed share of its coarse bin under free shares: its pooled count over its
    /// coarse bin's (1 for a coarse bin of one fine bin); the shares of a coarse bin sum to 1.
    package let spread: [Double]
    /// The fine bins that hold a spike (`isSpike`: a point mass, such as a regime whose latency
    /// is fixed), ascending; empty for bins made from upper bounds.
    package let spikes: [Int]

    /// The largest target coarse bin count, reached at 524,288 latencies.
    package static let maximumTarget = 64

    /// How many times finer than the coarse bins the outermost coarse bins are split (aimed at:
    /// `n / (fineFactor × target)` latencies a fine bin). Chosen on the shipped scenarios'
    /// 2,000-episode sweeps (docs/learning.md).
    package static let fineFactor = 4

    /// The bins of sorted log latencies (see the type's documentation).
    package init(sortedLogLatencies sorted: [Double]) {
        let n = sorted.count
        guard n > 0 else {
            upperBounds = []
            cuts = []
            coarseBin = [0]
            spread = [1]
            spikes = []
            return
        }
        let target = Self.targetCount(latencies: n)
        let coarseEnds = Self.walk(sorted, 0..<n, perBin: Double(n) / Double(target))
        let finePerBin = Double(n) / Double(target * Self.fineFactor)
        var ends: [Int] = []
        var coarse: [Int] = []
        var spread: [Double] = []
        var spikes: [Int] = []
        var begin = 0
        for (c, end) in coarseEnds.enumerated() {
            var fineBegin = begin
            // Only the two outermost coarse bins are split by count: see the type's
            // documentation. A spike (`isSpike`) gets a fine bin of its own in any coarse bin.
            let split = c == 0 || c == coarseEnds.count - 1
            let perBin = split ? finePerBin : Double(end - begin)
            for fineEnd in Self.walk(sorted, begin..<end, perBin: perBin, spikes: true) {
                if sorted[fineBegin] == sorted[fineEnd - 1] && Self.isSpike(sorted, fineBegin..<fineEnd) {
                    spikes.append(ends.count)
                }
                ends.append(fineEnd)
                coarse.append(c)
                spread.append(Double(fineEnd - fineBegin) / Double(end - begin))
                fineBegin = fineEnd
            }
            begin = end
        }
        upperBounds = ends.map { sorted[$0 - 1] }
        cuts = ends.dropLast().map { 0.5 * (sorted[$0 - 1] + sorted[$0]) }
        coarseBin = coarse
        self.spread = spread
        self.spikes = spikes
    }

    /// The ends (exclusive indices, ascending, the last `range.upperBound`) of the equal-count
    /// bins of `sorted[range]` with `perBin` latencies a bin (see the type's documentation); with
    /// `spikes`, a spike (`isSpike`) also closes the bin before it and gets a bin of its own.
    static func walk(_ sorted: [Double], _ range: Range<Int>, perBin: Double, spikes: Bool = false) -> [Int] {
        var ends: [Int] = []
        var inBin = 0
        var index = range.lowerBound
        while index < range.upperBound {
            let end = endOfValue(sorted, from: index)
            let count = end - index
            let alone = Double(count) >= perBin || (spikes && isSpike(sorted, index..<end))
            if alone && inBin > 0 {
                // A point mass: close the bin before it.
                ends.append(index)
                inBin = 0
            }
            inBin += count
            if Double(inBin) >= perBin || alone {
                ends.append(end)
                inBin = 0
            }
            index = end
        }
        if inBin > 0 { ends.append(range.upperBound) }
        return ends
    }

    /// The end (exclusive) of the run of values equal to `sorted[index]`.
    static func endOfValue(_ sorted: [Double], from index: Int) -> Int {
        var end = index + 1
        while end < sorted.count && sorted[end] == sorted[index] { end += 1 }
        return end
    }

    /// Whether the run `sorted[run]` of one value is a *spike*: at least `spikeMinimum`
    /// latencies, and at least `spikeRatio` times as many as its two neighbouring values (the
    /// next smaller and the next larger recorded value) hold together. A point mass (a regime
    /// whose latency is fixed) is one; a continuous distribution's latencies, recorded at some
    /// resolution, give neighbouring values similar counts (see the type's documentation).
    static func isSpike(_ sorted: [Double], _ run: Range<Int>) -> Bool {
        let count = run.count
        guard count >= spikeMinimum else { return false }
        var below = 0
        if run.lowerBound > 0 {
            let value = sorted[run.lowerBound - 1]
            var start = run.lowerBound - 1
            while start > 0 && sorted[start - 1] == value { start -= 1 }
            below = run.lowerBound - start
        }
        let above = run.upperBound < sorted.count ? endOfValue(sorted, from: run.upperBound) - run.upperBound : 0
        return count >= spikeRatio * (below + above)
    }

    /// The fewest latencies a spike holds (`isSpike`).
    package static let spikeMinimum = 20
    /// How many times its two neighbouring values' latencies together a spike holds at least (`isSpike`).
    package static let spikeRatio = 4

    /// Bins with the given upper bounds (ascending), e.g. for a test's hand-made model.
    package init(upperBounds: [Double]) {
        precondition(zip(upperBounds, upperBounds.dropFirst()).allSatisfy { $0 < $1 }, "upper bounds ascend")
        self.upperBounds = upperBounds
        cuts = Array(upperBounds.dropLast())
        coarseBin = Array(0..<Swift.max(upperBounds.count, 1))
        spread = Array(repeating: 1, count: Swift.max(upperBounds.count, 1))
        spikes = []
    }

    /// One bin per distinct value of `sorted` (ascending log latencies), cut halfway between
    /// neighbours: a continuous distribution's share of a bin is then its probability of rounding
    /// to that value, so the shares of two distributions compare as their densities there. Not
    /// a fit's bins (a parameter per bin would describe noise): `DynamicsLearner` weighs each
    /// call by the lognormals a binned fit wrote, at the call's own latency.
    package init(eachValueOf sorted: [Double]) {
        var values: [Double] = []
        for x in sorted where values.last != x {
            precondition(values.last.map { $0 < x } ?? true, "log latencies ascend")
            values.append(x)
        }
        upperBounds = values
        cuts = zip(values, values.dropFirst()).map { 0.5 * ($0 + $1) }
        coarseBin = Array(0..<Swift.max(values.count, 1))
        spread = Array(repeating: 1, count: Swift.max(values.count, 1))
        spikes = []
    }

    /// The bins of the log latencies of `sequences`' calls (those that carry one).
    package init(_ sequences: [[CallObservation]]) {
        self.init(sortedLogLatencies: sequences.flatMap { $0.compactMap(\.logLatency) }.sorted())
    }

    /// The number of fine bins, the bins every observation is binned on (1 when no call carried
    /// a latency).
    package var count: Int { Swift.max(upperBounds.count, 1) }

    /// The number of coarse bins, free shares' bins (`LatencyFamily.parameters(bins:)`).
    package var coarseCount: Int { coarseBin.last! + 1 }

    /// Free shares' fine-bin shares from one share per coarse bin: each coarse bin's share
    /// spread over its fine bins by `spread`.
    package func spreading(coarseShares: [Double]) -> [Double] {
        precondition(coarseShares.count == coarseCount, "one share per coarse bin")
        return (0..<count).map { coarseShares[coarseBin[$0]] * spread[$0] }
    }

    /// Fine-bin figures (e.g. posterior weights) summed per coarse bin.
    package func coarseTotals(_ fine: [Double]) -> [Double] {
        precondition(fine.count == count, "one figure per fine bin")
        var totals = Array(repeating: 0.0, count: coarseCount)
        for b in 0..<count { totals[coarseBin[b]] += fine[b] }
        return totals
    }

    /// The bin of a log latency: the first whose upper bound is at least `logLatency`, or the
    /// last bin when it is above them all.
    package func bin(of logLatency: Double) -> Int {
        var low = 0
        var high = upperBounds.count
        while low < high {
            let middle = (low + high) / 2
            if upperBounds[middle] >= logLatency { high = middle } else { low = middle + 1 }
        }
        return Swift.min(low, count - 1)
    }

    /// The shares of the bins under a normal distribution of log latency with mean `mean` and
    /// standard deviation `deviation` (> 0): bin `b` gets `Φ((cut_b − μ)/σ) − Φ((cut_{b−1} − μ)/σ)`,
    /// the first bin from −∞ and the last to +∞, so they sum to 1. Each difference is taken
    /// between upper tails of non-negative arguments (`DeterministicMath.normalUpperTail`), so a
    /// bin far in a tail keeps its small share instead of losing it to cancellation.
    package func lognormalShares(mean: Double, deviation: Double) -> [Double] {
        precondition(deviation > 0, "a lognormal's deviation is positive")
        guard count > 1 else { return [1] }
        let z = cuts.map { ($0 - mean) / deviation }
        var shares: [Double] = []
        shares.reserveCapacity(count)
        for b in 0..<count {
            let low = b == 0 ? -Double.infinity : z[b - 1]
            let high = b == count - 1 ? Double.infinity : z[b]
            let share: Double
            if low >= 0 {
                share = DeterministicMath.normalUpperTail(low) - DeterministicMath.normalUpperTail(high)
            } else if high <= 0 {
                share = DeterministicMath.normalUpperTail(-high) - DeterministicMath.normalUpperTail(-low)
            } else {
                share = 1 - DeterministicMath.normalUpperTail(high) - DeterministicMath.normalUpperTail(-low)
            }
            shares.append(Swift.max(share, 0))
        }
        return shares
    }

    /// The target coarse bin count for `n` latencies: the smallest `b ≥ 2` with `2b³ ≥ n` (`∛(n/2)`
    /// rounded up), at most `maximumTarget`. Each bin costs a parameter per regime in BIC, and
    /// finer bins tell overlapping regimes apart better. Chosen on the shipped scenarios: `2·∛n`
    /// (the Rice rule) and `∛n` recovered the same regime counts from 2,000-episode sweeps, but
    /// from 300 billing-outage episodes the degraded regime did not pay for its parameters (BIC
    /// 1.7 worse than merging it into healthy); `∛n / 2` made overlapping lognormal regimes
    /// bleed into each other (300 episodes of two: healthy p99 +38 %; the retail store's sweep:
    /// +71 %); `∛(n/2)` does neither, and misses least on the sweeps (docs/learning.md).
    package static func targetCount(latencies n: Int) -> Int {
        var b = 2
        while b < maximumTarget && 2 * b * b * b < n { b += 1 }
        return b
    }
}
