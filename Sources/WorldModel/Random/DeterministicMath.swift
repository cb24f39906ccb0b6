/// `log` and `exp` computed with IEEE-754 basic operations only, so they give the same bits on
/// every platform.
///
/// The platform `libm` functions are not correctly rounded and differ between glibc, Apple's
/// libm and others in the last bit; a sample that lands on a rounding boundary would then
/// differ between machines and break byte-identical traces. These are ports of FreeBSD's
/// msun (`e_log.c`, `e_exp.c`, from Sun's fdlibm): error below 1 ulp, identical everywhere
/// since Swift never fuses multiply-adds on its own.
package enum DeterministicMath {
    /// The natural logarithm. `log(0) = -∞`, negative and NaN inputs give NaN, `log(∞) = ∞`.
    package static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        // x = 2^k · m with m in [1, 2) (subnormals included), moved to [√2/2, √2).
        var k = Double(x.exponent)
        var m = x.significand
        if m > 1.414_213_562_373_095_1 {
            m *= 0.5
            k += 1
        }
        let f = m - 1
        let ln2Hi = 6.931_471_803_691_238_164_90e-01
        let ln2Lo = 1.908_214_929_270_587_700_02e-10
        let lg1 = 6.666_666_666_666_735_130e-01
        let lg2 = 3.999_999_999_940_941_908e-01
        let lg3 = 2.857_142_874_366_239_149e-01
        let lg4 = 2.222_219_843_214_978_396e-01
        let lg5 = 1.818_357_216_161_805_012e-01
        let lg6 = 1.531_383_769_920_937_332e-01
        let lg7 = 1.479_819_860_511_658_591e-01
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let t1 = w * (lg2 + w * (lg4 + w * lg6))
        let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
        let r = t2 + t1
        let hfsq = 0.5 * f * f
        return k * ln2Hi - ((hfsq - (s * (hfsq + r) + k * ln2Lo)) - f)
    }

    /// The exponential function. Overflows to `∞` above ~709.78, underflows to 0 below
    /// ~-745.13; NaN stays NaN.
    ///
    /// Without library calls on its common path (learning calls it once per call and regime in
    /// every Baum–Welch iteration): it gives the same bits as `referenceExp`, the plain form it
    /// is checked against (`DeterministicMathTests`).
    package static func exp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > expOverflow { return .infinity }
        if x < expUnderflow { return 0 }
        // k is x/ln2 rounded half away from zero, found by truncation and the exact remainder
        // (|x/ln2| < 1100, so both are exact), which is what `rounded(.toNearestOrAwayFromZero)`
        // gives without its library call.
        let v = x * invLn2
        var n = Int(v)
        let fraction = v - Double(n)
        if fraction >= 0.5 {
            n += 1
        } else if fraction <= -0.5 {
            n -= 1
        }
        let y = expSignificand(x, k: Double(n))
        // Scale by 2^k: y is in [0.70, 1.42], so for k in -1021…1023 the product with 2^k (built
        // from its bits) is a normal number and exact, the value `Double(sign:exponent:significand:)`
        // gives; otherwise as `referenceExp` does.
        if n >= -1021 && n <= 1023 { return y * Double(bitPattern: UInt64(1023 + n) << 52) }
        return scaled(y, byPowerOfTwo: n)
    }

    /// `exp` in its plain form: `k` by `rounded(.toNearestOrAwayFromZero)` and the scaling by
    /// `Double(sign:exponent:significand:)`. The reference `exp`'s shortcuts must equal, bit for bit.
    package static func referenceExp(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x > expOverflow { return .infinity }
        if x < expUnderflow { return 0 }
        let k = (x * invLn2).rounded(.toNearestOrAwayFromZero)
        return scaled(expSignificand(x, k: k), byPowerOfTwo: Int(k))
    }

    /// The complementary error function, `erfc(x) = 1 − erf(x)`, to about 1.2e-7 relative error
    /// everywhere (the Chebyshev-fitted form of Numerical Recipes' `erfcc`, built on `exp`), so
    /// the same bits on every platform. `erfc(−∞) = 2`, `erfc(∞) = 0`; NaN stays NaN.
    package static func erfc(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x == .infinity { return 0 }
        if x == -.infinity { return 2 }
        let z = Swift.abs(x)
        let t = 1 / (1 + 0.5 * z)
        var poly = 0.170_872_77
        for coefficient in [
            -0.822_152_23, 1.488_515_87, -1.135_203_98, 0.278_868_07, -0.186_288_06, 0.096_784_18, 0.374_091_96,
            1.000_023_68, -1.265_512_23,
        ] {
            poly = coefficient + t * poly
        }
        let tail = t * exp(-z * z + poly)
        return x >= 0 ? tail : 2 - tail
    }

    /// The upper tail of the standard normal distribution, `P(Z > x) = erfc(x/√2)/2`, accurate
    /// relative to its own size far into the tail (no `1 − Φ` cancellation); see `erfc`.
    package static func normalUpperTail(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// The standard normal distribution function `Φ(x) = P(Z ≤ x)`; see `erfc`.
    package static func normalCDF(_ x: Double) -> Double { normalUpperTail(-x) }

    private static let expOverflow = 7.097_827_128_933_839_730_96e+02
    private static let expUnderflow = -7.451_332_191_019_411_084_20e+02
    private static let invLn2 = 1.442_695_040_888_963_387_00e+00

    /// e^r for x = k·ln2 + r with |r| <= ln2/2 (k given): a value in [0.70, 1.42] that
    /// `scaled(_:byPowerOfTwo: k)` turns into e^x. Both forms of `exp` share it.
    @inline(__always)
    private static func expSignificand(_ x: Double, k: Double) -> Double {
        let ln2Hi = 6.931_471_803_691_238_164_90e-01
        let ln2Lo = 1.908_214_929_270_587_700_02e-10
        let p1 = 1.666_666_666_666_660_190_37e-01
        let p2 = -2.777_777_777_701_559_338_42e-03
        let p3 = 6.613_756_321_437_934_361_17e-05
        let p4 = -1.653_390_220_546_525_153_90e-06
        let p5 = 4.138_136_797_057_238_460_39e-08
        let hi = x - k * ln2Hi
        let lo = k * ln2Lo
        let r = hi - lo
        let t = r * r
        let c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))))
        return 1 - ((lo - (r * c) / (2 - c)) - hi)
    }

    /// y·2^k in two exact steps when the result is subnormal, so it is rounded only once.
    private static func scaled(_ y: Double, byPowerOfTwo k: Int) -> Double {
        if k < -1000 {
            return Double(sign: .plus, exponent: k + 1000, significand: y) * 0x1.0p-1000
        }
        return Double(sign: .plus, exponent: k, significand: y)
    }
}
