import Foundation
import Sandbox
import WorldModel

/// The cost of `simrun learn`'s dynamics: reading and learning a recording of 100,000 calls
/// (the issue's target: at most 10 s on the project's two-core machine), against parsing the
/// same lines with `JSONSerialization`, measured in the same run.
///
/// The recording is generated when the group is built (nothing is committed): 500 sessions of
/// 200 calls of one service whose three regimes (healthy 180 ms with 2 % server errors and a
/// few 429s, degraded 1.5 s with 10 % server errors and 3 % timeouts, an outage of 40 ms with
/// 40 % errors) switch per call, the first call too (a session starts healthy and its first
/// call moves on from there, as the simulator moves a service's chain from its `initial` regime
/// on every call), the calls spaced by their latency and a think time, all drawn from a fixed
/// `RandomStream`. `recordingText(calls:)` writes the same file for timing the CLI
/// (`simrun bench --write-learning-input`).
package enum LearningBenchmarks {
    /// The number of calls the benchmark learns.
    package static let calls = 100_000
    /// Calls per recorded session.
    package static let sessionLength = 200

    /// The `learn` group: one `simrun learn` of the generated recording (read, fit 1 to 4
    /// regimes by BIC, describe), and the `JSONSerialization` parse of its lines; both are
    /// reported per call.
    package static func group(calls: Int = LearningBenchmarks.calls) -> BenchmarkGroup {
        let input = Input(calls: calls)
        let learn = "learn \(calls) recorded calls (read + dynamics + report)"
        let parse = "parse the same \(calls) recording lines (JSONSerialization)"
        return BenchmarkGroup(
            "learn",
            benchmarks: [
                Benchmark(learn, operationsPerRun: calls) {
                    // The generator writes a valid recording; a failure here is a bug in this file.
                    guard let traffic = try? RecordedTraffic(bytes: input.bytes, source: "generated.jsonl"),
                        let result = try? ScenarioLearner(name: "generated").learn([traffic])
                    else { preconditionFailure("the generated recording does not learn") }
                    blackHole(result.reportText)
                },
                Benchmark(parse, operationsPerRun: calls) {
                    for line in input.lines { blackHole(try? JSONSerialization.jsonObject(with: line)) }
                },
            ],
            comparisons: [
                BenchmarkComparison(
                    "learn vs JSONSerialization parse of the same \(calls)-call recording (per call)",
                    candidate: learn, baseline: parse)
            ])
    }

    /// The generated recording, made when a benchmark first needs it (building the suite stays
    /// cheap); benchmarks run one at a time, so the lazy members are never raced.
    final class Input: @unchecked Sendable {
        let calls: Int
        init(calls: Int) { self.calls = calls }
        lazy var bytes: [UInt8] = Array(LearningBenchmarks.recordingText(calls: calls).utf8)
        lazy var lines: [Data] = bytes.split(separator: 0x0A).map { Data($0) }
    }

    /// One generated regime.
    struct Regime {
        var median: Double
        var p99: Double
        var serverError: Double
        var timeout: Double
        var rateLimited: Double
        /// Per call: the probability of moving to each regime (the rest stays).
        var moves: [Double]
    }

    /// The generated service's regimes.
    static let regimes = [
        Regime(median: 180, p99: 1200, serverError: 0.02, timeout: 0, rateLimited: 0.005, moves: [0, 0.08, 0]),
        Regime(median: 1500, p99: 7000, serverError: 0.1, timeout: 0.03, rateLimited: 0, moves: [0.3, 0, 0.05]),
        Regime(median: 40, p99: 60, serverError: 0.4, timeout: 0, rateLimited: 0, moves: [0.25, 0.35, 0]),
    ]

    /// A simrun recording (JSON Lines) of `calls` calls, deterministic.
    package static func recordingText(calls: Int) -> String {
        var lines: [String] = []
        lines.reserveCapacity(calls + 2 * (calls / sessionLength + 1))
        let timeoutMs = 8000.0
        var made = 0
        var session = 0
        while made < calls {
            session += 1
            var rng = RandomStream(seed: 14, key: [.string("learn-bench"), .integer(Int64(session))])
            let header = RecordingLine.Header(
                session: session, recorder: "simrun bench", startedAt: "2026-01-01T00:00:00Z",
                server: .init(name: "billing", command: "billing-server", args: []))
            lines.append(RecordingLine.header(header).json.canonicalText)
            let tool: JSON = [
                "name": "billing_get_invoice", "description": "An invoice by id.",
                "inputSchema": [
                    "type": "object", "properties": ["invoice_id": ["type": "string"]], "required": ["invoice_id"],
                ],
            ]
            lines.append(RecordingLine.tools(session: session, atMs: 1, tools: [tool]).json.canonicalText)
            var regime = 0
            var now = 5.0
            for index in 0..<Swift.min(sessionLength, calls - made) {
                let move = rng.nextDouble()
                var cumulative = 0.0
                for (target, p) in regimes[regime].moves.enumerated() where p > 0 {
                    cumulative += p
                    if move < cumulative {
                        regime = target
                        break
                    }
                }
                let r = regimes[regime]
                let mu = DeterministicMath.log(r.median)
                let sigma = (DeterministicMath.log(r.p99) - mu) / LatencyDistribution.normalP99
                var latency = (rng.nextLognormal(mu: mu, sigma: sigma) * 1000).rounded() / 1000
                let u = rng.nextDouble()
                let invoice = "INV-\(1000 + rng.nextInt(below: 400))"
                var result: JSON
                if u < r.serverError {
                    result = [
                        "content": [["type": "text", "text": "internal server error"]], "isError": true,
                        "_meta": ["status": 500],
                    ]
                } else if u < r.serverError + r.timeout {
                    result = [
                        "content": [["type": "text", "text": "the request timed out"]], "isError": true,
                        "_meta": ["status": 504],
                    ]
                    latency = timeoutMs
                } else if u < r.serverError + r.timeout + r.rateLimited {
                    result = [
                        "content": [
                            [
                                "type": "text",
                                "text": #"{"error":{"code":"rate_limited","retry_after_ms":1000}}"#,
                            ]
                        ],
                        "isError": true, "_meta": ["status": 429],
                    ]
                } else {
                    let body = #"{"id":"\#(invoice)","amount":\#(10 + index % 90),"status":"open"}"#
                    result = [
                        "content": [["type": "text", "text": .string(body)]], "isError": false,
                        "_meta": ["status": 200],
                    ]
                }
                let call = RecordingLine.Call(
                    session: session, id: .int(Int64(index + 2)), tool: "billing_get_invoice",
                    arguments: ["invoice_id": .string(invoice)], atMs: now, latencyMs: latency, result: result,
                    error: nil)
                lines.append(RecordingLine.call(call).json.canonicalText)
                now += latency + 200 + Double(rng.nextInt(below: 1800))
                made += 1
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
