/// A service's hidden Markov chain of regimes: which regime serves each call.
///
/// ## Semantics
/// The caller keeps the service's current regime index, starting at `initial`. On every call to
/// the service it calls `next(from: current, at: callTime, using: &rng)`; the result is the
/// regime that serves *this* call and becomes the new current regime. So:
/// - **Transitions** are per call: from regime `i`, the call moves to `transitions[i][k].target`
///   with probability `transitions[i][k].probability` (cumulative in declared order over one
///   uniform draw); with the remaining probability it stays in `i`. The very first call can
///   therefore already leave `initial`.
/// - **Schedules** force a regime while virtual time is inside a window `[fromMs, toMs)`:
///   a call at such a time gets the window's regime regardless of the current one and of the
///   draw. If windows overlap, the first declared wins. When a window ends, the chain simply
///   continues from the scheduled regime (it was the current one), stepping by its transitions;
///   nothing snaps back to the regime before the window.
/// - `next` draws exactly one word per call, scheduled or not, so schedules never shift later
///   draws on the same stream.
///
/// Construction validates everything, so `next` trusts its indices; an out-of-range `current`
/// (a caller bug) is treated as `initial` rather than trapping.
package struct RegimeChain: Sendable, Hashable {
    /// A per-call move from one regime to another.
    package struct Transition: Sendable, Hashable {
        /// The index of the regime moved to.
        package var target: Int
        /// The per-call probability of the move.
        package var probability: Double

        /// A move to `target` with `probability` per call.
        package init(to target: Int, probability: Double) {
            self.target = target
            self.probability = probability
        }
    }

    /// A window of virtual time `[fromMs, toMs)` during which calls are served by `regime`.
    package struct Schedule: Sendable, Hashable {
        /// Start of the window in virtual milliseconds, included.
        package var fromMs: Int64
        /// End of the window in virtual milliseconds, excluded.
        package var toMs: Int64
        /// The index of the forced regime.
        package var regime: Int

        /// A window forcing `regime` over `[fromMs, toMs)`.
        package init(fromMs: Int64, toMs: Int64, regime: Int) {
            self.fromMs = fromMs
            self.toMs = toMs
            self.regime = regime
        }

        /// Whether `time` is inside the window.
        package func contains(_ time: Int64) -> Bool {
            time >= fromMs && time < toMs
        }
    }

    /// The regimes, in declared order; indices in transitions and schedules refer to it.
    package let regimes: [Regime]
    /// The regime before the first call.
    package let initial: Int
    /// `transitions[i]`: the moves out of regime `i`; always `regimes.count` rows.
    package let transitions: [[Transition]]
    /// Windows that force a regime, in declared order.
    package let schedules: [Schedule]

    /// A validated chain. `transitions` may have fewer rows than there are regimes (missing
    /// rows mean "always stay"). Throws when a regime is invalid or names repeat, an index is
    /// out of range, a probability is outside `[0, 1]`, a row sums above 1, or a window is
    /// empty.
    package init(
        regimes: [Regime], initial: Int = 0, transitions: [[Transition]] = [], schedules: [Schedule] = []
    ) throws(ServiceModelError) {
        let names = regimes.map(\.name)
        guard !regimes.isEmpty else {
            throw .invalidValue(at: ServiceModelLocation(.regimes), expected: "at least one regime", found: "none")
        }
        for (index, regime) in regimes.enumerated() {
            try regime.validate()
            if names[..<index].contains(regime.name) {
                throw .duplicateRegime(at: ServiceModelLocation(.regimes), name: regime.name)
            }
        }
        guard regimes.indices.contains(initial) else {
            throw .unknownRegime(at: ServiceModelLocation(.initialRegime), found: "#\(initial)", known: names)
        }
        guard transitions.count <= regimes.count else {
            throw .invalidValue(
                at: ServiceModelLocation(.transitions), expected: "at most \(regimes.count) rows (one per regime)",
                found: "\(transitions.count) rows")
        }
        for (source, row) in transitions.enumerated() {
            var sum = 0.0
            for move in row {
                guard regimes.indices.contains(move.target) else {
                    throw .unknownRegime(
                        at: ServiceModelLocation(.transitionsFrom(names[source])), found: "#\(move.target)",
                        known: names)
                }
                guard move.probability >= 0 && move.probability <= 1 else {
                    throw .invalidValue(
                        at: ServiceModelLocation(.transition(from: names[source], to: names[move.target])),
                        expected: "a probability in [0, 1]", found: move.probability.errorText)
                }
                sum += move.probability
            }
            guard sum <= 1 + 1e-9 else {
                throw .invalidValue(
                    at: ServiceModelLocation(.transitionsFrom(names[source])),
                    expected: "probabilities summing to at most 1",
                    found: "a sum of \(sum.errorText)")
            }
        }
        for (index, window) in schedules.enumerated() {
            guard regimes.indices.contains(window.regime) else {
                throw .unknownRegime(
                    at: ServiceModelLocation(.scheduleRegime(window: index)), found: "#\(window.regime)", known: names)
            }
            guard window.fromMs < window.toMs else {
                throw .invalidValue(
                    at: ServiceModelLocation(.scheduleEnd(window: index)),
                    expected: "a time after the window's start (\(window.fromMs))",
                    found: String(window.toMs))
            }
        }
        self.regimes = regimes
        self.initial = initial
        self.transitions = transitions + Array(repeating: [], count: regimes.count - transitions.count)
        self.schedules = schedules
    }

    /// A validated chain written with regime names, in the scenario file's terms:
    /// `initial: "healthy"`, `transitions: [("healthy", "degraded", 0.05)]`,
    /// `schedules: [(0, 20_000, "degraded")]`.
    package init(
        regimes: [Regime], initial: String,
        transitions: [(from: String, to: String, probability: Double)] = [],
        schedules: [(fromMs: Int64, toMs: Int64, regime: String)] = []
    ) throws(ServiceModelError) {
        let names = regimes.map(\.name)
        func index(_ name: String, _ field: ServiceModelLocation.Field) throws(ServiceModelError) -> Int {
            guard let found = names.firstIndex(of: name) else {
                throw .unknownRegime(at: ServiceModelLocation(field), found: "'\(name)'", known: names)
            }
            return found
        }
        var rows = [[Transition]](repeating: [], count: regimes.count)
        for move in transitions {
            let source = try index(move.from, .transitions)
            let target = try index(move.to, .transitionsFrom(move.from))
            rows[source].append(Transition(to: target, probability: move.probability))
        }
        var windows: [Schedule] = []
        for (position, window) in schedules.enumerated() {
            let regime = try index(window.regime, .scheduleRegime(window: position))
            windows.append(Schedule(fromMs: window.fromMs, toMs: window.toMs, regime: regime))
        }
        try self.init(
            regimes: regimes, initial: try index(initial, .initialRegime), transitions: rows, schedules: windows)
    }

    /// The index of the regime called `name`.
    package func index(named name: String) -> Int? {
        regimes.firstIndex { $0.name == name }
    }

    /// The regime a schedule forces at `time`, if any (first matching window).
    package func scheduledRegime(at time: Int64) -> Int? {
        schedules.first { $0.contains(time) }?.regime
    }

    /// The regime serving a call at virtual time `time`, given the regime `current` that served
    /// the previous call (or `initial`). Draws exactly one word. See the type's documentation.
    package func next(from current: Int, at time: Int64, using rng: inout RandomStream) -> Int {
        let u = rng.nextDouble()
        if let forced = scheduledRegime(at: time) { return forced }
        let source = regimes.indices.contains(current) ? current : initial
        var cumulative = 0.0
        for move in transitions[source] {
            cumulative += move.probability
            if u < cumulative { return move.target }
        }
        return source
    }

    /// The per-call transition matrix without schedules: `matrix[i][j]` is the probability
    /// that a call served after regime `i` is served by `j`. Rows sum to 1.
    package var transitionMatrix: [[Double]] {
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: regimes.count), count: regimes.count)
        for (source, row) in transitions.enumerated() {
            var moved = 0.0
            for move in row {
                matrix[source][move.target] += move.probability
                moved += move.probability
            }
            matrix[source][source] += Swift.max(1 - moved, 0)
        }
        return matrix
    }
}
