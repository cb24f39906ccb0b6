import Foundation
import Sandbox
import WorldModel

/// Small builders shared by the record-keeping tests.
enum RecordFixtures {
    static let hashA = String(repeating: "ab", count: 32)
    static let hashB = String(repeating: "0f", count: 32)

    static func header(seed: UInt64 = 7, trial: Int = 1) -> TraceHeader {
        TraceHeader(
            engine: "0.1.0",
            scenario: .init(name: "crm-refund", path: "scenarios/crm-refund.json", sha256: hashA),
            seed: seed, agent: .robust, trial: trial,
            faults: .init(selection: .overlay(path: "faults/lossy.json"), overlaySHA256: hashB),
            policy: .init(approvals: .auto, scopes: ["billing:read", "billing:write"]),
            thinkTime: .explicit)
    }

    static func step(_ index: Int, latency: Int64 = 120, faults: [String] = []) -> TraceStep {
        TraceStep(
            index: index, thinkMs: 5, atMs: Int64(index) * 1000, tool: "billing_refund",
            arguments: ["charge_id": "CH-2", "amount": 120.0, "note": "line\nbreak \"quoted\" \u{1}"],
            policy: index == 2 ? .approved : .allowed, faults: faults, status: index == 1 ? 503 : 200,
            latencyMs: latency,
            headers: [.init("Content-Type", "text/html"), .init("Retry-After", "2")],
            body: index == 1 ? "<html>503 Service Unavailable</html>" : "{\"id\":\"RF-1\",\"amount\":120.0}",
            committed: index != 1, regime: index == 1 ? "outage" : "healthy", stateHash: hashB)
    }

    static let verdict = Verdict(
        checks: [
            CheckResult(name: "duplicate refunded exactly once", kind: .expect, passed: true, evidence: ""),
            CheckResult(
                name: "never over-refund", kind: .always, passed: false, evidence: "broke at step 7"),
            CheckResult(name: "no deletes", kind: .calls, passed: false, evidence: "called 3 times, max 0"),
        ],
        answer: "Refunded CH-2.", steps: 3, virtualTimeMs: 2150)

    /// A fresh path in a new temporary directory (the directory itself is not created).
    static func temporaryPath(_ name: String = "trace.jsonl") -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("simrun-records-\(UUID().uuidString)")
        return directory.appendingPathComponent("nested/\(name)").path
    }
}
