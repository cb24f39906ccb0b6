import Foundation
import Testing
import WorldModel

/// `simrun learn` of billing-outage traces: `billing_issue_credit` writes rows whose `issued_at`
/// is the call's time and whose ids come from a counter (`CR-1`, …), which the learned scenario
/// must generate the same way.
@Suite("simrun learn: fields the server sets, from billing-outage traces")
struct LearnServerSetTests {
    @Test("billing_issue_credit is learned as a create stamping now() on a collection whose ids are CR-n")
    func billingIssueCredit() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let inputs = try LearnCommandTests().traces(in: scratch, episodes: 8)
        let out = scratch.path + "/learned.json"
        let learn = try SimrunProcess.run(["learn"] + inputs + ["--out", out])
        #expect(learn.status == 0, "\(learn.stderr)")
        let scenario = try JSON(parsing: String(contentsOfFile: out, encoding: .utf8))
        let credit = try #require(
            scenario["tools"]?.arrayValue?.first { $0["name"] == "billing_issue_credit" })
        #expect(credit["op"] == "create")
        #expect(credit["collection"] == "credits")
        #expect(
            credit["value"]
                == [
                    "account_id": "args.account_id", "amount": "args.amount", "issued_at": "now()",
                    "memo": "args.memo", "request_id": "args.request_id",
                ])
        #expect(learn.stdout.contains("note: server-set: issued_at = now(), the call's time, in "), "\(learn.stdout)")
        #expect(
            learn.stdout.contains("note: server-set: id = CR-n, the collection's counter continuing from the rows seen")
        )
        #expect(learn.stdout.contains("note: collection named credits (was billing_issue_credit)"))
        let validate = try SimrunProcess.run(["validate", out])
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
    }
}
