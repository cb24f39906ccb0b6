import Testing
import WorldModel

@Suite("Latency distributions")
struct LatencyDistributionTests {
    static func samples(_ distribution: LatencyDistribution, _ n: Int = 20_000, seed: UInt64 = 1) -> [Int64] {
        var rng = RandomStream(seed: seed, "latency-test")
        return (0..<n).map { _ in distribution.sample(using: &rng) }
    }

    static func quantile(_ sorted: [Int64], _ p: Double) -> Double {
        Double(sorted[min(Int(p * Double(sorted.count)), sorted.count - 1)])
    }

    @Test("lognormal median and p99 match the parameters over 20k samples")
    func lognormalQuantiles() {
        let sorted = Self.samples(.lognormal(median: 120, p99: 900)).sorted()
        #expect(abs(Self.quantile(sorted, 0.5) / 120 - 1) < 0.03)
        #expect(abs(Self.quantile(sorted, 0.99) / 900 - 1) < 0.1)
        #expect(sorted.first! >= 0)
    }

    @Test("lognormal parameters follow the documented formula")
    func lognormalParameters() throws {
        let (mu, sigma) = try #require(LatencyDistribution.lognormal(median: 100, p99: 1000).lognormalParameters)
        #expect(abs(mu - 4.605170185988092) < 1e-12)
        #expect(abs(sigma - 2.302585092994046 / 2.3263478740408408) < 1e-12)
        #expect(LatencyDistribution.fixed(ms: 3).lognormalParameters == nil)
    }

    @Test("empirical samples reproduce the given quantiles")
    func empiricalQuantiles() {
        let sorted = Self.samples(.empirical(quantiles: [[0.5, 80], [0.9, 300], [0.99, 2500], [1.0, 4000]])).sorted()
        #expect(Self.quantile(sorted, 0.25) == 80)  // below the first point: anchored at its ms
        #expect(abs(Self.quantile(sorted, 0.7) - 190) <= 8)  // halfway between 80 and 300
        #expect(abs(Self.quantile(sorted, 0.9) - 300) <= 15)
        #expect(abs(Self.quantile(sorted, 0.995) - 3250) <= 150)
        #expect(sorted.last! <= 4000)
    }

    @Test("fixed and uniform samples stay where they are told")
    func fixedAndUniform() {
        #expect(Set(Self.samples(.fixed(ms: 30), 100)) == [30])
        let uniform = Self.samples(.uniform(min: 20, max: 24), 5000)
        #expect(Set(uniform) == Set(20...24))
        let counts = Dictionary(grouping: uniform, by: { $0 }).mapValues(\.count)
        #expect(counts.values.allSatisfy { abs($0 - 1000) < 120 })
    }

    @Test("invalid distributions sample without trapping and never go negative")
    func invalidNeverTraps() {
        let broken: [LatencyDistribution] = [
            .fixed(ms: -5), .uniform(min: 50, max: -10), .lognormal(median: -1, p99: 10),
            .lognormal(median: 100, p99: 50), .lognormal(median: .nan, p99: .infinity),
            .lognormal(median: 1e300, p99: 1e308), .empirical(quantiles: []),
            .empirical(quantiles: [[0.9, 10], [0.5, 5]]), .empirical(quantiles: [[1, 2, 3]]),
        ]
        for distribution in broken {
            let values = Self.samples(distribution, 200)
            #expect(values.allSatisfy { $0 >= 0 && $0 <= LatencyDistribution.maximumMilliseconds })
        }
    }

