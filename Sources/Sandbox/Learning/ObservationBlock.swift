import WorldModel

/// Call sequences laid out contiguously for Baum–Welch's inner loops: one array per field over
/// all calls of all sequences, and where each sequence starts. Built once per fit, so the
/// iterations allocate nothing per call; also holds the data summaries every restart's starting
/// point needs (sorted log latencies, outcome counts).
package struct ObservationBlock: Sendable {
    /// Each call's outcome class index, or −1 for a call that carries no evidence.
    package let outcomes: [Int]
    /// Each call's log latency (0 where it has none; see `hasLatency`).
    package let logLatencies: [Double]
    /// Whether each call's log latency is an emission.
    package let hasLatency: [Bool]
    /// Each call's forced regime (a schedule window's), or −1 when the chain chooses it.
    package let forced: [Int]
    /// Where each sequence starts, plus the end of the last (`sequenceCount + 1` entries).
    package let starts: [Int]
    /// The log latencies in ascending order.
    package let sortedLatencies: [Double]
    /// How many calls fell in each outcome class, plus one (a smoothed share for starting points).
    package let smoothedOutcomeCounts: [Double]

    /// The sequences' calls, in order; empty sequences are dropped.
    package init(_ sequences: [[CallObservation]]) {
        var outcomes: [Int] = []
        var logLatencies: [Double] = []
        var hasLatency: [Bool] = []
        var forced: [Int] = []
        var starts: [Int] = [0]
        var counts = Array(repeating: 1.0, count: CallObservation.classCount)
        let total = sequences.reduce(0) { $0 + $1.count }
        outcomes.reserveCapacity(total)
        logLatencies.reserveCapacity(total)
        hasLatency.reserveCapacity(total)
        forced.reserveCapacity(total)
        for sequence in sequences where !sequence.isEmpty {
            for observation in sequence {
                outcomes.append(observation.outcome ?? -1)
                if let outcome = observation.outcome { counts[outcome] += 1 }
                logLatencies.append(observation.logLatency ?? 0)
                hasLatency.append(observation.logLatency != nil)
                forced.append(observation.forcedRegime ?? -1)
            }
            starts.append(outcomes.count)
        }
        self.outcomes = outcomes
        self.logLatencies = logLatencies
        self.hasLatency = hasLatency
        self.forced = forced
        self.starts = starts
        self.sortedLatencies = zip(logLatencies, hasLatency).compactMap { $1 ? $0 : nil }.sorted()
        self.smoothedOutcomeCounts = counts
    }

    /// The number of calls.
    package var calls: Int { outcomes.count }
    /// The number of (non-empty) sequences.
    package var sequenceCount: Int { starts.count - 1 }
}
