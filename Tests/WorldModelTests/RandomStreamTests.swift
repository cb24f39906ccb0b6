import Foundation
import Testing
import WorldModel

@Suite("Random streams")
struct RandomStreamTests {
    @Test("SplitMix64 matches the reference C implementation")
    func splitMixKnownAnswers() {
        var zero = SplitMix64(state: 0)
        #expect(
            (0..<5).map { _ in zero.next() } == [
                0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F,
                0xF88B_B8A8_724C_81EC, 0x1B39_896A_51A8_749B,
            ])
        var other = SplitMix64(state: 1_234_567)
        #expect(
            (0..<5).map { _ in other.next() } == [
                0x599E_D017_FB08_FC85, 0x2C73_F084_5854_0FA5, 0x883E_BCE5_A3F2_7C77,
                0x3FBE_F740_E917_7B3F, 0xE3B8_3467_08CB_5ECD,
            ])
    }

    @Test("xoshiro256** matches the reference C implementation")
    func xoshiroKnownAnswers() {
        var explicit = Xoshiro256StarStar(state: (1, 2, 3, 4))
        #expect(
            (0..<6).map { _ in explicit.next() } == [
                0x0000_0000_0000_2D00, 0x0000_0000_0000_0000, 0x0000_0000_5A00_7080,
                0x10E0_0000_0000_9D80, 0x10E0_B61C_E100_9D80, 0x0870_021C_E143_AD00,
            ])
        var seeded = Xoshiro256StarStar(seed: 42)
        #expect(
            (0..<6).map { _ in seeded.next() } == [
                0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1,
                0xECB8_AD47_03B3_60A1, 0xFDE6_DC7F_E2EC_5E64, 0xC50D_A531_0179_5238,
            ])
    }

    @Test("an all-zero xoshiro state is replaced by a working one")
    func zeroStateIsAvoided() {
        var generator = Xoshiro256StarStar(state: (0, 0, 0, 0))
        #expect(generator == Xoshiro256StarStar(seed: 0))
        #expect((0..<4).map { _ in generator.next() } != [0, 0, 0, 0])
    }

    @Test("derived streams are pinned: a refactor must not change recorded traces")
    func derivedStreamsArePinned() {
        func firstThree(_ stream: RandomStream) -> [UInt64] {
            var copy = stream
            return (0..<3).map { _ in copy.next() }
        }
        #expect(
            firstThree(RandomStream(seed: 42)) == [0x5D68_CF63_DDCF_2314, 0x9B65_0A27_E479_244B, 0x1009_8DBB_7350_E6EB])
        #expect(
            firstThree(RandomStream(seed: 42, "billing", 7, "latency")) == [
                0x3986_A633_C68E_FC11, 0x10B0_2699_5461_0D02, 0x9B20_F1CB_3B93_E056,
            ])
        #expect(
            firstThree(RandomStream(seed: 42, "a-long-service-name-x")) == [
                0x7A00_6D5D_D6B3_B56A, 0xBB5C_65FA_EE3C_FDAF, 0xE082_415A_14D6_9AD4,
            ])
        #expect(
            firstThree(RandomStream(seed: 42, -1)) == [
                0x3695_05DF_DCA6_8438, 0x6386_D9E2_5168_E414, 0xA752_C08D_E723_1ED4,
            ])
        #expect(
            firstThree(RandomStream(seed: 0, "crm")) == [
                0x8385_10F5_8050_ACF5, 0x9F9F_0A44_9FE4_7780, 0x78FD_C1DA_F9F4_9F67,
            ])
    }

    @Test("the variadic and array initializers derive the same stream")
    func variadicMatchesArray() {
        let index = 7
        #expect(
            RandomStream(seed: 9, "billing", StreamKey(index), "latency")
                == RandomStream(seed: 9, key: [.string("billing"), .integer(7), "latency"]))
    }

    @Test("different keys and seeds give different streams")
    func distinctKeysDiffer() {
        let keys: [[StreamKey]] = [
            [], ["billing"], ["crm"], ["billing", 1], ["billing", 2], ["billing", "1"], [1, "billing"],
            ["billing", 1, "latency"], ["billing", 1, "error"], ["bill", "ing"], ["billing", ""], [""], [0],
            ["12345678"], ["123456789"], ["12345678", ""],
        ]
        var firsts: [UInt64] = []
        for key in keys {
            for seed: UInt64 in [0, 1, 42] {
                var stream = RandomStream(seed: seed, key: key)
                firsts.append(stream.next())
            }
        }
        #expect(Set(firsts).count == firsts.count)
    }

    @Test("streams with nearby keys are uncorrelated bit for bit")
    func nearbyKeysAreIndependent() {
        var a = RandomStream(seed: 1, "billing", 1)
        var b = RandomStream(seed: 1, "billing", 2)
        var agreeing = 0
        for _ in 0..<1000 { agreeing += (a.next() ^ b.next()).nonzeroBitCount }
        // 64 000 bits compared; independent streams disagree on about half of them.
        #expect(abs(Double(agreeing) / 64_000 - 0.5) < 0.01)
    }

    @Test("nextDouble stays in [0, 1) and has mean 1/2")
    func doublesInUnitInterval() {
        var stream = RandomStream(seed: 3, "doubles")
        var sum = 0.0
        for _ in 0..<20_000 {
            let value = stream.nextDouble()
            #expect(value >= 0 && value < 1)
            sum += value
        }
        #expect(abs(sum / 20_000 - 0.5) < 0.01)
    }

    @Test("bounded integers stay in range and are roughly uniform (chi-square)")
    func boundedIntegersAreUniform() {
        var stream = RandomStream(seed: 5, "bounded")
        let bound = 10
        var counts = [Int](repeating: 0, count: bound)
        let draws = 50_000
        for _ in 0..<draws {
            let value = stream.nextInt(below: bound)
            #expect((0..<bound).contains(value))
            counts[min(max(value, 0), bound - 1)] += 1
        }
        let expected = Double(draws) / Double(bound)
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        // 9 degrees of freedom: the 99.9th percentile is 27.9.
        #expect(chiSquare < 27.9)
    }

    @Test("closed-range integers cover both ends, including the full Int64 range")
    func closedRangeIntegers() {
        var stream = RandomStream(seed: 6, "range")
        var seen = Set<Int64>()
        for _ in 0..<2000 {
            let value = stream.nextInt(in: -3...3)
            #expect((-3...3).contains(value))
            seen.insert(value)
        }
        #expect(seen == Set(-3...3))
        let single = stream.nextInt(in: 5...5)
        #expect(single == 5)
        var negatives = 0
        for _ in 0..<1000 where stream.nextInt(in: Int64.min...Int64.max) < 0 { negatives += 1 }
        #expect(negatives > 400 && negatives < 600)
        let nearMax = stream.nextInt(in: (Int64.max - 1)...Int64.max)
        #expect(nearMax >= Int64.max - 1)
    }

    @Test("non-positive bounds give zero instead of trapping")
    func degenerateBounds() {
        var stream = RandomStream(seed: 1)
        let values = [
            stream.nextInt(below: 0), stream.nextInt(below: -5), Int(stream.nextUInt64(below: 0)),
            stream.nextInt(below: 1),
        ]
        #expect(values == [0, 0, 0, 0])
    }

    @Test("nextBool honours the probability and always consumes one word")
    func booleans() {
        var stream = RandomStream(seed: 8, "bool")
        var trues = 0
        for _ in 0..<20_000 where stream.nextBool(probability: 0.3) { trues += 1 }
        #expect(abs(Double(trues) / 20_000 - 0.3) < 0.015)
        var a = RandomStream(seed: 8, "consumption")
        var b = a
        _ = a.nextBool(probability: 0)
        _ = b.nextBool(probability: 1)
        #expect(a == b)
        let edgeCases = [a.nextBool(probability: .nan), a.nextBool(probability: -1), a.nextBool(probability: 2)]
        #expect(edgeCases == [false, false, true])
    }

    @Test("normal samples have mean 0 and standard deviation 1")
    func normals() {
        var stream = RandomStream(seed: 11, "normal")
        let n = 20_000
        let samples = (0..<n).map { _ in stream.nextNormal() }
        let mean = samples.reduce(0, +) / Double(n)
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance.squareRoot() - 1) < 0.03)
        let withinOneSigma = samples.filter { abs($0) < 1 }.count
        #expect(abs(Double(withinOneSigma) / Double(n) - 0.6827) < 0.015)
    }

    @Test("lognormal samples have median exp(mu)")
    func lognormals() {
        var stream = RandomStream(seed: 12, "lognormal")
        let samples = (0..<20_001).map { _ in stream.nextLognormal(mu: 2, sigma: 0.5) }.sorted()
        #expect(samples.allSatisfy { $0 > 0 })
        #expect(abs(samples[10_000] / Foundation.exp(2) - 1) < 0.03)
    }

    @Test("the same seed and key replay the same values")
    func replayable() {
        var a = RandomStream(seed: 77, "x", 3)
        var b = RandomStream(seed: 77, "x", 3)
        for _ in 0..<100 {
            #expect(a.nextDouble() == b.nextDouble())
            #expect(a.nextNormal() == b.nextNormal())
            #expect(a.nextInt(below: 1000) == b.nextInt(below: 1000))
        }
    }

    @Test("works with the standard library's generic randomness APIs")
    func standardLibraryInterop() {
        var a = RandomStream(seed: 4, "shuffle")
        var b = RandomStream(seed: 4, "shuffle")
        #expect(Array(0..<20).shuffled(using: &a) == Array(0..<20).shuffled(using: &b))
    }

    @Test("deterministic log and exp agree with the platform to within 2 ulp")
    func deterministicMath() {
        var stream = RandomStream(seed: 99, "math")
        for _ in 0..<5000 {
            let x = DeterministicMath.exp((stream.nextDouble() - 0.5) * 80)
            let log = DeterministicMath.log(x)
            #expect(abs(log - Foundation.log(x)) <= 2 * Foundation.log(x).ulp)
            let y = (stream.nextDouble() - 0.5) * 1400
            let exp = DeterministicMath.exp(y)
            #expect(abs(exp - Foundation.exp(y)) <= 2 * Foundation.exp(y).ulp)
        }
        #expect(DeterministicMath.log(1) == 0)
        #expect(DeterministicMath.exp(0) == 1)
        #expect(DeterministicMath.log(0) == -.infinity)
        #expect(DeterministicMath.log(-1).isNaN)
        #expect(DeterministicMath.exp(1000) == .infinity)
        #expect(DeterministicMath.exp(-1000) == 0)
        #expect(DeterministicMath.log(Double.leastNonzeroMagnitude) == Foundation.log(Double.leastNonzeroMagnitude))
        let tiny = DeterministicMath.exp(-740)
        #expect(abs(tiny - Foundation.exp(-740)) <= Foundation.exp(-740).ulp)
    }
}
