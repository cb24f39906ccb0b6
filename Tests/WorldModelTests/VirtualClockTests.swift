import Testing
import WorldModel

@Suite("Virtual clock")
struct VirtualClockTests {
    @Test("sleeping advances virtual time at once")
    func sleepAdvances() async throws {
        let clock = VirtualClock()
        #expect(clock.now == .zero)
        try await clock.sleep(for: .seconds(2))
        #expect(clock.now.milliseconds == 2000)
        try await clock.sleep(until: VirtualInstant(milliseconds: 2500), tolerance: nil)
        #expect(clock.milliseconds == 2500)
    }

    @Test("sleeping until the past leaves the clock alone")
    func sleepIntoPast() async throws {
        let clock = VirtualClock(start: VirtualInstant(milliseconds: 10_000))
        try await clock.sleep(until: VirtualInstant(milliseconds: 5), tolerance: nil)
        try await clock.sleep(for: .seconds(-3))
        #expect(clock.milliseconds == 10_000)
    }

    @Test("a cancelled task's sleep throws and does not move time")
    func cancelledSleep() async {
        let clock = VirtualClock()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(5))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.milliseconds == 0)
    }

    @Test("works as a generic Clock for code written against any clock")
    func genericClock() async throws {
        func measure<C: Clock>(_ clock: C, _ work: () async throws -> Void) async rethrows -> C.Duration {
            try await clock.measure(work)
        }
        let clock = VirtualClock()
        let elapsed = try await measure(clock) { try await clock.sleep(for: .milliseconds(1500)) }
        #expect(elapsed == .milliseconds(1500))
        #expect(clock.minimumResolution == .milliseconds(1))
    }

    @Test("advance never goes backwards")
    func advanceIsMonotonic() {
        let clock = VirtualClock()
        #expect(clock.advance(byMilliseconds: 300).milliseconds == 300)
        #expect(clock.advance(to: VirtualInstant(milliseconds: 100)).milliseconds == 300)
        #expect(clock.advance(byMilliseconds: -50).milliseconds == 300)
        #expect(clock.advance(by: .milliseconds(-50)).milliseconds == 300)
        #expect(clock.advance(to: VirtualInstant(milliseconds: 900)).milliseconds == 900)
        #expect(clock.advance(by: .seconds(1)).milliseconds == 1900)
        #expect(clock.advance(byMilliseconds: .max).milliseconds == .max)
    }

    @Test("durations round up to whole milliseconds and saturate")
    func durationRounding() {
        #expect(VirtualInstant.wholeMilliseconds(.microseconds(1)) == 1)
        #expect(VirtualInstant.wholeMilliseconds(.microseconds(1500)) == 2)
        #expect(VirtualInstant.wholeMilliseconds(.milliseconds(7)) == 7)
        #expect(VirtualInstant.wholeMilliseconds(.microseconds(-1500)) == -1)
        #expect(VirtualInstant.wholeMilliseconds(.seconds(-2)) == -2000)
        #expect(VirtualInstant.wholeMilliseconds(.seconds(Int64.max)) == .max)
        #expect(VirtualInstant.wholeMilliseconds(.seconds(Int64.min)) == .min)
        let start = VirtualInstant(milliseconds: 100)
        #expect(start.advanced(by: .milliseconds(50)) == VirtualInstant(milliseconds: 150))
        #expect(start.duration(to: VirtualInstant(milliseconds: 40)) == .milliseconds(-60))
        #expect(VirtualInstant(milliseconds: .max).advanced(by: .seconds(1)).milliseconds == .max)
        #expect(VirtualInstant(milliseconds: .min).advanced(by: .seconds(-1)).milliseconds == .min)
        #expect(start < start.advanced(by: .nanoseconds(1)))
        #expect(start.description == "100ms")
    }

    @Test("concurrent sleepers are all accounted for")
    func concurrentSleepers() async throws {
        let clock = VirtualClock()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { try await clock.sleep(for: .milliseconds(10)) }
            }
            try await group.waitForAll()
        }
        // Each sleeper advances to (its own now + 10ms); the clock moved at least once and
        // never more than the sum of all sleeps.
        #expect(clock.milliseconds >= 10 && clock.milliseconds <= 500)
    }
}
