import Sandbox
import Testing
import WorldModel

/// The billing chain of `RegimeChainTests` (WorldModelTests): healthy, degraded, outage.
private func billingChain(schedules: [(fromMs: Int64, toMs: Int64, regime: String)] = []) throws -> RegimeChain {
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

@Suite("Regime posterior")
struct RegimePosteriorTests {
    static func fastOKs(_ n: Int) -> [ObservedCall] {
        (0..<n).map { ObservedCall(status: .ok, latencyMs: Int64(90 + ($0 * 37) % 80)) }
    }

    static func serverErrors(_ n: Int) -> [ObservedCall] {
        Array(repeating: ObservedCall(status: .serverError, latencyMs: 30), count: n)
    }

    @Test("a run of fast successes puts the mass on healthy")
    func fastSuccessesMeanHealthy() throws {
        let chain = try billingChain()
        let rows = RegimePosterior.filter(chain: chain, calls: Self.fastOKs(20))
        #expect(rows.count == 20)
        let last = try #require(rows.last)
        #expect(last[0] > 0.99)
    }

    @Test(
        "a run of 500s after a degraded spell puts the mass on outage",
        arguments: [
            RegimePosterior.LatencyEvidence.okCalls, .allCalls,
        ])
    func serverErrorsMeanOutage(evidence: RegimePosterior.LatencyEvidence) throws {
        let chain = try billingChain()
        var posterior = RegimePosterior(chain: chain, latencyEvidence: evidence)
        posterior.observe(Self.fastOKs(5))
        posterior.observe(Self.serverErrors(12))
        #expect(posterior.mostLikely == 2)
        #expect(posterior.probability(of: "outage") > 0.95)
        #expect(posterior.observedCount == 17)
        #expect(posterior.logLikelihood < 0)
    }

    @Test("slow successes point at degraded")
    func slowSuccessesMeanDegraded() throws {
        let chain = try billingChain()
        var posterior = RegimePosterior(chain: chain)
        posterior.observe((0..<8).map { ObservedCall(status: .ok, latencyMs: 2400 + Int64($0) * 150) })
        #expect(posterior.probability(of: "degraded") > 0.95)
    }

    @Test("probabilities sum to 1 after every call and never become NaN")
    func normalized() throws {
        let chain = try billingChain()
        var calls = Self.fastOKs(10) + Self.serverErrors(5)
        // An observation impossible under every regime: bad_gateway is never configured.
        calls.append(ObservedCall(status: .badGateway, latencyMs: 1_000_000))
        calls.append(ObservedCall(status: .ok, latencyMs: -5))
        for evidence in [RegimePosterior.LatencyEvidence.okCalls, .allCalls, .none] {
            for row in RegimePosterior.filter(chain: chain, calls: calls, latencyEvidence: evidence) {
                #expect(row.allSatisfy { $0.isFinite && $0 >= 0 })
                #expect(abs(row.reduce(0, +) - 1) < 1e-9)
            }
        }
    }

    @Test("calls inside a schedule window follow the scheduled regime when schedules apply")
    func schedulesApply() throws {
        let chain = try billingChain(schedules: [(0, 10_000, "outage")])
        let fast = ObservedCall(status: .ok, latencyMs: 120, timeMs: 500)
        var applied = RegimePosterior(chain: chain)
        applied.observe(fast)
        #expect(applied.probabilities == [0, 0, 1])
        var ignored = RegimePosterior(chain: chain, applySchedules: false)
        ignored.observe(fast)
        #expect(ignored.probability(of: "healthy") > 0.99)
        var untimed = RegimePosterior(chain: chain)
        untimed.observe(ObservedCall(status: .ok, latencyMs: 120))
        #expect(untimed.mostLikely == 0)
    }

    @Test("the posterior recovers the hidden regimes of a simulated service")
    func tracksSimulation() throws {
        let chain = try billingChain()
        var rng = RandomStream(seed: 2026, "billing")
        var current = chain.initial
        var truth: [Int] = []
        var calls: [ObservedCall] = []
        for call in 0..<400 {
            current = chain.next(from: current, at: Int64(call) * 1000, using: &rng)
            let regime = chain.regimes[current]
            let error = regime.errors.sample(using: &rng)
            calls.append(ObservedCall(status: CallStatusClass(error), latencyMs: regime.latency.sample(using: &rng)))
            truth.append(current)
        }
        let rows = RegimePosterior.filter(chain: chain, calls: calls, latencyEvidence: .allCalls)
        var correct = 0
        for (row, hidden) in zip(rows, truth) where row.indices.max(by: { row[$0] < row[$1] }) == hidden {
            correct += 1
        }
        #expect(Set(truth).count >= 2)
        #expect(Double(correct) / Double(truth.count) > 0.85)
        #expect(rows == RegimePosterior.filter(chain: chain, calls: calls, latencyEvidence: .allCalls))
    }

    @Test("status classes map to and from service errors")
    func statusClasses() {
        for status in CallStatusClass.allCases {
            #expect(CallStatusClass(status.serviceError) == status)
        }
        #expect(CallStatusClass.serverError.description == "server_error")
        #expect(ServiceError.allCases.map(\.description) == ["server_error", "timeout", "rate_limited", "bad_gateway"])
    }
}
