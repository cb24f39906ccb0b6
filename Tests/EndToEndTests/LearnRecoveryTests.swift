import Foundation
import Testing
import WorldModel

/// Recovering the shipped billing-outage service — three regimes, its forced outage window and a
/// token bucket — from traces of the robust agent, as the issue's "Done means" asks (its figures
/// come from 2,000-episode sweeps, a manual run written down in docs/learning.md; these tests play
/// a few hundred).
@Suite("simrun learn: billing-outage's regimes and token bucket learned back")
struct LearnRecoveryTests {
    /// billing-outage without its forced outage window (from 2 s to 5 s), which a
    /// time-homogeneous model cannot express; regimes, transitions and token bucket as shipped.
    func withoutSchedule(in scratch: ScratchDirectory) throws -> String {
        try billingVariant(in: scratch, named: "no-schedule.json") { billing in
            #expect(billing.removeValue(forKey: "schedule") != nil)
        }
    }

    /// billing-outage with its billing service changed by `change`, written to `name`.
    func billingVariant(
        in scratch: ScratchDirectory, named name: String, _ change: (inout JSONObject) -> Void
    ) throws -> String {
        let text = try String(contentsOfFile: SimrunProcess.root + "/scenarios/billing-outage.json", encoding: .utf8)
        guard case .object(var scenario) = try JSON(parsing: text), case .object(var services)? = scenario["services"],
            case .object(var billing)? = services["billing"]
        else {
            Issue.record("billing-outage.json has no services.billing")
            return ""
        }
        change(&billing)
        _ = services.updateValue(.object(billing), forKey: "billing")
        _ = scenario.updateValue(.object(services), forKey: "services")
        return try scratch.write(name, JSON.object(scenario).prettyText)
    }

