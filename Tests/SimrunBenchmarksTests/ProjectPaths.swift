import Foundation
import WorldModel

/// Paths in the project checkout, found from this file's location.
enum ProjectPaths {
    /// The package root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    /// The shipped scenarios.
    static let scenarios = root + "/scenarios"
    /// The shipped thresholds file.
    static let thresholds = root + "/Sources/SimrunBenchmarks/thresholds.json"
}
