import WorldModel

/// Call sequences laid out contiguously for Baum–Welch's inner loops: one array per field over
/// all calls of all sequences, and where each sequence starts. Built once per fit, so the
/// iterations allocate nothing per call; also holds the latency bins (`LatencyBins`, fixed from
/// the pooled log latencies) and the data summaries every restart's starting point needs.
package struct ObservationBlock: Sendable {
    /// Each call's outcome class index, or −1 for a call that carries no evidence.
    package let outcomes: [Int]
    /// Each call's latency bin (an index into `latencyBins`), or −1 when its latency is not an
    /// emission.
    package let bins: [Int]
    /// Each call's log latency when it is an emission (its bin is not −1), else 0: the binned
    /// lognormal's M-step (`LatencyFamily.lognormal`) averages them.
    package let logLatencies: [Double]
    /// Each call's forced regime (a schedule window's), or −1 when the chain chooses it.
    package let forced: [Int]
    /// Where each sequence starts, plus the end of the last (`sequenceCount + 1` entries).
    package let starts: [Int]
    /// The log-latency bins, from the pooled log latencies of all calls.
    package let latencyBins: LatencyBins
    /// How many calls fell in each latency bin.
    package let binCounts: [Int]
    /// How many calls fell in each outcome class, plus one (a smoothed share for starting points).
    package let smoothedOutcomeCounts: [Double]

    /// The sequences' calls, in order; empty sequences are dropped.
    package init(_ sequences: [[CallObservation]]) {
        self.init(sequences, latencyBins: LatencyBins(sequences))
    }

    /// The sequences' calls, in order, binned on `latencyBins` (which must cover their log
    /// latencies; `DynamicsLearner`'s refit uses every latency its own bin); empty sequences are
    /// dropped.
    package init(_ sequences: [[CallObservation]], latencyBins: LatencyBins) {
        var outcomes: [Int] = []
        var bins: [Int] = []
        var logLatencies: [Double] = []
        var forced: [Int] = []
        var starts: [Int] = [0]
        var counts = Array(repeating: 1.0, count: CallObservation.classCount)
        var binCounts = Array(repeating: 0, count: latencyBins.count)
        let total = sequences.reduce(0) { $0 + $1.count }
        outcomes.reserveCapacity(total)
        bins.reserveCapacity(total)
        logLatencies.reserveCapacity(total)
        forced.reserveCapacity(total)
        for sequence in sequences where !sequence.isEmpty {
            for observation in sequence {
                outcomes.append(observation.outcome ?? -1)
                if let outcome = observation.outcome { counts[outcome] += 1 }
                if let x = observation.logLatency {
                    let bin = latencyBins.bin(of: x)
                    bins.append(bin)
                    logLatencies.append(x)
                    binCounts[bin] += 1
                } else {
                    bins.append(-1)
                    logLatencies.append(0)
                }
                forced.append(observation.forcedRegime ?? -1)
            }
            starts.append(outcomes.count)
        }
        self.outcomes = outcomes
        self.bins = bins
        self.logLatencies = logLatencies
        self.forced = forced
        self.starts = starts
        self.latencyBins = latencyBins
        self.binCounts = binCounts
        self.smoothedOutcomeCounts = counts
    }

    /// The number of calls.
    package var calls: Int { outcomes.count }
    /// The number of (non-empty) sequences.
    package var sequenceCount: Int { starts.count - 1 }
}
