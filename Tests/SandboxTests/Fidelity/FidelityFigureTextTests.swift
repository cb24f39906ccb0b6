import Sandbox
import Testing
import WorldModel

/// The fidelity table never contradicts its verdicts: a statistic and its limit are printed with
/// enough digits to show the comparison the verdict made.
@Suite("fidelity figures: the printed comparison agrees with the verdict")
struct FidelityFigureTextTests {
    func ks(_ d: Double, _ limit: Double) -> FidelityFigure {
        FidelityFigure(
            kind: .latency, recordedCount: 194, simulatedCount: 3900, recordedValue: 163, simulatedValue: 178,
            statistic: d, interval: nil, limit: limit,
            verdict: FidelityFigure.settled(d) <= FidelityFigure.settled(limit) ? .pass : .fail)
    }

    @Test("a KS statistic just above its critical value is printed with the digits that show it")
    func ksDigits() {
        let fail = FidelityReport.row(ks(0.099_943, 0.099_912))
        #expect(fail[3] == "KS D = 0.09994")
        #expect(fail[4] == "≤ 0.09991")
        #expect(fail[5] == "-" && fail[6] == "FAIL")
        let pass = FidelityReport.row(ks(0.099_912, 0.099_943))
        #expect(pass[3] == "KS D = 0.09991" && pass[4] == "≤ 0.09994" && pass[6] == "pass")
        // Four decimals where four already show the comparison.
        #expect(FidelityReport.row(ks(0.1230, 0.2038))[3] == "KS D = 0.1230")
        #expect(FidelityReport.row(ks(0.1230, 0.2038))[4] == "≤ 0.2038")
    }

    @Test("agreement and rate figures at their limits show enough digits too")
    func agreementAndRates() {
        let share = 0.949_96
        let agreement = FidelityFigure(
            kind: .bodyAgreement, recordedCount: 603, simulatedCount: 603, recordedValue: nil, simulatedValue: share,
            statistic: share, interval: nil, limit: 0.95, verdict: .fail)
        let row = FidelityReport.row(agreement)
        #expect(row[3] == "agreement 0.94996" && row[4] == "≥ 0.95000" && row[6] == "FAIL")
        let rate = FidelityFigure(
            kind: .rate(.timeout), recordedCount: 49, simulatedCount: 980, recordedValue: 0, simulatedValue: 0.05,
            statistic: 0.05, interval: 0.030_004...0.069_996, limit: 0.03, verdict: .fail)
        let rateRow = FidelityReport.row(rate)
        #expect(rateRow[3] == "+0.050000 [+0.030004, +0.069996]" && rateRow[4] == "±0.030000", "\(rateRow)")
        #expect(FidelityReport.row(agreement)[4] != "≥ 0.950")
        let usual = FidelityFigure(
            kind: .rate(.ok), recordedCount: 49, simulatedCount: 980, recordedValue: 0.8, simulatedValue: 0.75,
            statistic: -0.0684, interval: -0.1801...0.0434, limit: 0.03, verdict: .pass)
        #expect(
            FidelityReport.row(usual)[3] == "-0.0684 [-0.1801, +0.0434]" && FidelityReport.row(usual)[4] == "±0.030")
    }

    @Test("a tested figure shows its p-value against its level, with the digits that tell them apart")
    func pValueAndLevel() {
        var tested = FidelityFigure(
            kind: .latency, recordedCount: 194, simulatedCount: 3900, recordedValue: 163, simulatedValue: 250,
            statistic: 0.3, interval: nil, limit: 0.1, verdict: .pass, pValue: 0.000_126)
        tested = tested.held(to: 0.05 / 44)
        #expect(tested.verdict == .fail)
        #expect(FidelityReport.row(tested)[5] == "p 0.00013 ≤ 0.00114", "\(FidelityReport.row(tested))")
        let passing = FidelityFigure(
            kind: .latency, recordedCount: 194, simulatedCount: 3900, recordedValue: 163, simulatedValue: 170,
            statistic: 0.11, interval: nil, limit: 0.1, verdict: .pass, pValue: 0.03
        ).held(to: 0.05 / 44)
        // Above its critical value at α, but not below its Holm level: passes, and says why.
        #expect(FidelityReport.row(passing)[5] == "p 0.0300 > 0.0011" && FidelityReport.row(passing)[6] == "pass")
        let close = FidelityFigure(
            kind: .latency, recordedCount: 194, simulatedCount: 3900, recordedValue: 163, simulatedValue: 170,
            statistic: 0.11, interval: nil, limit: 0.1, verdict: .pass, pValue: 0.012_52
        ).held(to: 0.0125)
        #expect(FidelityReport.row(close)[5] == "p 0.01252 > 0.01250")
    }

    @Test("over many statistics near their limits, the printed numbers compare as the verdict does")
    func neverContradicts() throws {
        var stream = RandomStream(seed: 14, key: [.string("fidelity-digits")])
        for _ in 0..<5000 {
            let limit = 0.05 + 0.2 * stream.nextDouble()
            // Within a few millionths of the limit, either side.
            let d = limit + (stream.nextDouble() - 0.5) * 1e-5
            let figure = ks(d, limit)
            let row = FidelityReport.row(figure)
            let shown = try #require(Double(row[3].dropFirst("KS D = ".count)))
            let shownLimit = try #require(Double(row[4].dropFirst("≤ ".count)))
            #expect((shown <= shownLimit) == (figure.verdict == .pass), "\(row) for D \(d), limit \(limit)")
        }
    }

    @Test("a rate difference at the tolerance, but for the last bit of its arithmetic, is not beyond it")
    func rateAtTolerance() {
        // 0.05 − 0.02 is 0.030000000000000002 in binary floating point: printed +0.0300, so not beyond.
        let difference = ProportionDifference(
            recordedCount: 2, recordedTotal: 100, simulatedCount: 5, simulatedTotal: 100, z: 0)
        #expect(difference.low > 0.03)
        #expect(!difference.exceeds(tolerance: 0.03))
        #expect(difference.exceeds(tolerance: 0.029))
    }
}