    /// The report of learning `episodes` robust-agent episodes of `scenario` (without fault rules).
    func learnedReport(_ scratch: ScratchDirectory, scenario: String, episodes: Int) throws -> JSON {
        let inputs = try LearnCommandTests().traces(
            in: scratch, episodes: episodes, scenario: scenario, options: ["--no-faults"])
        #expect(inputs.count == episodes)
        let result = try SimrunProcess.run(
            ["learn"] + inputs + ["--out", scratch.path + "/learned.json", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSON(parsing: result.stdout)
    }

    @Test("billing-outage as shipped: three regimes and the outage forced from about 2 s to 5 s")
    func recoversSchedule() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let report = try learnedReport(
            scratch, scenario: SimrunProcess.root + "/scenarios/billing-outage.json", episodes: 300)
        let service = try #require(report["services"]?[0])
        // Without the schedule the chain needs a fourth regime for the window (docs/learning.md).
        #expect(service["regimes"] == 3, "\(service["candidates"] ?? .null)")
        let window = try #require(service["schedule"]?[0])
        #expect(service["schedule"]?.arrayValue?.count == 1)
        // The outage is the fastest regime (20–60 ms). Its window's edges are the first and last
        // calls in it: with some 20 calls per 100 ms in 300 episodes, within 50 ms of the truth
        // on the inside; the end may take in a call or two after 5 s that the outage still served.
        #expect(window["regime"] == "regime_1")
        let from = try #require(window["from_ms"]?.doubleValue)
        let to = try #require(window["to_ms"]?.doubleValue)
        #expect(from >= 2000 && from <= 2050, "from \(from)")
        #expect(to >= 4950 && to <= 5100, "to \(to)")
        #expect((window["sequences"]?.doubleValue ?? 0) >= 100)
        let learned = try #require(service["learned"])
        #expect(
            learned["schedule"] == [["from_ms": .int(Int64(from)), "to_ms": .int(Int64(to)), "regime": "regime_1"]])
        #expect(service["schedule_finding"]?.stringValue?.hasPrefix("schedule: regime_1 forced from ") == true)
        // The outage's own figures: median 40 ms, server errors 0.4 (about a thousand calls here).
        let outage = try #require(service["regime_details"]?[0]?["latency"]?["median_ms"]?.doubleValue)
        #expect(abs(outage / 40 - 1) <= 0.10, "outage median \(outage)")
        let errors = learned["regimes"]?["regime_1"]?["errors"]?["server_error"]?.doubleValue ?? 0
        #expect(abs(errors - 0.4) <= 0.05, "outage server_error \(errors)")
        // The learned scenario, schedule and all, is one simrun runs.
        let run = try SimrunProcess.run(["validate", scratch.path + "/learned.json"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }

    @Test("a one-regime world gets no schedule, and the report says why")
    func noScheduleInOneRegime() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let scenario = try billingVariant(in: scratch, named: "steady.json") { billing in
            _ = billing.updateValue(
                ["healthy": ["latency": ["dist": "lognormal", "median_ms": 180, "p99_ms": 1200]]], forKey: "regimes")
            _ = billing.removeValue(forKey: "transitions")
            _ = billing.removeValue(forKey: "schedule")
            _ = billing.removeValue(forKey: "rate_limit")
        }
        let report = try learnedReport(scratch, scenario: scenario, episodes: 100)
        let service = try #require(report["services"]?[0])
        #expect(service["regimes"] == 1)
        #expect(service["schedule"] == [])
        #expect(service["learned"]?["schedule"] == nil)
        let finding = service["schedule_finding"]?.stringValue ?? ""
        #expect(finding.hasPrefix("no schedule: "), "\(finding)")
    }

    @Test("three regimes and the token bucket (capacity 6, 1 per second) are recovered within the tolerances")
    func recoversRegimesAndBucket() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // 600 episodes, about 60 outage calls: from 400 (about 40) the binned lognormal's outage
        // regime, its calls in the lowest of 12 latency bins with healthy's fastest, took healthy
        // calls too (median 69 ms, server_error 0.16).
        let report = try learnedReport(scratch, scenario: try withoutSchedule(in: scratch), episodes: 600)
        let service = try #require(report["services"]?[0])
        #expect(service["regimes"] == 3, "\(service["candidates"] ?? .null)")
        // No schedule is invented for a world without one.
        #expect(service["schedule"] == [], "\(service["schedule_finding"] ?? .null)")
        #expect(service["schedule_finding"]?.stringValue?.hasPrefix("no schedule: ") == true)
        let learned = try #require(service["learned"])
        #expect(learned["rate_limit"] == ["capacity": 6, "refill_per_s": 1.0])
        #expect(service["rate_limit"]?["other_calls_refused"] == 0)
        // Truth, by ascending median: outage uniform 20–60 ms (median 40, p99 59.6), server_error
        // 0.4; healthy lognormal 180/1200 ms, server_error 0.02; degraded lognormal 1500/7000 ms,
        // server_error 0.1, rate_limited 0.06, timeout 0.03. Healthy and degraded are held to the
        // issue's tolerances but p99 (30 % here: a regime of a few hundred calls has a noisy 99th
        // percentile). The outage serves about 1 % of the calls, a few dozen in 600 episodes, so
        // here it is only checked to be found (median within 25 %, server errors within 0.15);
        // the 2,000-episode figures in docs/learning.md meet the tolerances but one.
        let truth: [(name: String, median: Double, p99: Double?, errors: [String: Double], slack: Double)] = [
            ("regime_1", 40, nil, ["server_error": 0.4], 0.15),
            ("regime_2", 180, 1200, ["server_error": 0.02, "timeout": 0, "rate_limited": 0], 0.03),
            ("regime_3", 1500, 7000, ["server_error": 0.1, "timeout": 0.03, "rate_limited": 0.06], 0.03),
        ]
        for (index, regime) in truth.enumerated() {
            let details = try #require(service["regime_details"]?[index]?["latency"])
            let median = try #require(details["median_ms"]?.doubleValue)
            let p99 = try #require(details["p99_ms"]?.doubleValue)
            #expect(
                abs(median / regime.median - 1) <= (regime.p99 == nil ? 0.25 : 0.10), "\(regime.name) median \(median)")
            if let truthP99 = regime.p99 {
                #expect(abs(p99 / truthP99 - 1) <= 0.30, "\(regime.name) p99 \(p99)")
            }
            for (error, rate) in regime.errors {
                let found = learned["regimes"]?[regime.name]?["errors"]?[error]?.doubleValue ?? 0
                #expect(abs(found - rate) <= regime.slack, "\(regime.name) \(error) \(found)")
            }
        }
        // Per-call moves between healthy and degraded within 30 % (truth 0.08 and 0.3).
        let up = try #require(learned["transitions"]?["regime_2"]?["regime_3"]?.doubleValue)
        let down = try #require(learned["transitions"]?["regime_3"]?["regime_2"]?.doubleValue)
        #expect(abs(up / 0.08 - 1) <= 0.30, "healthy→degraded \(up)")
        #expect(abs(down / 0.3 - 1) <= 0.30, "degraded→healthy \(down)")
    }

    @Test("--time-scale divides recorded times and latencies, says so, and refuses a scale that is not positive")
    func timeScale() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let inputs = try LearnCommandTests().traces(in: scratch, episodes: 20)
        func medians(_ options: [String], _ out: String) throws -> [Double] {
            let result = try SimrunProcess.run(
                ["learn"] + inputs + ["--out", scratch.path + "/" + out, "--format", "json", "--regimes", "1"] + options
            )
            #expect(result.status == 0, "\(result.stderr)")
            let report = try JSON(parsing: result.stdout)
            #expect(report["time_scale"]?.doubleValue == (options.isEmpty ? 1 : 4))
            return (report["services"]?[0]?["regime_details"]?.arrayValue ?? []).compactMap {
                $0["latency"]?["median_ms"]?.doubleValue
            }
        }
        let plain = try medians([], "a.json")
        let scaled = try medians(["--time-scale", "4"], "b.json")
        #expect(plain.count == 1 && scaled.count == 1)
        #expect(zip(plain, scaled).allSatisfy { abs($0 / 4 - $1) <= 0.05 + $1 * 0.001 }, "\(plain) \(scaled)")
        let text = try SimrunProcess.run(["learn"] + inputs + ["--out", scratch.path + "/c.json", "--time-scale", "4"])
        #expect(text.stdout.contains("time scale: recorded call times and latencies divided by 4.0 (--time-scale)"))
        for bad in ["0", "-1", "fast"] {
            let refused = try SimrunProcess.run(
                ["learn"] + inputs + ["--out", scratch.path + "/d.json", "--time-scale", bad])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("--time-scale: expected a number above 0 and at most 1000, found '\(bad)'"))
            #expect(!FileManager.default.fileExists(atPath: scratch.path + "/d.json"))
        }
    }
}
