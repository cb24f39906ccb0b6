import WorldModel

/// Finds schedules in a service's calls: windows of time since each sequence's start in which
/// one regime serves (nearly) every call, in every sequence alike — billing-outage's outage
/// forced from 2 s to 5 s of every episode. A time-homogeneous chain cannot express such a
/// window; it absorbs the window's calls into its regimes and can add one.
///
/// The method: every sequence starts at time 0 (a recording's session start, a trace's episode
/// start), so a forced window is the same time range in every sequence. The calls, decoded with
/// a fitted chain (most probable regime per call), are pooled over the sequences and ordered by
/// time since their sequence's start; for each regime, the stretch of that order where the
/// regime's share of the calls most exceeds `minimumShare` (the maximum-sum stretch of the
/// scores `1 − minimumShare` for a call of the regime and `−minimumShare` for any other, so its
/// share is at least `minimumShare`) is a candidate window when it holds at least
/// `minimumCalls` calls from at least `minimumSequences` sequences, and when the chain alone
/// (its initial shares moved on by its transitions) predicts far fewer of them for the regime
/// (`minimumSurprise`, comparing the regime's posterior summed over the stretch's calls with
/// it). A call of a regime's copy counts as the regime's: regimes whose emissions a call can
/// hardly tell apart (`maximumDivergence`) are the way a chain without schedules mimics a
/// window, a copy of the forced regime that stays longer. Every call counts, each sequence's
/// first too: a window from the sequences' start is only seen in them. The edges are then moved to the most likely change point of the regime's
/// share around each (two binomial segments, split where the recorded time moves on), so one
/// call the decoding gave to another regime near an edge does not cut the window short (unless
/// the share would then fall below the minimum: the stretch's own edges stay); the start moves
/// to the sequences' start when the calls before it keep the share at least `minimumShare`.
/// The window is written from the recorded time, rounded down to the millisecond, of its first
/// call (0 when no call of any sequence came before it) to just after its last call's (also
/// when no call came after it: the data say nothing later). `DynamicsLearner` then refits the
/// chain with the window's calls forced to one regime (`CallObservation.forcedRegime`), searches
/// again with the refit's decoding until the window stays put, and keeps the schedule only when
/// the Bayesian information criterion says so.
///
/// Pure: no I/O, no clock; calls at the same time are ordered by sequence and position, so the
/// same calls always give the same windows.
package struct ScheduleInference: Sendable, Hashable {
    /// The share of a window's calls its regime must serve. A forced window's calls are all
    /// served by its regime; a few may be decoded otherwise (a call whose evidence another
    /// regime explains better), so the share is not required to be 1.
    package static let minimumShare = 0.95
    /// The fewest calls a window needs. A regime the chain visits on its own, serving a share p
    /// of the calls at some time, shows at least 29 of 30 independent calls there with
    /// probability 31·p²⁹ for p = ½ (3·10⁻⁸), so 30 calls rule chance out for any regime that
    /// does not dominate; a dominant one is the Bayesian information criterion's to judge.
    package static let minimumCalls = 30
    /// The fewest sequences a window's calls must come from: a window is the same in every
    /// sequence, which a handful of sequences cannot tell apart from a regime visit that
    /// happened at the same time in each.
    package static let minimumSequences = 10
    /// How many standard deviations a window's count of its regime's calls must lie above what
    /// the chain alone predicts for them. The stretch is the best of many a search looks at, so
    /// the bar is well above a single test's (4 deviations: about 3·10⁻⁵ one-sided).
    package static let minimumSurprise = 4.0
    /// The largest divergence between two regimes' emissions (nats per call, the two
    /// Kullback–Leibler divergences summed, each measured on the calls its first regime served)
    /// at which the search counts them as one: below it a single call says almost nothing about
    /// which of the two served it (a regime and the copy a chain makes of it to mimic a window,
    /// with the same outcome shares and latency, differ by sampling alone), while regimes the
    /// model is meant to tell apart differ by far more (crm-refund's healthy and degraded billing
    /// regimes by over 10).
    package static let maximumDivergence = 0.1
    /// The parameters a window adds to a model (its two edges; the regime it forces is one of
    /// the model's).
    package static let parametersPerWindow = 2

    /// One window found in the calls.
    package struct Window: Sendable, Hashable {
        /// The start as written, in milliseconds since the sequence's start (included): the first
        /// call in the window, rounded down to a whole millisecond, or 0 when no call of any
        /// sequence came before it.
        package var fromMs: Int64
        /// The end as written (excluded): just after the last call in the window.
        package var toMs: Int64
        /// The regime it forces: an index into the regimes of the model it is used with.
        package var regime: Int
        /// The calls inside it (by the written edges).
        package var calls: Int
        /// The sequences those calls came from.
        package var sequences: Int
        /// The share of its calls the decoding chain gave to its regime or to a copy of it
        /// (`maximumDivergence`).
        package var share: Double
        /// The latest call before the window, if any: the true start lies after it.
        package var lastCallBeforeMs: Double?
        /// The earliest call after the window, if any: the true end lies at or before it.
        package var firstCallAfterMs: Double?

        /// Whether a call at `atMs` is inside the written window (as the simulator decides it,
        /// on whole milliseconds: `[fromMs, toMs)`).
        package func contains(_ atMs: Double) -> Bool {
            let ms = Int64(atMs.rounded(.down))
            return ms >= fromMs && ms < toMs
        }
    }

    /// The candidate windows and, when there are none, why.
    package var windows: [Window]
    /// Why no window was found (`nil` when some were).
    package var reason: String?

    /// Looks for windows in `sequences` (the observations a chain is fitted to) decoded with
    /// `model`; `times[s][t]` is the time of call `t` of sequence `s` since the sequence began.
    /// At most one window: of the regimes' stretches that qualify, the one that exceeds the share
    /// by most.
    package init(model: HiddenMarkovModel, sequences: [[CallObservation]], times: [[Double]]) {
        precondition(
            sequences.count == times.count && zip(sequences, times).allSatisfy { $0.count == $1.count },
            "one time per observation")
        windows = []
        reason = nil
        let nonEmpty = sequences.filter { !$0.isEmpty }.count
        guard nonEmpty >= Self.minimumSequences else {
            reason =
                "\(nonEmpty) sequence\(nonEmpty == 1 ? "" : "s"): a window the same in every sequence needs calls from "
                + "at least \(Self.minimumSequences)"
            return
        }
        let k = model.regimeCount
        guard k > 1 else {
            reason = "one regime: there is nothing for a schedule to force"
            return
        }
        // Every call with its time, sequence, decoded regime and posterior, in order of time.
        // First calls count like any other: a window that holds them is told from the chain's
        // initial shares by the surprise test below, and one from the sequences' start (as
        // crm-refund forces its billing service's degraded regime from 0 to 20 s) can only be
        // found with them.
        var pooled: [Pooled] = []
        // Σ γ[r]·(log e_r − log e_j) and Σ γ[r] over the calls: the divergence of each regime's
        // emission from another's, measured on the calls the regime served.
        var ratio = Array(repeating: Array(repeating: 0.0, count: k), count: k)
        var weight = Array(repeating: 0.0, count: k)
        for (s, sequence) in sequences.enumerated() where !sequence.isEmpty {
            let gamma = model.forwardBackward(sequence).gamma
            for t in sequence.indices {
                var best = 0
                for i in 1..<k where gamma[t][i] > gamma[t][best] { best = i }
                pooled.append(Pooled(atMs: times[s][t], sequence: s, position: t, regime: best, posterior: gamma[t]))
                let emission = (0..<k).map { model.logEmission(sequence[t], in: $0) }
                for r in 0..<k where gamma[t][r] > 0 {
                    weight[r] += gamma[t][r]
                    for j in 0..<k { ratio[r][j] += gamma[t][r] * (emission[r] - emission[j]) }
                }
            }
        }
        // Regimes alike (`maximumDivergence`): a chain without the schedule can mimic a window
        // only with a copy of the forced regime that stays longer, and decodes the window's calls
        // to either copy as their transitions have it; a stretch is one regime's and its copies'.
        let divergence = { (r: Int, j: Int) -> Double in
            guard weight[r] > 0, weight[j] > 0 else { return .infinity }
            return ratio[r][j] / weight[r] + ratio[j][r] / weight[j]
        }
        let alike = (0..<k).map { r in (0..<k).map { j in j == r || divergence(r, j) <= Self.maximumDivergence } }
        pooled.sort { ($0.atMs, $0.sequence, $0.position) < ($1.atMs, $1.sequence, $1.position) }
        // What the chain alone predicts for the call at each position of a sequence: the
        // initial shares moved on by the transitions (initial · Aᵗ).
        var predicted = [model.initial]
        let longest = sequences.map(\.count).max() ?? 0
        while predicted.count < longest {
            let last = predicted[predicted.count - 1]
            predicted.append((0..<k).map { j in (0..<k).reduce(0.0) { $0 + last[$1] * model.transitions[$1][j] } })
        }
        var explained: [(calls: Int, predicted: Double)] = []
        var found: [(window: Window, excess: Double)] = []
        for regime in 0..<k {
            // The maximum-sum stretch (Kadane), the earliest on ties.
            var best = (sum: 0.0, first: 0, last: -1)
            var sum = 0.0
            var first = 0
            for (index, call) in pooled.enumerated() {
                if sum <= 0 {
                    sum = 0
                    first = index
                }
                sum += alike[regime][call.regime] ? 1 - Self.minimumShare : -Self.minimumShare
                if sum > best.sum { best = (sum, first, index) }
            }
            guard best.last >= best.first else { continue }
            // The edges, refined: one call the decoding gave to another regime costs the stretch
            // 19 calls of its own, so near an edge it can cut the stretch short. Each edge moves to
            // the most likely change point of the regime's share (below).
            let held = pooled.map { alike[regime][$0.regime] }
            let times = pooled.map { Int64($0.atMs.rounded(.down)) }
            let half = (best.last - best.first) / 2
            let middle = best.first + half
            let start = Self.changePoint(
                held, times: times, in: Swift.max(0, best.first - half - 1)..<(middle + 1), near: best.first)
            let end = Self.changePoint(
                held, times: times, in: middle..<Swift.min(pooled.count, best.last + half + 2), near: best.last + 1)
            // The refined edges, or the stretch's own when refining lets the share fall below the minimum.
            let refined =
                end > start
                ? Self.window(pooled, times: times, first: start, end: end, regime: regime, alike: alike[regime]) : nil
            let stretch = Self.window(
                pooled, times: times, first: best.first, end: best.last + 1, regime: regime, alike: alike[regime])
            let (kept, keptEnd) =
                refined.map { $0.share >= Self.minimumShare ? ($0, end) : (stretch, best.last + 1) }
                ?? (stretch, best.last + 1)
            // From the sequences' start when the calls before the window would keep its share: the
            // start is the one edge with a place of its own (a schedule in force from the start),
            // and a few early calls the decoding gave to another regime should not move it off.
            let fromStart = Self.window(
                pooled, times: times, first: 0, end: keptEnd, regime: regime, alike: alike[regime])
            let window = kept.fromMs > 0 && fromStart.share >= Self.minimumShare ? fromStart : kept
            guard window.calls >= Self.minimumCalls, window.sequences >= Self.minimumSequences,
                window.share >= Self.minimumShare
            else { continue }
            // A window the chain's own start explains (sequences that begin in a sticky regime
            // stay in it for their first calls) is no schedule: the regime's count must lie
            // beyond what the chain predicts for those calls by `minimumSurprise` standard
            // deviations (the count is a sum of independent draws with the predicted shares).
            // The count is the regime's posterior summed over the calls (its expected count given
            // the evidence), not the decoded count: decoding each call to its most probable regime
            // favours a dominant one, and over thousands of calls (every sequence's first, say)
            // that bias alone would lie several deviations above the chain's prediction.
            let inside = pooled.filter { window.contains($0.atMs) }
            let group = (0..<k).filter { alike[regime][$0] }
            let shares = inside.map { call in group.reduce(0) { $0 + predicted[call.position][$1] } }
            let mean = shares.reduce(0, +)
            let variance = shares.reduce(0) { $0 + $1 * (1 - $1) }
            let count = inside.reduce(0) { call, next in call + group.reduce(0) { $0 + next.posterior[$1] } }
            let surprise = (count - mean) / Swift.max(variance, 1e-9).squareRoot()
            guard surprise >= Self.minimumSurprise else {
                explained.append((inside.count, mean / Double(Swift.max(inside.count, 1))))
                continue
            }
            found.append((window, best.sum))
        }
        // One window: the regime whose share most exceeds the minimum (then the lower regime).
        // Several at once would be kept or dropped together by one BIC comparison, and a chance
        // stretch could ride on a real window's gain.
        if let top = found.sorted(by: { ($1.excess, $0.window.regime) < ($0.excess, $1.window.regime) }).first {
            windows = [top.window]
        }
        if windows.isEmpty, let first = explained.first {
            reason =
                "a regime served at least \(Self.minimumShare) of \(first.calls) calls in a stretch of time, but the "
                + "chain alone predicts it for \(LatencyFit.rounded(first.predicted, digits: 3)) of them (sequences "
                + "start in it and stay): not a schedule"
        } else if windows.isEmpty {
            reason =
                "no stretch of time holds at least \(Self.minimumCalls) calls from \(Self.minimumSequences) sequences "
                + "of which one regime serves at least \(Self.minimumShare)"
        }
    }

    /// A call of the search: its time since its sequence began, where it is, the regime that
    /// most probably served it and the probability of each regime (given the whole sequence).
    struct Pooled {
        var atMs: Double
        var sequence: Int
        var position: Int
        var regime: Int
        var posterior: [Double]
    }

    /// The window from the call at `first` to the one before `end` (of the time-ordered pooled
    /// calls) forcing `regime`, with the calls its written edges take in (calls in the same
    /// millisecond as an edge call too) and the nearest calls outside. A window from the earliest
    /// call of all starts at 0, the sequences' start: no call says it began any later.
    /// `alike[j]` says whether a call decoded as regime `j` counts as `regime`'s (the regime and
    /// its copies; by default the regime alone).
    static func window(
        _ pooled: [Pooled], times: [Int64], first: Int, end: Int, regime: Int, alike: [Bool]? = nil
    ) -> Window {
        let from = first == 0 ? 0 : times[first]
        let to = times[end - 1] + 1
        var window = Window(
            fromMs: from, toMs: to, regime: regime, calls: 0, sequences: 0, share: 0, lastCallBeforeMs: nil,
            firstCallAfterMs: nil)
        let inside = pooled.filter { window.contains($0.atMs) }
        window.calls = inside.count
        window.sequences = Set(inside.map(\.sequence)).count
        let held = inside.filter { alike?[$0.regime] ?? ($0.regime == regime) }
        window.share = Double(held.count) / Double(Swift.max(inside.count, 1))
        window.lastCallBeforeMs = pooled.last { Int64($0.atMs.rounded(.down)) < from }?.atMs
        window.firstCallAfterMs = pooled.first { Int64($0.atMs.rounded(.down)) >= to }?.atMs
        return window
    }

    /// The most likely change point of the share of `held` calls in `range`: the index `j` (the
    /// first call after the change) that maximises the likelihood of a share before `j` and
    /// another from `j` on (two binomial segments), among the indices where the time moves on
    /// (calls in the same millisecond stay on one side, as a window holds whole milliseconds).
    /// Ties go to the index nearest `near`, the edge the maximum-sum stretch found.
    static func changePoint(_ held: [Bool], times: [Int64], in range: Range<Int>, near: Int) -> Int {
        func logLikelihood(_ k: Int, _ n: Int) -> Double {
            guard n > 0 else { return 0 }
            var value = 0.0
            if k > 0 { value += Double(k) * DeterministicMath.log(Double(k) / Double(n)) }
            if k < n { value += Double(n - k) * DeterministicMath.log(Double(n - k) / Double(n)) }
            return value
        }
        let total = range.reduce(0) { $0 + (held[$1] ? 1 : 0) }
        var before = 0
        var best = (value: -Double.infinity, index: near)
        for j in range.lowerBound...range.upperBound {
            if j > range.lowerBound { before += held[j - 1] ? 1 : 0 }
            // Only where the time moves on (or at the range's ends).
            if j > range.lowerBound && j < range.upperBound && times[j - 1] == times[j] { continue }
            let n1 = j - range.lowerBound
            let value = logLikelihood(before, n1) + logLikelihood(total - before, range.count - n1)
            if value > best.value || (value == best.value && abs(j - near) < abs(best.index - near)) {
                best = (value, j)
            }
        }
        return best.index
    }

    /// `sequences` with the calls inside `windows` forced to their window's regime (the first
    /// window containing a call wins, as in the simulator).
    package static func forcing(
        _ sequences: [[CallObservation]], times: [[Double]], windows: [Window]
    ) -> [[CallObservation]] {
        zip(sequences, times).map { sequence, times in
            zip(sequence, times).map { observation, atMs in
                guard let window = windows.first(where: { $0.contains(atMs) }) else { return observation }
                return observation.forced(to: window.regime)
            }
        }
    }

    /// A time for a report: whole milliseconds as integers, others with one decimal.
    static func milliseconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int64(value))" : DynamicsLearner.figure(value)
    }
}
