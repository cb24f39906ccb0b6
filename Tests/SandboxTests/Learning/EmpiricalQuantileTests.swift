import Testing
import WorldModel

@testable import Sandbox

/// A latency no lognormal fits is written as empirical quantiles, as many as the calls support:
/// the simulation draws between two of them linearly, and with tens of thousands of calls ten
/// quantiles stray from the calls further than `simrun fidelity`'s KS test allows.
@Suite("Empirical quantiles written for a rejected lognormal")
struct EmpiricalQuantileTests {
    /// `count` whole-millisecond latencies of a regime cut short by a timeout, as crm-refund's
    /// degraded billing has them: a lognormal of median 2,500 ms and p99 15,000 ms, where the
    /// three calls in four that succeed are timeouts above 10 s (and so have no latency) and the
    /// server errors keep theirs.
    static func truncatedLatencies(count: Int, seed: UInt64) -> [Double] {
        var rng = RandomStream(seed: seed, key: [.string("truncated")])
        let (mu, sigma) = LatencyDistribution.lognormal(median: 2_500, p99: 15_000).lognormalParameters!
        var latencies: [Double] = []
        while latencies.count < count {
            let latency = rng.nextLognormal(mu: mu, sigma: sigma).rounded()
            let serverError = rng.nextDouble() < 0.25
            if serverError || latency <= 10_000 { latencies.append(latency) }
        }
        return latencies
    }

    /// The two-sample KS distance between `latencies` and `draws` draws of `distribution` through
    /// the simulation's own sampler.
    static func distance(_ latencies: [Double], _ distribution: LatencyDistribution, draws: Int) -> Double {
        var rng = RandomStream(seed: 99, key: [.string("draws")])
        let simulated = (0..<draws).map { _ in Double(distribution.sample(using: &rng)) }.sorted()
        let recorded = latencies.sorted()
        var distance = 0.0
        var (i, j) = (0, 0)
        while i < recorded.count || j < simulated.count {
            let value = Swift.min(
                i < recorded.count ? recorded[i] : .infinity, j < simulated.count ? simulated[j] : .infinity)
            while i < recorded.count && recorded[i] == value { i += 1 }
            while j < simulated.count && simulated[j] == value { j += 1 }
            let gap = Double(i) / Double(recorded.count) - Double(j) / Double(simulated.count)
            distance = Swift.max(distance, Swift.abs(gap))
        }
        return distance
    }

    @Test("many calls get quantiles every 1/100th with the tails', few keep the ten")
    func probabilities() {
        #expect(LatencyFit.quantileProbabilities(latencies: 2_499) == LatencyFit.quantileProbabilities)
        let twentieths = LatencyFit.quantileProbabilities(latencies: 2_500)
        #expect(twentieths.count == 19 + 7)
        #expect(twentieths.first == 0.001 && twentieths.last == 1)
        #expect(twentieths.contains(0.05) && twentieths.contains(0.95) && !twentieths.contains(0.02))
        let hundredths = LatencyFit.quantileProbabilities(latencies: 40_000)
        #expect(hundredths.count == 99 + 5)
        #expect(hundredths == hundredths.sorted() && Set(hundredths).count == hundredths.count)
        #expect(hundredths.contains(0.37) && hundredths.contains(0.999))
        #expect(LatencyFit.quantileProbabilities(latencies: 39_999).count == 49 + 7)
    }

    @Test("50,000 calls cut short by a timeout: the simulation's draws pass the KS test the ten quantiles fail")
    func fiftyThousandCalls() throws {
        let latencies = Self.truncatedLatencies(count: 50_000, seed: 14)
        let fit = LatencyFit(latencies: latencies)
        #expect(!fit.lognormalAccepted)
        guard case .empirical(let quantiles) = fit.distribution else {
            Issue.record("expected empirical quantiles, got \(fit.distribution)")
            return
        }
        #expect(quantiles.count == 104)
        #expect((try? fit.distribution.validate()) != nil)

        let draws = 400_000
        let critical = LatencyFit.ksCoefficient * (1 / 50_000.0 + 1 / Double(draws)).squareRoot()
        let written = Self.distance(latencies, fit.distribution, draws: draws)
        #expect(written < critical / 2, "written quantiles: D = \(written), critical \(critical)")

        let sorted = latencies.sorted()
        let ten = LatencyDistribution.empirical(
            quantiles: LatencyFit.quantileProbabilities.map {
                LatencyQuantile(probability: $0, milliseconds: LatencyFit.quantile($0, ofSorted: sorted))
            })
        let tenDistance = Self.distance(latencies, ten, draws: draws)
        #expect(tenDistance > critical, "ten quantiles: D = \(tenDistance), critical \(critical)")
    }
}
