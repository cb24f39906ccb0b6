import Testing
import WorldModel

/// `DeterministicMath.erfc`, `normalCDF` and `normalUpperTail` against reference values (from
/// a correctly rounded implementation), within the approximation's 1.2e-7 relative error.
@Suite("DeterministicMath's normal distribution matches known values")
struct DeterministicNormalTests {
    func expectClose(
        _ value: Double, _ expected: Double, relative: Double = 2e-7, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            Swift.abs(value - expected) <= relative * Swift.abs(expected), "\(value) vs \(expected)",
            sourceLocation: sourceLocation)
    }

    @Test("erfc at known points, both signs, far into the tail")
    func erfcValues() {
        let known: [(Double, Double)] = [
            (0, 1), (0.5, 0.479_500_122_186_953_5), (1, 0.157_299_207_050_285_13), (2, 0.004_677_734_981_047_265),
            (-1, 1.842_700_792_949_715), (3, 2.209_049_699_858_543_8e-05), (5, 1.537_459_794_428_035_1e-12),
        ]
        for (x, expected) in known { expectClose(DeterministicMath.erfc(x), expected) }
        #expect(DeterministicMath.erfc(.infinity) == 0)
        #expect(DeterministicMath.erfc(-.infinity) == 2)
        #expect(DeterministicMath.erfc(.nan).isNaN)
    }

    @Test("Φ and its upper tail at known points; the tail keeps its precision where 1 − Φ would not")
    func normalValues() {
        expectClose(DeterministicMath.normalCDF(0), 0.5)
        expectClose(DeterministicMath.normalCDF(1), 0.841_344_746_068_542_9)
        expectClose(DeterministicMath.normalCDF(-1.96), 0.024_997_895_148_220_428)
        expectClose(DeterministicMath.normalCDF(3), 0.998_650_101_968_369_9)
        expectClose(DeterministicMath.normalUpperTail(5), 2.866_515_718_791_946e-07)
        expectClose(DeterministicMath.normalUpperTail(8), 6.220_960_574_271_819e-16)
        #expect(DeterministicMath.normalCDF(-.infinity) == 0)
        #expect(DeterministicMath.normalCDF(.infinity) == 1)
        // Monotone on a fine grid, so bin shares built from it are never negative.
        var previous = 0.0
        for step in -800...800 {
            let value = DeterministicMath.normalCDF(Double(step) / 100)
            #expect(value >= previous)
            previous = value
        }
    }
}
