import Testing
import WorldModel

@testable import Sandbox

@Suite("The Retry-After a recorded refusal told")
struct RecordedRetryAfterTests {
    static func answer(status: Int, _ body: String) throws -> RecordedCall {
        RecordedCall(
            atMs: 0, tool: "get", arguments: [:], outcome: OutcomeClass(status: status), status: status,
            latencyMs: 10, body: body, structured: try JSON(parsing: Array(body.utf8)))
    }

    @Test("milliseconds and seconds, in error or at the top; error first, milliseconds before seconds")
    func forms() throws {
        let cases: [(String, Double, Double)] = [
            (#"{"error":{"code":"rate_limited","retry_after_ms":1234}}"#, 1234, 0),
            (#"{"retry_after_ms":250}"#, 250, 0),
            (#"{"error":{"retry_after":2}}"#, 2000, 1000),
            (#"{"retry_after":"3"}"#, 3000, 1000),
            (#"{"retry_after":1.5}"#, 1500, 0),
            (#"{"error":{"retry_after":2},"retry_after_ms":900}"#, 2000, 1000),
            (#"{"error":{"retry_after":2,"retry_after_ms":1800}}"#, 1800, 0),
        ]
        for (body, milliseconds, uncertainty) in cases {
            let told = try #require(RecordedRetryAfter(of: Self.answer(status: 429, body)), "\(body)")
            #expect(told.milliseconds == milliseconds, "\(body)")
            #expect(told.uncertainty == uncertainty, "\(body)")
        }
        #expect(try RecordedRetryAfter(of: Self.answer(status: 503, #"{"retry_after":1}"#))?.milliseconds == 1000)
    }

    @Test("no wait from answers that are not refusals, tell none, or tell a negative one")
    func none() throws {
        #expect(try RecordedRetryAfter(of: Self.answer(status: 500, #"{"retry_after_ms":100}"#)) == nil)
        #expect(try RecordedRetryAfter(of: Self.answer(status: 200, #"{"retry_after":1}"#)) == nil)
        #expect(try RecordedRetryAfter(of: Self.answer(status: 429, #"{"error":{"code":"rate_limited"}}"#)) == nil)
        #expect(try RecordedRetryAfter(of: Self.answer(status: 429, #"{"retry_after_ms":-5}"#)) == nil)
        #expect(try RecordedRetryAfter(of: Self.answer(status: 429, #"{"retry_after":"soon"}"#)) == nil)
        #expect(try RecordedRetryAfter(of: Self.answer(status: 429, #"[1, 2]"#)) == nil)
    }

    @Test("a wait told in whole seconds admits the waits that round to it")
    func admits() {
        let seconds = RecordedRetryAfter(milliseconds: 2000, uncertainty: 1000)
        #expect(seconds.admits(1234, tolerance: 2))
        #expect(!seconds.admits(500, tolerance: 2))
        let milliseconds = RecordedRetryAfter(milliseconds: 2000)
        #expect(milliseconds.admits(1999, tolerance: 2))
        #expect(!milliseconds.admits(1234, tolerance: 2))
    }
}