    @Test("the same seed gives the same samples; pinned values guard recorded traces")
    func deterministicSamples() {
        let lognormal = LatencyDistribution.lognormal(median: 120, p99: 900)
        #expect(Self.samples(lognormal, 50, seed: 9) == Self.samples(lognormal, 50, seed: 9))
        #expect(Self.samples(lognormal, 50, seed: 9) != Self.samples(lognormal, 50, seed: 10))
        #expect(Self.samples(lognormal, 6, seed: 42) == PinnedSamples.lognormal)
        #expect(
            Self.samples(.empirical(quantiles: [[0.5, 80], [1.0, 4000]]), 6, seed: 42) == PinnedSamples.empirical)
    }

    @Test("validation names the offending field in the model's terms, not the file's")
    func validation() throws {
        #expect(throws: ServiceModelError.self) { try LatencyDistribution.fixed(ms: -1).validate() }
        let error = #expect(throws: ServiceModelError.self) {
            try Regime(name: "degraded", latency: .lognormal(median: 2500, p99: 100)).validate()
        }
        #expect(error?.location == ServiceModelLocation(regime: "degraded", .latencyP99))
        #expect(
            error?.description
                == "regime 'degraded', latency 99th percentile: expected a finite latency ≥ the median (2500.0), found 100.0"
        )
        let unsorted = #expect(throws: ServiceModelError.self) {
            try LatencyDistribution.empirical(quantiles: [[0.9, 300], [0.5, 80]]).validate()
        }
        #expect(
            unsorted?.description.hasPrefix("latency quantile 1: expected a probability above the previous one")
                == true)
        #expect(throws: ServiceModelError.self) { try LatencyDistribution.empirical(quantiles: []).validate() }
        #expect(throws: ServiceModelError.self) { try LatencyDistribution.uniform(min: 5, max: 4).validate() }
        #expect(throws: ServiceModelError.self) { try LatencyDistribution.empirical(quantiles: [[0.5]]).validate() }
        try LatencyDistribution.empirical(quantiles: [[0.5, 80], [1.0, 80]]).validate()
        try LatencyDistribution.lognormal(median: 120, p99: 900).validate()
    }
}

/// Values recorded from this implementation; a change here changes every recorded trace.
enum PinnedSamples {
    static let lognormal: [Int64] = [132, 251, 58, 53, 302, 70]
    static let empirical: [Int64] = [1851, 80, 1349, 80, 80, 80]
}

@Suite("Service error rates")
struct ServiceErrorRatesTests {
    @Test("sampled frequencies match the rates, at most one error per call")
    func frequencies() {
        let rates = ServiceErrorRates(serverError: 0.2, timeout: 0.1, rateLimited: 0.05, badGateway: 0.05)
        var rng = RandomStream(seed: 3, "errors")
        var counts: [ServiceError?: Int] = [:]
        for _ in 0..<20_000 { counts[rates.sample(using: &rng), default: 0] += 1 }
        for outcome in [nil] + ServiceError.allCases.map(Optional.some) {
            #expect(abs(Double(counts[outcome, default: 0]) / 20_000 - rates.probability(of: outcome)) < 0.01)
        }
        #expect(abs(rates.probability(of: nil) - 0.6) < 1e-12)
    }

    @Test("each sample consumes exactly one word")
    func oneDraw() {
        var a = RandomStream(seed: 1, "x")
        var b = a
        _ = ServiceErrorRates(serverError: 1).sample(using: &a)
        _ = b.next()
        #expect(a == b)
        var c = RandomStream(seed: 1, "y")
        let none = (0..<100).compactMap { _ in ServiceErrorRates.none.sample(using: &c) }
        #expect(none.isEmpty)
    }

    @Test("validation rejects rates outside [0, 1] and sums above 1")
    func validation() throws {
        try ServiceErrorRates(serverError: 0.5, timeout: 0.5).validate()
        let sum = #expect(throws: ServiceModelError.self) {
            try ServiceErrorRates(serverError: 0.7, timeout: 0.5).validate()
        }
        #expect(sum?.description == "error rates: expected probabilities summing to at most 1, found a sum of 1.2")
        let negative = #expect(throws: ServiceModelError.self) { try ServiceErrorRates(badGateway: -0.1).validate() }
        #expect(negative?.description == "bad_gateway rate: expected a probability in [0, 1], found -0.1")
    }
}
