import Testing
import WorldModel

/// `DeterministicMath.exp`'s shortcuts (its rounding by truncation and its scaling by a power of
/// two built from bits) give exactly the bits of its plain form, `referenceExp`.
@Suite("DeterministicMath.exp equals its plain form bit for bit")
struct DeterministicMathTests {
    func expectSame(_ x: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        let fast = DeterministicMath.exp(x)
        let plain = DeterministicMath.referenceExp(x)
        #expect(
            fast.bitPattern == plain.bitPattern || (fast.isNaN && plain.isNaN), "exp(\(x)): \(fast) vs \(plain)",
            sourceLocation: sourceLocation)
    }

    @Test("special values, the ends of the range, and zero")
    func specialValues() {
        for x in [
            0, -0.0, 1, -1, .nan, .infinity, -.infinity, 709.782_712_893_383_973_096, 709.78, 709.7,
            -745.133_219_101_941_1,
            -745.1, -744.4, -708.4, -708.3, -708, -707, 0x1p-1074, -0x1p-1074, 1e-300, -1e-300, 0.5, -0.5,
        ] {
            expectSame(x)
        }
        #expect(DeterministicMath.exp(0) == 1)
    }

    @Test("around every point where x/ln 2 is halfway between integers (where k rounds away from zero)")
    func roundingBoundaries() {
        let ln2 = 0.693_147_180_559_945_309_417_232_121_458
        for m in -1076...1025 {
            let x = (Double(m) + 0.5) * ln2
            var below = x
            var above = x
            for _ in 0..<4 {
                expectSame(below)
                expectSame(above)
                below = below.nextDown
                above = above.nextUp
            }
        }
    }

    @Test("200,000 seeded values over the whole range, and the log-likelihood range learning uses")
    func seededValues() {
        var stream = RandomStream(seed: 14, key: [.string("exp")])
        for _ in 0..<100_000 { expectSame(-746 + 1456 * stream.nextDouble()) }
        for _ in 0..<100_000 { expectSame(-60 * stream.nextDouble()) }
    }
}
