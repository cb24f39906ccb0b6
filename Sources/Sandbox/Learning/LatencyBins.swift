import WorldModel

/// The log-latency bins of a service's latency emission: the hidden Markov model gives each
/// regime a probability per bin (`HiddenMarkovModel.latencyShares`), so a regime's latency can
/// be any shape — a point mass, a uniform, a long tail — instead of one Gaussian in log latency,
/// which made BIC buy extra regimes to shape one regime's distribution.
///
/// The bins are fixed from the service's pooled log latencies before any fit, so every regime
/// count (and every scheduled refit) shares them and their likelihoods are comparable by BIC.
/// Built from the sorted latencies alone, they are the same for the same data, bit for bit.
///
/// Construction: the target bin count for `n` latencies is `∛(n/2)` rounded up (the smallest `b`
/// with `2b³ ≥ n`), at least 2 and at most `maximumTarget`; walking the distinct
/// values in ascending order, a bin closes once it holds `n / target` latencies, and a value that
/// alone holds that many (a point mass, e.g. half of a service's calls at exactly 140 ms) closes
/// the bin before it and gets a bin of its own. A value is never split between bins, so there are
/// at most `2 × target` bins, and fewer when the data have fewer distinct values.
package struct LatencyBins: Sendable, Hashable {
    /// Each bin's largest log latency, ascending: bin `b` holds the log latencies in
    /// `(upperBounds[b − 1], upperBounds[b]]`; the first bin also holds everything below, the last
    /// everything above (latencies the fit never saw, e.g. held-out calls). Empty when no call
    /// carried a latency (then there is one bin).
    package let upperBounds: [Double]
    /// Where one bin ends and the next begins for a continuous distribution (the binned
    /// lognormal, `LatencyFamily.lognormal`): halfway between a bin's largest log latency and the
    /// next bin's smallest, one fewer than the bins. Recorded latencies are rounded (often to
    /// whole milliseconds), so the gap between two bins' recorded values belongs to neither.
    package let cuts: [Double]

    /// The largest target bin count, reached at 524,288 latencies.
    package static let maximumTarget = 64

    /// The bins of sorted log latencies (see the type's documentation).
    package init(sortedLogLatencies sorted: [Double]) {
        let n = sorted.count
        guard n > 0 else {
            upperBounds = []
            cuts = []
            return
        }
        let target = Double(n) / Double(Self.targetCount(latencies: n))
        var uppers: [Double] = []
        var edges: [Double] = []
        var inBin = 0
        var index = 0
        while index < n {
            var end = index + 1
            while end < n && sorted[end] == sorted[index] { end += 1 }
            let count = end - index
            if Double(count) >= target && inBin > 0 {
                // A point mass: close the bin before it.
                uppers.append(sorted[index - 1])
                edges.append(0.5 * (sorted[index - 1] + sorted[index]))
                inBin = 0
            }
            inBin += count
            if Double(inBin) >= target {
                uppers.append(sorted[end - 1])
                if end < n { edges.append(0.5 * (sorted[end - 1] + sorted[end])) }
                inBin = 0
            }
            index = end
        }
        if inBin > 0 { uppers.append(sorted[n - 1]) }
        upperBounds = uppers
        // The last bin closed exactly at the largest value: nothing follows it.
        self.cuts = Array(edges.prefix(Swift.max(uppers.count - 1, 0)))
    }

    /// Bins with the given upper bounds (ascending), e.g. for a test's hand-made model.
    package init(upperBounds: [Double]) {
        precondition(zip(upperBounds, upperBounds.dropFirst()).allSatisfy { $0 < $1 }, "upper bounds ascend")
        self.upperBounds = upperBounds
        cuts = Array(upperBounds.dropLast())
    }

    /// The bins of the log latencies of `sequences`' calls (those that carry one).
    package init(_ sequences: [[CallObservation]]) {
        self.init(sortedLogLatencies: sequences.flatMap { $0.compactMap(\.logLatency) }.sorted())
    }

    /// The number of bins (1 when no call carried a latency).
    package var count: Int { Swift.max(upperBounds.count, 1) }

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

    /// The target bin count for `n` latencies: the smallest `b ≥ 2` with `2b³ ≥ n` (`∛(n/2)`
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
