import Scenarios
import Testing
import WorldModel

@Suite("World-model regimes and rate limits")
struct RegimeTests {
    static func service(_ body: JSON) -> JSON { ["svc": body] }

    @Test("a schedule forces a regime over a window of virtual time")
    func schedule() throws {
        var world = try TestWorld(
            services: Self.service([
                "timeout_ms": 1000,
                "regimes": [
                    "ok": ["latency": ["dist": "fixed", "ms": 10]],
                    "down": ["latency": ["dist": "fixed", "ms": 30], "errors": ["server_error": 1.0]],
                ],
                "initial": "ok",
                "transitions": ["down": ["ok": 1.0]],
                "schedule": [["from_ms": 0, "to_ms": 1000, "regime": "down"]],
            ]))
        // Forced despite the chain, which would leave `down` at once.
        let during = world.step("get_customer", ["id": "C-1"])
        #expect(world.step("get_customer", ["id": "C-1"]).regime == "down")
        #expect(during.regime == "down")
        #expect(during.observation.status == 500)
        #expect(during.observation.latencyMs == 30)
        #expect(during.observation.faults == ["regime:svc:down"])
        world.state.now = 5000
        let after = world.step("get_customer", ["id": "C-1"])
        #expect(after.regime == "ok")
        #expect(after.observation.status == 200)
    }

    @Test("transitions step the hidden chain on each call to the service")
    func transitions() throws {
        var world = try TestWorld(
            services: Self.service([
                "regimes": [
                    "a": ["latency": ["dist": "fixed", "ms": 10]],
                    "b": ["latency": ["dist": "fixed", "ms": 20]],
                ],
                "initial": "a",
                "transitions": ["a": ["b": 1.0], "b": ["a": 1.0]],
            ]))
        let regimes = (0..<4).map { _ in world.step("get_customer", ["id": "C-1"]).regime }
        #expect(regimes == ["b", "a", "b", "a"])
        #expect(world.state.now == 20 + 10 + 20 + 10)
    }

    @Test("latency is sampled from the regime's distribution, deterministically per seed")
    func latencySampled() throws {
        let services = Self.service([
            "regimes": ["ok": ["latency": ["dist": "uniform", "min_ms": 20, "max_ms": 120]]], "initial": "ok",
        ])
        var world = try TestWorld(services: services, seed: 5)
        let latencies = (0..<50).map { _ in world.call("get_customer", ["id": "C-1"]).latencyMs }
        #expect(latencies.allSatisfy { (20...120).contains($0) })
        #expect(Set(latencies).count > 10)
        var again = try TestWorld(services: services, seed: 5)
        #expect((0..<50).map { _ in again.call("get_customer", ["id": "C-1"]).latencyMs } == latencies)
        var other = try TestWorld(services: services, seed: 6)
        #expect((0..<50).map { _ in other.call("get_customer", ["id": "C-1"]).latencyMs } != latencies)
    }

    @Test("a latency above timeout_ms becomes a 504 after timeout_ms with nothing applied")
    func latencyTimeout() throws {
        var world = try TestWorld(
            services: Self.service([
                "timeout_ms": 1000, "regimes": ["slow": ["latency": ["dist": "fixed", "ms": 2000]]], "initial": "slow",
            ]))
        let observation = world.call("create_note", ["text": "x"])
        #expect(observation.status == 504)
        #expect(observation.latencyMs == 1000)
        #expect(world.rows("notes").isEmpty)
        #expect(world.state.now == 1000)
    }

    @Test("service-level errors: timeout, bad_gateway and rate_limited regimes")
    func serviceErrors() throws {
        for (error, status) in [("timeout", 504), ("bad_gateway", 502), ("rate_limited", 429), ("server_error", 500)] {
            var world = try TestWorld(
                services: Self.service([
                    "timeout_ms": 700,
                    "regimes": ["bad": ["latency": ["dist": "fixed", "ms": 10], "errors": [error: 1.0]]],
                    "initial": "bad",
                ]))
            let observation = world.call("create_note", ["text": "x"])
            #expect(observation.status == status, "\(error)")
            #expect(world.rows("notes").isEmpty)
            if error == "timeout" { #expect(observation.latencyMs == 700) }
        }
    }

    @Test("the token bucket answers 429 with Retry-After once the agent calls too fast, and refills over virtual time")
    func tokenBucket() throws {
        var world = try TestWorld(
            services: Self.service([
                "regimes": ["ok": ["latency": ["dist": "fixed", "ms": 10]]], "initial": "ok",
                "rate_limit": ["capacity": 2, "refill_per_s": 1],
            ]))
        #expect(world.call("create_note", ["text": "1"]).status == 201)
        #expect(world.call("create_note", ["text": "2"]).status == 201)
        let limited = world.call("create_note", ["text": "3"])
        #expect(limited.status == 429)
        #expect(limited.faults == ["rate_limit:svc"])
        let retryAfter = try #require(limited.header("Retry-After").flatMap { Int64($0) })
        let retryAfterMs = try #require(try limited.parsed()["error"]?["retry_after_ms"]?.int64Value)
        #expect(retryAfter == (retryAfterMs + 999) / 1000)
        #expect(retryAfterMs > 900 && retryAfterMs <= 1000)
        #expect(world.rows("notes").count == 2)
        world.state.now += retryAfterMs
        #expect(world.call("create_note", ["text": "3"]).status == 201)
        #expect(world.call("create_note", ["text": "4"]).status == 429)
    }
}
