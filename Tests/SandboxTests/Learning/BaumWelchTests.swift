import Testing
import WorldModel

@testable import Sandbox

@Suite("Baum–Welch: the fast step, restarts in parallel")
struct BaumWelchTests {
    /// The textbook expectation–maximisation step over `HiddenMarkovModel.forwardBackward`, one
    /// sequence at a time: what the fitter's fast step must equal.
    static func referenceStep(_ model: HiddenMarkovModel, _ sequences: [[CallObservation]]) -> (
        HiddenMarkovModel, Double
    ) {
        let k = model.regimeCount
        let c = CallObservation.classCount
        var initial = Array(repeating: 0.0, count: k)
        var moves = Array(repeating: Array(repeating: 0.0, count: k), count: k)
        var outcomes = Array(repeating: Array(repeating: 0.0, count: c), count: k)
        let bins = model.latencyBins
        var binWeights = Array(repeating: Array(repeating: 0.0, count: bins.count), count: k)
        // Each timed call's log latency with every regime's posterior (the lognormal's M-step).
        var timed: [(x: Double, gamma: [Double])] = []
        var logLikelihood = 0.0
        for sequence in sequences {
            let posterior = model.forwardBackward(sequence)
            logLikelihood += posterior.logLikelihood
            for i in 0..<k {
                // The regime before the first call (0 everywhere when the first call is forced);
                // `xi` counts the move out of it.
                initial[i] += posterior.start[i]
                for j in 0..<k { moves[i][j] += posterior.xi[i][j] }
            }
            for (t, observation) in sequence.enumerated() {
                for i in 0..<k {
                    let g = posterior.gamma[t][i]
                    if let outcome = observation.outcome { outcomes[i][outcome] += g }
                    if let x = observation.logLatency { binWeights[i][bins.bin(of: x)] += g }
                }
                if let x = observation.logLatency { timed.append((x, posterior.gamma[t])) }
            }
        }
        var next = model
        next.startShares = BaumWelch.normalized(initial, fallback: model.startShares)
        for i in 0..<k {
            next.transitions[i] = BaumWelch.normalized(moves[i], fallback: model.transitions[i])
            next.outcomes[i] = BaumWelch.normalized(outcomes[i], fallback: model.outcomes[i])
            switch model.latencyFamily {
            case .freeShares:
                // One share per coarse bin (its fine bins' weights summed), spread over its fine
                // bins in the pooled proportions.
                var coarse = Array(repeating: 0.0, count: bins.coarseCount)
                for b in binWeights[i].indices { coarse[bins.coarseBin[b]] += binWeights[i][b] }
                let total = coarse.reduce(0, +)
                guard total > 0 else { continue }
                next.latencyShares[i] = binWeights[i].indices.map {
                    coarse[bins.coarseBin[$0]] / total * bins.spread[$0]
                }
            case .lognormal:
                // Weighted mean, then the weighted variance around it (two passes): where the
                // binned maximum-likelihood search starts.
                let weight = timed.reduce(0) { $0 + $1.gamma[i] }
                guard weight > 0 else { continue }
                let mean = timed.reduce(0) { $0 + $1.gamma[i] * $1.x } / weight
                let variance = timed.reduce(0) { $0 + $1.gamma[i] * ($1.x - mean) * ($1.x - mean) } / weight
                let fitted = BinnedLognormalFit.fit(
                    weights: binWeights[i], bins: bins,
                    start: .init(mean: mean, deviation: max(variance, BaumWelch.minimumLogVariance).squareRoot()),
                    minimumDeviation: BaumWelch.minimumLogVariance.squareRoot())
                next.latencyShares[i] = bins.lognormalShares(mean: fitted.mean, deviation: fitted.deviation)
            }
        }
        return (next, logLikelihood)
    }

    /// Observations of the two-regime synthetic service, every seventh call without evidence
    /// (refused by a rate limiter) and every eleventh without a latency.
    static func observations() -> [[CallObservation]] {
        DynamicsLearnerTests.twoRegimes.sequences(count: 12, length: 40, seed: 9).map { sequence in
            sequence.enumerated().map { t, call in
                if t % 7 == 3 { return CallObservation.noEvidence }
                if t % 11 == 5 { return CallObservation(outcome: call.outcome, logLatency: nil) }
                return CallObservation(call)
            }
        }
    }

