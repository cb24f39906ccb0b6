import Scenarios
import Testing

@testable import WorldModel

@Suite("Virtual time: one checked clock")
struct VirtualTimeTests {
    @Test("think time that would pass the clock's limit is refused with a typed error, the state unchanged")
    func thinkTimeBeyondMaximum() throws {
        let test = try TestWorld()
        var state = test.state
        try state.advance(byThinkTime: 1500)
        #expect(state.now == 1500)
        let before = state
        let error = #expect(throws: VirtualTimeError.self) { try state.advance(byThinkTime: .max) }
        #expect(error == .beyondMaximum(nowMs: 1500, thinkMs: .max, maximumMs: WorldState.maximumNowMs))
        #expect(
            error?.description
                == "think time of 9223372036854775807 ms at virtual time 1500 ms would pass the clock's limit of 4611686018427387904 ms; expected at most 4611686018427386404 ms"
        )
        #expect(state == before)
        #expect(throws: VirtualTimeError.negativeThinkTime(milliseconds: -1)) { try state.advance(byThinkTime: -1) }
        #expect(state == before)
        try state.advance(byThinkTime: WorldState.maximumNowMs - 1500)
        #expect(state.now == WorldState.maximumNowMs)
        #expect(throws: VirtualTimeError.self) { try state.advance(byThinkTime: 1) }
        try state.advance(byThinkTime: 0)
    }

    @Test("a state moved past the limit by hand is an engine invariant broken: the step traps")
    func pastMaximumTraps() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var test = try TestWorld()
            test.state.now = .max
            _ = test.call("get_customer", ["id": "C-1"])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("is past WorldState.maximumNowMs"), "\(message)")
    }

    @Test("a call at the clock's limit answers, and the clock stops there instead of overflowing")
    func stepAtMaximum() throws {
        var test = try TestWorld()
        try test.state.advance(byThinkTime: WorldState.maximumNowMs - 5)
        let observation = test.call("get_customer", ["id": "C-1"])
        #expect(observation.status == 200)
        #expect(observation.latencyMs == 10)
        #expect(test.state.now == WorldState.maximumNowMs)
        #expect(test.call("get_customer", ["id": "C-1"]).status == 200)
        #expect(test.state.now == WorldState.maximumNowMs)
    }

    @Test("latencies and spikes beyond World.maximumLatencyMs are cut to it: no overflow")
    func hugeLatency() throws {
        var test = try TestWorld(services: [
            "svc": [
                "timeout_ms": 1000, "regimes": ["ok": ["latency": ["dist": "fixed", "ms": 10]]], "initial": "ok",
            ]
        ])
        var spec = test.world.spec
        spec.services[0].timeoutMs = .max
        spec.faults = [
            FaultRule(id: "huge", target: .all, kind: .latencySpike(ms: .max), when: nil, calls: nil, probability: 1)
        ]
        test.world = try World(spec)
        test.state = test.world.initialState
        let observation = test.call("get_customer", ["id": "C-1"])
        #expect(observation.latencyMs == World.maximumLatencyMs)
        #expect(test.state.now == World.maximumLatencyMs)
    }
}
