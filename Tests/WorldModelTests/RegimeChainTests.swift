import Testing
import WorldModel

/// The billing service of DESIGN.md's example scenario.
func billingChain(schedules: [(fromMs: Int64, toMs: Int64, regime: String)] = []) throws -> RegimeChain {
    try RegimeChain(
        regimes: [
            Regime(name: "healthy", latency: .lognormal(median: 120, p99: 900)),
            Regime(
                name: "degraded", latency: .lognormal(median: 2500, p99: 15000),
                errors: ServiceErrorRates(serverError: 0.2, timeout: 0.1)),
            Regime(name: "outage", latency: .fixed(ms: 30), errors: ServiceErrorRates(serverError: 1.0)),
        ],
        initial: "healthy",
        transitions: [
            ("healthy", "degraded", 0.05), ("degraded", "healthy", 0.3), ("degraded", "outage", 0.05),
            ("outage", "healthy", 0.25),
        ],
        schedules: schedules)
}

@Suite("Regime chains")
struct RegimeChainTests {
    @Test("names resolve to indices and rows fill the transition matrix")
    func namedConstruction() throws {
        let chain = try billingChain()
        #expect(chain.initial == 0)
        #expect(chain.index(named: "outage") == 2)
        #expect(chain.index(named: "nope") == nil)
        #expect(chain.transitions.count == 3)
        let matrix = chain.transitionMatrix
        #expect(matrix[0] == [0.95, 0.05, 0])
        #expect(abs(matrix[1][1] - 0.65) < 1e-12)
        #expect(matrix[2] == [0.25, 0, 0.75])
    }

    @Test("per-call transition frequencies match the probabilities")
    func transitionFrequencies() throws {
        let chain = try billingChain()
        var rng = RandomStream(seed: 1, "chain")
        var counts = [0, 0, 0]
        for _ in 0..<20_000 { counts[chain.next(from: 1, at: 100_000, using: &rng)] += 1 }
        #expect(abs(Double(counts[0]) / 20_000 - 0.3) < 0.012)
        #expect(abs(Double(counts[1]) / 20_000 - 0.65) < 0.012)
        #expect(abs(Double(counts[2]) / 20_000 - 0.05) < 0.006)
    }

    @Test("a schedule forces its regime inside [from, to) and the chain continues from it afterwards")
    func schedules() throws {
        let chain = try billingChain(schedules: [(0, 20_000, "outage"), (10_000, 30_000, "degraded")])
        var rng = RandomStream(seed: 2, "schedule")
        #expect(chain.scheduledRegime(at: 0) == 2)
        #expect(chain.scheduledRegime(at: 19_999) == 2)  // first declared window wins on overlap
        #expect(chain.scheduledRegime(at: 20_000) == 1)
        #expect(chain.scheduledRegime(at: 30_000) == nil)
        for time in stride(from: Int64(0), to: 20_000, by: 500) {
            #expect(chain.next(from: 0, at: time, using: &rng) == 2)
        }
        // After the windows: from the scheduled regime, outage either stays or recovers.
        var current = 1
        var visited = Set<Int>()
        for call in 0..<200 {
            current = chain.next(from: current, at: 30_000 + Int64(call), using: &rng)
            visited.insert(current)
        }
        #expect(visited.contains(0))
    }

    @Test("next draws exactly one word, scheduled or not, and replays with the same seed")
    func drawsAndDeterminism() throws {
        let chain = try billingChain(schedules: [(0, 1000, "outage")])
        var scheduled = RandomStream(seed: 5, "x")
        var free = scheduled
        var reference = scheduled
        _ = chain.next(from: 0, at: 500, using: &scheduled)
        _ = chain.next(from: 0, at: 5000, using: &free)
        _ = reference.next()
        #expect(scheduled == reference && free == reference)
        func path(_ seed: UInt64) -> [Int] {
            var rng = RandomStream(seed: seed, "billing", "regime")
            var current = chain.initial
            return (0..<300).map { call in
                current = chain.next(from: current, at: Int64(call) * 100, using: &rng)
                return current
            }
        }
        #expect(path(7) == path(7))
        #expect(path(7) != path(8))
    }

    @Test("an out-of-range current regime is treated as the initial one")
    func outOfRangeCurrent() throws {
        let chain = try RegimeChain(regimes: [Regime(name: "only", latency: .fixed(ms: 1))])
        var rng = RandomStream(seed: 1)
        #expect(chain.next(from: 99, at: 0, using: &rng) == 0)
        #expect(chain.next(from: -1, at: 0, using: &rng) == 0)
    }

