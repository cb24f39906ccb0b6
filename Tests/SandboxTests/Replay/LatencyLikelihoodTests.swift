import Sandbox
import Testing
import WorldModel

@Suite("Latency likelihoods (for the regime posterior)")
struct LatencyLikelihoodTests {
    static func samples(_ distribution: LatencyDistribution, _ n: Int = 20_000, seed: UInt64 = 1) -> [Int64] {
        var rng = RandomStream(seed: seed, "latency-test")
        return (0..<n).map { _ in distribution.sample(using: &rng) }
    }

    @Test(
        "sample probabilities are a distribution over whole milliseconds",
        arguments: [
            LatencyDistribution.fixed(ms: 30), .uniform(min: 3, max: 9), .lognormal(median: 40, p99: 200),
            .empirical(quantiles: [[0.5, 10], [0.6, 10], [0.9, 50], [0.95, 120]]),
        ])
    func probabilitiesSumToOne(distribution: LatencyDistribution) {
        let total = (0...20_000).reduce(0.0) { $0 + distribution.probability(ofSample: Int64($1)) }
        #expect(abs(total - 1) < 1e-6)
        #expect(distribution.probability(ofSample: -1) == 0)
    }

    @Test("sample probabilities match observed frequencies")
    func probabilitiesMatchFrequencies() {
        let distribution = LatencyDistribution.empirical(quantiles: [[0.5, 10], [0.9, 20], [1.0, 20]])
        let values = Self.samples(distribution)
        #expect(abs(distribution.probability(ofSample: 10) - 0.5 - 0.4 / 10 / 2) < 1e-12)
        #expect(abs(Double(values.filter { $0 == 10 }.count) / 20_000 - distribution.probability(ofSample: 10)) < 0.01)
        #expect(abs(Double(values.filter { $0 == 15 }.count) / 20_000 - distribution.probability(ofSample: 15)) < 0.005)
        #expect(distribution.probability(ofSample: 21) == 0)
        #expect(LatencyDistribution.uniform(min: 3, max: 6).probability(ofSample: 4) == 0.25)
    }

    @Test("densities integrate to the continuous part of each distribution")
    func densities() {
        func integral(_ distribution: LatencyDistribution, upTo limit: Double) -> Double {
            stride(from: 0.0, to: limit, by: 0.25).reduce(0) { $0 + distribution.density(at: $1 + 0.125) * 0.25 }
        }
        #expect(abs(integral(.lognormal(median: 40, p99: 200), upTo: 50_000) - 1) < 1e-3)
        #expect(abs(integral(.uniform(min: 3, max: 9), upTo: 100) - 1) < 1e-9)
        #expect(LatencyDistribution.fixed(ms: 30).density(at: 30) == 0)
        // The first point's 0.5 is a point mass: only the 0.4 between 10 and 50 ms has a density.
        let empirical = LatencyDistribution.empirical(quantiles: [[0.5, 10], [0.9, 50], [1.0, 50]])
        #expect(abs(integral(empirical, upTo: 100) - 0.4) < 1e-9)
        #expect(abs(empirical.density(at: 20) - 0.01) < 1e-12)
        let lognormal = LatencyDistribution.lognormal(median: 120, p99: 900)
        #expect(abs(lognormal.density(at: 120) - lognormal.probability(ofSample: 120)) < 1e-6)
    }
}