    /// Two latency bins, split at log latency 5 (about 148 ms).
    static let twoBins = LatencyBins(upperBounds: [5, 8])

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }

    static func close(_ a: HiddenMarkovModel, _ b: HiddenMarkovModel) -> Bool {
        zip(a.startShares, b.startShares).allSatisfy(close)
            && zip(a.latencyShares.joined(), b.latencyShares.joined()).allSatisfy(close)
            && zip(a.transitions.joined(), b.transitions.joined()).allSatisfy(close)
            && zip(a.outcomes.joined(), b.outcomes.joined()).allSatisfy(close)
    }

    @Test("the fast step equals the textbook step, iteration after iteration, for 1 to 4 regimes")
    func fastStepEqualsReference() {
        let sequences = Self.observations()
        let block = ObservationBlock(sequences)
        let fitter = BaumWelch()
        for k in 1...4 {
            for restart in 0..<2 {
                var model = fitter.start(block, regimes: k, restart: restart)
                let workspace = BaumWelch.Workspace(block, regimes: k)
                for _ in 0..<5 {
                    let (fast, fastLikelihood) = fitter.step(model, block, workspace)
                    let (reference, referenceLikelihood) = Self.referenceStep(model, sequences)
                    #expect(Self.close(fastLikelihood, referenceLikelihood), "k \(k): \(fastLikelihood)")
                    #expect(Self.close(fast, reference), "k \(k) restart \(restart)")
                    model = fast
                }
            }
        }
    }

    @Test("the lognormal family's fast step equals the textbook step: weighted mean and variance, discretised")
    func lognormalStepEqualsReference() {
        for forced in [false, true] {
            for k in 1...3 {
                let sequences = forced ? Self.forcedObservations(regimes: k) : Self.observations()
                let block = ObservationBlock(sequences)
                #expect(block.latencyBins.count > 3, "the lognormal needs more than 3 bins to be fitted")
                let fitter = BaumWelch()
                var model = fitter.start(block, regimes: k, restart: 1)
                model.latencyFamily = .lognormal
                let workspace = BaumWelch.Workspace(block, regimes: k)
                for _ in 0..<5 {
                    let (fast, fastLikelihood) = fitter.step(model, block, workspace)
                    let (reference, referenceLikelihood) = Self.referenceStep(model, sequences)
                    #expect(Self.close(fastLikelihood, referenceLikelihood), "k \(k): \(fastLikelihood)")
                    // The fast step's one-pass variance rounds differently from the two-pass one.
                    #expect(
                        zip(fast.latencyShares.joined(), reference.latencyShares.joined()).allSatisfy {
                            abs($0 - $1) <= 1e-9
                        }, "k \(k) forced \(forced)")
                    #expect(fast.latencyFamily == .lognormal)
                    model = fast
                }
                // Every regime's shares are a discretised lognormal, summing to 1.
                for shares in model.latencyShares { #expect(abs(shares.reduce(0, +) - 1) <= 1e-9) }
            }
        }
    }

    /// `observations()` with a schedule: calls 10 to 17 of every sequence forced to regime 0, and
    /// every fourth sequence starting forced (calls 0 to 2) to the last regime of a `k`-regime model.
    static func forcedObservations(regimes k: Int) -> [[CallObservation]] {
        observations().enumerated().map { s, sequence in
            sequence.enumerated().map { t, observation in
                if (10..<18).contains(t) { return observation.forced(to: 0) }
                if s % 4 == 1 && t < 3 { return observation.forced(to: k - 1) }
                return observation
            }
        }
    }

    @Test("with forced calls, the fast step still equals the textbook step, for 1 to 4 regimes")
    func fastStepEqualsReferenceWithForcedCalls() {
        let fitter = BaumWelch()
        for k in 1...4 {
            let sequences = Self.forcedObservations(regimes: k)
            let block = ObservationBlock(sequences)
            var model = fitter.start(block, regimes: k, restart: 1)
            let workspace = BaumWelch.Workspace(block, regimes: k)
            for _ in 0..<5 {
                let (fast, fastLikelihood) = fitter.step(model, block, workspace)
                let (reference, referenceLikelihood) = Self.referenceStep(model, sequences)
                #expect(Self.close(fastLikelihood, referenceLikelihood), "k \(k): \(fastLikelihood)")
                #expect(Self.close(fast, reference), "k \(k)")
                model = fast
            }
        }
    }

    @Test("a forced call is served by its regime, and no move of the chain is counted into it")
    func forcedCall() {
        let model = HiddenMarkovModel(
            startShares: [0.5, 0.5], transitions: [[0.9, 0.1], [0.2, 0.8]],
            outcomes: Array(repeating: [0.8, 0.05, 0.05, 0.05, 0.05], count: 2), latencyBins: Self.twoBins,
            latencyShares: [[1 - 1e-9, 1e-9], [1e-9, 1 - 1e-9]])
        let fast = CallObservation(outcome: .ok, logLatency: 4)
        // A fast call forced to the slow regime: the slow regime serves it, whatever its evidence.
        let posterior = model.forwardBackward([fast, fast.forced(to: 1), fast])
        #expect(posterior.gamma[1] == [0, 1])
        // The moves counted are the one into the first call, from the regime before it, and the
        // one out of the forced call, the slow regime's; none into the forced call.
        #expect(abs(posterior.start.reduce(0, +) - 1) < 1e-12)
        #expect(abs(posterior.xi[0].reduce(0, +) - posterior.start[0]) < 1e-12)
        #expect(abs(posterior.xi[1].reduce(0, +) - posterior.start[1] - 1) < 1e-12)
        // A sequence that starts forced says nothing about where it started.
        #expect(model.forwardBackward([fast.forced(to: 1), fast]).start == [0, 0])
        // The likelihood is the emissions' alone across the forced call: the chain did not choose it.
        let unforced = model.forwardBackward([fast]).logLikelihood
        let after = model.forwardBackward([fast.forced(to: 1), fast]).logLikelihood
        let expected =
            unforced + model.logEmission(fast, in: 1)
            + DeterministicMath.log(
                0.2 * DeterministicMath.exp(model.logEmission(fast, in: 0)) + 0.8
                    * DeterministicMath.exp(model.logEmission(fast, in: 1)))
        #expect(abs(posterior.logLikelihood - expected) < 1e-9, "\(posterior.logLikelihood) vs \(expected)")
        #expect(abs(after - (expected - unforced)) < 1e-9)
    }

    @Test("a call without evidence leaves the regime to the transitions alone")
    func noEvidence() {
        let model = HiddenMarkovModel(
            startShares: [0.5, 0.5], transitions: [[0.9, 0.1], [0.2, 0.8]],
            outcomes: Array(repeating: [0.8, 0.05, 0.05, 0.05, 0.05], count: 2), latencyBins: Self.twoBins,
            latencyShares: [[1 - 1e-9, 1e-9], [1e-9, 1 - 1e-9]])
        #expect(model.logEmission(.noEvidence, in: 0) == 0)
        #expect(model.logEmission(.noEvidence, in: 1) == 0)
        // One sure-fast call, then a call without evidence: its regime is the transition's.
        let fast = CallObservation(outcome: .ok, logLatency: 4)
        let posterior = model.forwardBackward([fast, .noEvidence])
        #expect(abs(posterior.gamma[1][0] - 0.9) < 1e-6)
    }

    @Test("restarts in parallel give the same fits as one after another, bit for bit")
    func parallelEqualsSerial() {
        let sequences = Self.observations()
        let serial = BaumWelch(parallelism: 1).fit(sequences, regimeCounts: [1, 2, 3])
        let parallel = BaumWelch(parallelism: 4).fit(sequences, regimeCounts: [1, 2, 3])
        #expect(serial == parallel)
        #expect(serial.map(\.model.regimeCount) == [1, 2, 3])
        // Each count's fit is the best of its restarts, as fitting it alone finds.
        #expect(BaumWelch(parallelism: 2).fit(sequences, regimes: 2) == serial[1])
    }
}
