import Sandbox
import Testing
import WorldModel

/// A fidelity check holds its tested figures together to α (issue 14, calibration): Holm's
/// step-down on their p-values; the rates' p-values agree with their intervals; the permutation
/// p-values are resolved far enough below α/k for a large difference to fail under Holm.
@Suite("fidelity: p-values and the family-wise verdict")
struct FidelityCorrectionTests {
    @Test("Holm's step-down on a hand-made family: rejects in order of p, stops at the first above its level")
    func holmStepDown() {
        // Sorted: 0.005 ≤ 0.05/4 rejected; 0.01 ≤ 0.05/3 rejected; 0.03 > 0.05/2 stops; 0.04 would
        // be ≤ 0.05/1 at its own step but the step-down has stopped: held to 0.025, passes.
        let p = [0.01, 0.04, 0.03, 0.005]
        let levels = FidelityCorrection.holm.levels(p, alpha: 0.05)
        let third: Double = 0.05 / 3
        let expected: [Double] = [third, 0.025, 0.025, 0.0125]
        #expect(levels == expected)
        let rejected = zip(p, levels).map { $0 <= $1 }
        #expect(rejected == [true, false, false, true])
        // Without the stopping rule the last one would be rejected: the family is the step-down's.
        #expect(p[1] <= 0.05 / 1)
        // No correction: every figure at α.
        #expect(FidelityCorrection.none.levels(p, alpha: 0.05) == [0.05, 0.05, 0.05, 0.05])
        // Ties keep the given order; both rejected when the first is.
        #expect(FidelityCorrection.holm.levels([0.02, 0.02], alpha: 0.05) == [0.025, 0.05])
        // Nothing rejected: every figure held to the first level.
        let unrejected = FidelityCorrection.holm.levels([0.5, 0.2, 0.9], alpha: 0.05)
        #expect(unrejected == [third, third, third])
        #expect(FidelityCorrection.holm.levels([], alpha: 0.05).isEmpty)
    }

    @Test("Holm's levels reject exactly what Holm-adjusted p-values at α reject, on random families")
    func holmMatchesAdjustedPValues() {
        var stream = RandomStream(seed: 14, .string("holm"))
        for _ in 0..<500 {
            let k = 1 + stream.nextInt(below: 30)
            // Mostly large p-values, some tiny ones, on a grid so ties happen.
            let p = (0..<k).map { _ in
                stream.nextBool(probability: 0.3)
                    ? Double(1 + stream.nextInt(below: 40)) / 10_000 : Double(1 + stream.nextInt(below: 100)) / 100
            }
            let levels = FidelityCorrection.holm.levels(p, alpha: 0.05)
            // The adjusted p-value of the rank-j figure: max over i ≤ j of (k − i)·p_(i).
            let order = p.indices.sorted { (p[$0], $0) < (p[$1], $1) }
            var adjusted = [Double](repeating: 0, count: k)
            var running = 0.0
            for (rank, index) in order.enumerated() {
                running = Swift.max(running, Swift.min(1, Double(k - rank) * p[index]))
                adjusted[index] = running
            }
            for index in p.indices {
                let holm = FidelityFigure.settled(p[index]) <= FidelityFigure.settled(levels[index])
                #expect(holm == (FidelityFigure.settled(adjusted[index]) <= 0.05), "\(p) at \(index)")
                // Between Bonferroni and no correction.
                #expect(levels[index] >= 0.05 / Double(k) && levels[index] <= 0.05)
            }
        }
    }

    @Test("a rate whose interval just excludes the tolerance has a p-value just below α, just includes it: above")
    func ratePValueMatchesInterval() {
        let z = ProportionDifference.normalQuantile(alpha: 0.05)
        for (rc, rt, sc, st) in [(40, 400, 180, 1200), (120, 400, 230, 1200), (5, 60, 40, 180)] {
            let d = ProportionDifference(
                recordedCount: rc, recordedTotal: rt, simulatedCount: sc, simulatedTotal: st, z: z)
            // The tolerance the interval's near end sits at (low above, high below zero).
            let edge = d.difference > 0 ? d.low : -d.high
            #expect(edge > 0)
            let excluded = d.pValue(tolerance: edge - 1e-5)
            let included = d.pValue(tolerance: edge + 1e-5)
            #expect(d.exceeds(tolerance: edge - 1e-5) && !d.exceeds(tolerance: edge + 1e-5))
            #expect(excluded < 0.05 && excluded > 0.049, "\(excluded)")
            #expect(included > 0.05 && included < 0.051, "\(included)")
        }
        // Within the tolerance: p is 1; no spread at all: 0 beyond, 1 within.
        let close = ProportionDifference(
            recordedCount: 10, recordedTotal: 100, simulatedCount: 11, simulatedTotal: 100, z: z)
        #expect(close.pValue(tolerance: 0.03) == 1)
        let flat = ProportionDifference(
            recordedCount: 0, recordedTotal: 100, simulatedCount: 0, simulatedTotal: 300, z: z)
        #expect(flat.pValue(tolerance: 0.03) == 1)
        let certain = ProportionDifference(
            recordedCount: 0, recordedTotal: 100, simulatedCount: 300, simulatedTotal: 300, z: z)
        #expect(certain.pValue(tolerance: 0.03) == 0)
    }

