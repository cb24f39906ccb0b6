import Foundation
import Testing
import WorldModel

/// `simrun fidelity`'s `write body` figure through the binary: a scenario learned from 80
/// billing-outage episodes, whose `billing_issue_credit` is learned as a create stamping
/// `issued_at` with `now()` on a `CR-n` counter, answers its 20 held-out episodes' writes as
/// recorded; a copy whose create sets `memo` otherwise fails the figure.
@Suite("simrun fidelity: write body of a learned create")
struct FidelityWriteBodyTests {
    /// The `figure` entry of `tool` in a JSON report.
    static func figure(_ name: String, of tool: String, in report: JSON) -> JSON? {
        report["tools"]?.arrayValue?.first { $0["name"] == .string(tool) }?["figures"]?.arrayValue?.first {
            $0["figure"] == .string(name)
        }
    }

    @Test("a learned create agrees with its held-out recording; the same create with another memo fails")
    func learnedCreate() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let files = try FidelityCommandTests.episodes("3001..3100", in: scratch)
        #expect(files.count == 100)
        let learned = scratch.path + "/learned.json"
        let learn = try SimrunProcess.run(["learn"] + files.prefix(80) + ["--out", learned])
        #expect(learn.status == 0, "\(learn.stderr)")
        let heldOut = Array(files.suffix(20))
        let tool = "billing_issue_credit"

        let result = try SimrunProcess.run(["fidelity", learned] + heldOut + ["--seeds", "5", "--format", "json"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let report = try JSON(parsing: result.stdout)
        let write = try #require(Self.figure("write_body", of: tool, in: report), "\(result.stdout)")
        #expect(write["result"] == "pass", "\(write.canonicalText)")
        #expect((write["simulated"]?.doubleValue ?? 0) >= 0.95, "\(write.canonicalText)")
        #expect((write["recorded_n"]?.doubleValue ?? 0) >= 50, "\(write.canonicalText)")
        let notes = report["tools"]?.arrayValue?.first { $0["name"] == .string(tool) }?["notes"]?.arrayValue ?? []
        #expect(notes.contains { $0.stringValue?.hasPrefix("write body: 'issued_at'") == true }, "\(notes)")
        // Reads have no write body figure; a write tool has no exact body figure.
        #expect(Self.figure("write_body", of: "billing_list_credit_requests", in: report) == nil)
        #expect(Self.figure("exact_body", of: tool, in: report) == nil)

        // The same learned scenario with its create setting memo from nothing the call gave.
        guard case .object(var scenario) = try JSON(parsing: String(contentsOfFile: learned, encoding: .utf8)),
            case .array(var tools)? = scenario["tools"],
            let index = tools.firstIndex(where: { $0["name"] == .string(tool) }),
            case .object(var credit) = tools[index], case .object(var value)? = credit["value"]
        else {
            Issue.record("the learned scenario has no create \(tool) with a value")
            return
        }
        value["memo"] = "'service credit'"
        credit["value"] = .object(value)
        tools[index] = .object(credit)
        scenario["tools"] = .array(tools)
        let changed = try scratch.write("changed.json", JSON.object(scenario).prettyText)
        let text = try SimrunProcess.run(["fidelity", changed] + heldOut + ["--seeds", "5"])
        #expect(text.status == 1, "\(text.stderr)")
        #expect(text.stdout.contains("tool \(tool): write body"), "\(text.stdout)")
        #expect(text.stdout.contains("  write body "))
        #expect(text.stdout.contains(" write calls "))
    }
}
