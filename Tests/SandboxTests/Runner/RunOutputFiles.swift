import Foundation
import Sandbox
import Testing

/// Helpers the runner tests share: a fresh trace directory path, and what a run wrote there.
enum RunOutputFiles {
    /// A path in the temporary directory that does not exist yet, named after `purpose`.
    static func temporaryDirectory(_ purpose: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("simrun-\(purpose)-\(UUID().uuidString)").path
    }

    /// Every file a run wrote for its scenario (per-episode traces, the archive and its index),
    /// by name.
    static func traceFiles(_ plan: RunPlan) throws -> [String: [UInt8]] {
        let directory = try #require(plan.traceDirectory) + "/" + plan.scenario.name
        var files: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
        }
        return files
    }
}