    @Test("over many rates, p ≤ α exactly when the whole interval lies beyond the tolerance (away from the edge)")
    func ratePValuesAgreeWithIntervals() {
        var stream = RandomStream(seed: 14, .string("rates"))
        for _ in 0..<2000 {
            let rt = 20 + stream.nextInt(below: 400)
            let st = 20 + stream.nextInt(below: 2000)
            let d = ProportionDifference(
                recordedCount: stream.nextInt(below: rt + 1), recordedTotal: rt,
                simulatedCount: stream.nextInt(below: st + 1), simulatedTotal: st,
                z: ProportionDifference.normalQuantile(alpha: 0.05))
            let tolerance = 0.1 * stream.nextDouble()
            let edge = Swift.min(Swift.abs(d.low - tolerance), Swift.abs(d.high + tolerance))
            guard edge > 1e-6 else { continue }
            #expect((d.pValue(tolerance: tolerance) <= 0.05) == d.exceeds(tolerance: tolerance))
        }
    }

    @Test(
        "the sequential permutation p-value: a faithful pair costs B permutations, a shifted one is resolved below α/k")
    func sequentialPValue() {
        let most = SequencePermutationKS.maximumPermutations(alpha: 0.05, family: 40)
        #expect(most == 7999)
        #expect(SequencePermutationKS.maximumPermutations(alpha: 0.05, family: 1) == 199)
        var faithfulCount = 0
        for pair in 0..<20 {
            let strata = SequencePermutationKSTests.strata(pair: pair)
            let plain = SequencePermutationKS.test(strata, alpha: 0.05, key: "latency")
            let sequential = SequencePermutationKS.test(strata, alpha: 0.05, maximumPermutations: most, key: "latency")
            // The same first 199 draws: the same statistic and critical value; the same verdict at α.
            #expect(plain.critical == sequential.critical && plain.statistic == sequential.statistic)
            #expect((plain.pValue <= 0.05) == (plain.statistic > plain.critical))
            #expect((sequential.pValue <= 0.05) == (sequential.statistic > sequential.critical))
            if sequential.pValue > 0.05 {
                faithfulCount += 1
                #expect(sequential.permutations == 199 && sequential.pValue == plain.pValue)
            } else {
                #expect(sequential.permutations > 199)
            }
            #expect(
                sequential == SequencePermutationKS.test(strata, alpha: 0.05, maximumPermutations: most, key: "latency")
            )
        }
        #expect(faithfulCount >= 16)
        // Four times slower: no permuted D reaches D; 199 permutations give p 0.005, above α/40.
        let shifted = SequencePermutationKSTests.strata(pair: 3, scale: 4)
        let plain = SequencePermutationKS.test(shifted, alpha: 0.05, key: "latency")
        #expect(plain.pValue == 1.0 / 200 && plain.pValue > 0.05 / 40)
        let sequential = SequencePermutationKS.test(shifted, alpha: 0.05, maximumPermutations: most, key: "latency")
        #expect(sequential.permutations == most)
        #expect(sequential.pValue == 1.0 / 8000 && sequential.pValue < 0.05 / 40)
        // 1.5 times slower: some permuted D reach it; the 10th at draw b gives p = 10/b.
        let nearer = SequencePermutationKS.test(
            SequencePermutationKSTests.strata(pair: 3, scale: 1.5), alpha: 0.05, maximumPermutations: most,
            key: "latency")
        #expect(nearer.permutations > 199 && nearer.permutations < most)
        #expect(nearer.pValue == 10 / Double(nearer.permutations))
    }

    @Test("a check holds its tested figures with Holm by default, each at α with none; agreements keep their rule")
    func checkLevels() throws {
        let billing = FidelityCheckTests.billing
        let traffic = Array(billing.traffic.prefix(40))
        let holm = try FidelityCheck(scenario: billing.scenario, seeds: [1, 2, 3]).check(traffic)
        let none = try FidelityCheck(
            scenario: billing.scenario, seeds: [1, 2, 3], thresholds: FidelityThresholds(correction: .none)
        ).check(traffic)
        let figures = { (report: FidelityReport) in report.sections.flatMap(\.figures) }
        #expect(holm.tested > 10 && holm.tested == none.tested)
        #expect(holm.thresholds.correction == .holm)
        for figure in figures(holm) {
            switch figure.kind {
            case .latency, .rate, .errorBursts, .regimeDwell:
                if figure.isNotComputed { continue }
                let p = try #require(figure.pValue)
                let level = try #require(figure.level)
                #expect(level >= 0.05 / Double(holm.tested) && level < 0.05)
                #expect((figure.verdict == .fail) == (p <= level))
            default:
                #expect(figure.pValue == nil && figure.level == nil)
            }
        }
        for figure in figures(none) where figure.isTested {
            #expect(figure.level == 0.05)
            // At α on its own: as the critical value or the interval says.
            if case .rate = figure.kind {
                let interval = try #require(figure.interval)
                #expect((figure.verdict == .fail) == (interval.lowerBound > 0.03 || interval.upperBound < -0.03))
            } else {
                #expect((figure.verdict == .fail) == (figure.statistic! > figure.limit!))
            }
        }
        let json = holm.json
        #expect(json["correction"] == "holm")
        #expect(json["tested_figures"] == .int(holm.tested))
        #expect(json["services"]?[0]?["figures"]?[0]?["p_value"] != nil)
        #expect(json["services"]?[0]?["figures"]?[0]?["level"] != nil)
        #expect(holm.text.contains("tested figures held to family-wise alpha 0.05 by Holm's step-down"))
        #expect(none.text.contains("(no correction)"))
    }
}
