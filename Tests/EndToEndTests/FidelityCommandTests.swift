import Foundation
import Testing
import WorldModel

/// `simrun fidelity` driven as a user would: a sweep's traces split one episode per file, the
/// scenario and variants of it, exit codes 0, 1 and 2, JSON output, and learn → fidelity.
@Suite("simrun fidelity: replaying recordings against a scenario")
struct FidelityCommandTests {
    /// Sweeps `scenario` (a path from the repository's root; billing-outage by default) with the
    /// robust agent over `seeds` and splits the traces one episode per file into `scratch/ep` (as
    /// docs/learning.md does); returns the files in order.
    static func episodes(
        _ seeds: String, in scratch: ScratchDirectory, scenario: String = "scenarios/billing-outage.json"
    ) throws -> [String] {
        let run = try SimrunProcess.shell(
            """
            set -e
            "$SIMRUN" run '\(scenario)' --seeds \(seeds) --trace-dir '\(scratch.path)/tr' > /dev/null || test $? -eq 1
            mkdir -p '\(scratch.path)/ep'
            ls '\(scratch.path)'/tr/*/*.jsonl | grep -v '[.]index[.]jsonl$' | xargs cat \
              | awk '/"format":"simrun-trace"/{n++} {print > sprintf("\(scratch.path)/ep/e%04d.jsonl", n)}'
            """)
        #expect(run.status == 0, "\(run.stderr)")
        return try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/ep").sorted().map {
            scratch.path + "/ep/" + $0
        }
    }

    /// billing-outage with every billing regime's latency figures doubled.
    static func slowBilling(in scratch: ScratchDirectory) throws -> String {
        let text = try String(contentsOfFile: SimrunProcess.root + "/scenarios/billing-outage.json", encoding: .utf8)
        guard case .object(var scenario) = try JSON(parsing: text), case .object(var services)? = scenario["services"],
            case .object(var billing)? = services["billing"], case .object(let regimes)? = billing["regimes"]
        else {
            Issue.record("billing-outage.json has no services.billing.regimes")
            return ""
        }
        var slow = JSONObject()
        for (name, regime) in regimes.members {
            guard case .object(var object) = regime, case .object(var latency)? = object["latency"] else { continue }
            for (key, value) in latency.members where key.hasSuffix("_ms") {
                latency[key] = .double(2 * (value.numberValue?.doubleValue ?? 0))
            }
            object["latency"] = .object(latency)
            slow[name] = .object(object)
        }
        billing["regimes"] = .object(slow)
        services["billing"] = .object(billing)
        scenario["services"] = .object(services)
        return try scratch.write("slow-billing.json", JSON.object(scenario).prettyText)
    }

    @Test("exit 0 against the scenario's own traces, 1 with its latency doubled; JSON is byte-stable")
    func exitCodesAndJSON() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let files = try Self.episodes("2001..2060", in: scratch)
        #expect(files.count == 60)
        let same = try SimrunProcess.run(["fidelity", "billing-outage"] + files + ["--seeds", "5"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(same.stdout.contains("service billing: "))
        #expect(same.stdout.contains("tool billing_issue_credit: "))
        #expect(same.stdout.contains("result: pass"))

        let slow = try SimrunProcess.run(["fidelity", try Self.slowBilling(in: scratch)] + files + ["--seeds", "5"])
        #expect(slow.status == 1, "\(slow.stdout)\(slow.stderr)")
        #expect(slow.stdout.contains("result: FAIL"))
        #expect(slow.stdout.contains("service billing: latency"))
        // The replay that follows the agent's retries keeps the power.
        let following = try SimrunProcess.run(
            ["fidelity", try Self.slowBilling(in: scratch)] + files + ["--seeds", "5", "--retries", "follow"])
        #expect(following.status == 1, "\(following.stdout)\(following.stderr)")
        #expect(following.stdout.contains("service billing: latency"))
        #expect(following.stdout.contains("retries following the simulated answers"))

        let json = ["fidelity", "billing-outage"] + files.prefix(20) + ["--seeds", "3", "--format", "json"]
        let first = try SimrunProcess.run(json)
        let second = try SimrunProcess.run(json)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)")
        #expect(first.stdout == second.stdout)
        let document = try JSON(parsing: first.stdout)
        #expect(document["passed"] == true)
        #expect(document["seeds"] == [1, 2, 3])
        #expect(document["services"]?[0]?["name"] == "billing")
        #expect(document["services"]?[0]?["figures"]?[0]?["figure"] == "latency")
        #expect(document["thresholds"]?["alpha"] == 0.05)
        #expect(document["correction"] == "holm")
        let latency = document["services"]?[0]?["figures"]?[0]
        let p = try #require(latency?["p_value"]?.numberValue?.doubleValue)
        let level = try #require(latency?["level"]?.numberValue?.doubleValue)
        #expect(p > level && level < 0.05, "\(latency?.canonicalText ?? "")")

        // Each figure at α on its own: the levels are α, and the text says there is no correction.
        let none = try SimrunProcess.run(
            ["fidelity", "billing-outage"] + files.prefix(20) + ["--seeds", "3", "--correction", "none"])
        #expect(none.status == 0, "\(none.stdout)\(none.stderr)")
        #expect(none.stdout.contains("(no correction)"))
        #expect(none.stdout.contains(" > 0.0500 "))
        #expect(document["retries"] == "replay")
    }

    @Test("bad input is exit 2 with a message naming what is wrong")
    func badInput() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let garbage = try scratch.write(
            "garbage.jsonl", "{\"format\": \"simrun-recording\", \"version\": 1\nnot json\n")
        let unreadable = try SimrunProcess.run(["fidelity", "billing-outage", garbage])
        #expect(unreadable.status == 2)
        #expect(unreadable.stderr.contains("garbage.jsonl"), "\(unreadable.stderr)")
        #expect(unreadable.stdout.isEmpty)

        let missing = try SimrunProcess.run(["fidelity", "billing-outage", scratch.path + "/absent.jsonl"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("absent.jsonl"))

        let invalid = try scratch.write("invalid.json", "{\"simrun\": 1}")
        let files = try Self.episodes("1..2", in: scratch)
        let badScenario = try SimrunProcess.run(["fidelity", invalid] + files)
        #expect(badScenario.status == 2)
        #expect(badScenario.stderr.contains("invalid.json"), "\(badScenario.stderr)")

        let otherScenario = try SimrunProcess.run(["fidelity", "crm-refund"] + files)
        #expect(otherScenario.status == 2)
        #expect(otherScenario.stderr.contains("no recorded call is of a tool of scenario 'crm-refund'"))

        let noRecording = try SimrunProcess.run(["fidelity", "billing-outage"])
        #expect(noRecording.status == 2)
        #expect(noRecording.stderr.contains("RECORDING"))

        let badAlpha = try SimrunProcess.run(["fidelity", "billing-outage"] + files + ["--alpha", "1.5"])
        #expect(badAlpha.status == 2)
        #expect(badAlpha.stderr.contains("--alpha: expected a number 0 < value < 1, found '1.5'"))

        let badCorrection = try SimrunProcess.run(["fidelity", "billing-outage"] + files + ["--correction", "bonf"])
        #expect(badCorrection.status == 2)
        #expect(badCorrection.stdout.isEmpty)
        #expect(
            badCorrection.stderr.contains("--correction must be one of holm, none, not 'bonf'"),
            "\(badCorrection.stderr)")
        let badRetries = try SimrunProcess.run(["fidelity", "billing-outage"] + files + ["--retries", "sometimes"])
        #expect(badRetries.status == 2)
        #expect(badRetries.stderr.contains("--retries"), "\(badRetries.stderr)")
        #expect(badRetries.stdout.isEmpty)
    }

    @Test("too few calls: figures show n/a and the check passes")
    func tooFew() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let files = try Self.episodes("1..1", in: scratch)
        let result = try SimrunProcess.run(["fidelity", "billing-outage"] + files + ["--seeds", "1"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("n/a: too few latencies"))
    }

    @Test("learn → fidelity: a scenario learned from traces, checked against held-out traces")
    func learnRoundTrip() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let files = try Self.episodes("3001..3100", in: scratch)
        let learned = scratch.path + "/learned.json"
        let learn = try SimrunProcess.run(["learn"] + files.prefix(80) + ["--out", learned])
        #expect(learn.status == 0, "\(learn.stderr)")
        let result = try SimrunProcess.run(
            ["fidelity", learned] + files.suffix(20) + ["--seeds", "10", "--format", "json"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let report = try JSON(parsing: result.stdout)
        let service = try #require(report["services"]?[0])
        #expect(service["name"] == "billing")
        // Error rates per class are what the learned regimes reproduce: the service's shares agree.
        for figure in service["figures"]?.arrayValue ?? []
        where figure["figure"]?.stringValue?.hasPrefix("rate_") == true {
            #expect(figure["result"] == "pass", "\(figure.canonicalText)")
        }
    }
}