    @Test("invalid chains are rejected with the path of the problem")
    func validation() {
        let healthy = Regime(name: "healthy", latency: .fixed(ms: 10))
        let slow = Regime(name: "slow", latency: .fixed(ms: 900))
        func message(_ build: () throws -> RegimeChain) -> String? {
            do {
                _ = try build()
                return nil
            } catch let error as ServiceModelError {
                return error.description
            } catch {
                return "unexpected error type: \(error)"
            }
        }
        #expect(message { try RegimeChain(regimes: []) } == "regimes: expected at least one regime, found none")
        #expect(
            message { try RegimeChain(regimes: [healthy, healthy]) } == "regimes: regime 'healthy' is declared twice")
        #expect(
            message { try RegimeChain(regimes: [healthy, slow], initial: "broken") }
                == "initial regime: unknown regime 'broken' (known regimes: 'healthy', 'slow')")
        #expect(
            message {
                try RegimeChain(regimes: [healthy, slow], initial: "healthy", transitions: [("healthy", "slw", 0.1)])
            }
                == "transitions from 'healthy': unknown regime 'slw' (known regimes: 'healthy', 'slow')")
        #expect(
            message {
                try RegimeChain(regimes: [healthy, slow], initial: "healthy", transitions: [("healthy", "slow", 1.5)])
            }
                == "transition from 'healthy' to 'slow': expected a probability in [0, 1], found 1.5")
        #expect(
            message {
                try RegimeChain(
                    regimes: [healthy, slow, Regime(name: "down", latency: .fixed(ms: 1))], initial: "healthy",
                    transitions: [("healthy", "slow", 0.6), ("healthy", "down", 0.6)])
            } == "transitions from 'healthy': expected probabilities summing to at most 1, found a sum of 1.2")
        #expect(
            message { try RegimeChain(regimes: [healthy], initial: "healthy", schedules: [(100, 100, "healthy")]) }
                == "schedule window 0 end: expected a time after the window's start (100), found 100")
        #expect(
            message {
                try RegimeChain(regimes: [healthy], schedules: [RegimeChain.Schedule(fromMs: 0, toMs: 5, regime: 3)])
            }
                == "schedule window 0 regime: unknown regime #3 (known regimes: 'healthy')")
        #expect(
            message { try RegimeChain(regimes: [Regime(name: "bad", latency: .fixed(ms: -3))]) }
                == "regime 'bad', latency: expected a latency ≥ 0, found -3")
        #expect(
            message { try RegimeChain(regimes: [healthy], transitions: [[], []]) }
                == "transitions: expected at most 1 rows (one per regime), found 2 rows")
    }
}

@Suite("Token buckets")
struct TokenBucketTests {
    @Test("starts full, refuses when empty, and says when to retry")
    func basicLimiting() throws {
        var bucket = try TokenBucket(capacity: 10, refillPerSecond: 5)
        for _ in 0..<10 { #expect(bucket.tryTake(at: 0) == .allowed) }
        #expect(bucket.tryTake(at: 0) == .retryAfter(milliseconds: 200))
        #expect(bucket.tryTake(at: 150) == .retryAfter(milliseconds: 50))
        #expect(bucket.tryTake(at: 200) == .allowed)
        #expect(bucket.tryTake(at: 200) == .retryAfter(milliseconds: 200))
        #expect(bucket.availableTokens(at: 100_000) == 10)
    }

    @Test("refill is exact in integer arithmetic, also for fractional rates")
    func exactRefill() throws {
        var bucket = try TokenBucket(capacity: 1, refillPerSecond: 0.3)
        #expect(bucket.tryTake(at: 0) == .allowed)
        // 1 token at 300 milli-tokens per second = 3333.33… ms, rounded up.
        #expect(bucket.tryTake(at: 0) == .retryAfter(milliseconds: 3334))
        #expect(bucket.tryTake(at: 3333) == .retryAfter(milliseconds: 1))
        #expect(bucket.tryTake(at: 3334) == .allowed)
        // Many small steps add up to exactly the same as one big one.
        var stepped = try TokenBucket(capacity: 3, refillPerSecond: 7)
        var jumped = stepped
        for _ in 0..<3 {
            _ = stepped.tryTake(at: 0)
            _ = jumped.tryTake(at: 0)
        }
        for time in stride(from: Int64(1), through: 300, by: 1) { _ = stepped.availableTokens(at: time) }
        #expect(stepped.tryTake(at: 300) == jumped.tryTake(at: 300))
        #expect(stepped == jumped)
    }

    @Test("time going backwards does not refill or break the bucket")
    func backwardsTime() throws {
        var bucket = try TokenBucket(capacity: 1, refillPerSecond: 1, startMs: 5000)
        #expect(bucket.tryTake(at: 5000) == .allowed)
        #expect(bucket.tryTake(at: 1000) == .retryAfter(milliseconds: 1000))
        #expect(bucket.tryTake(at: Int64.max) == .allowed)
        #expect(bucket.availableTokens(at: Int64.min) == 0)
    }

    @Test("invalid parameters are rejected")
    func validation() {
        let capacity = #expect(throws: ServiceModelError.self) { try TokenBucket(capacity: 0, refillPerSecond: 1) }
        #expect(
            capacity?.description == "rate limit capacity: expected a whole number of tokens in 1...1000000, found 0")
        #expect(throws: ServiceModelError.self) { try TokenBucket(capacity: 5, refillPerSecond: 0) }
        #expect(throws: ServiceModelError.self) { try TokenBucket(capacity: 5, refillPerSecond: .nan) }
        #expect(throws: ServiceModelError.self) { try TokenBucket(capacity: 5, refillPerSecond: -2) }
    }
}
