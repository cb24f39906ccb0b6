import Foundation
import WorldModel

/// The targets `simrun bench` holds its measurements to, read from a data file (the shipped one
/// is `Sources/SimrunBenchmarks/thresholds.json`):
///
/// ```json
/// {
///   "simrun_benchmark_thresholds": 1,
///   "ratios": [
///     {"group": "json", "comparison": "parse 200 B object, simrun vs JSONSerialization", "min_speedup": 2}
///   ],
///   "absolute": [
///     {"group": "world-model", "benchmark": "full step (…)", "min_ops_per_s": 200000},
///     {"group": "world-model", "benchmark": "episode reset (crm-refund)", "max_ns_per_op": 10000}
///   ]
/// }
/// ```
///
/// A ratio target is the speedup a comparison's candidate must reach over its baseline; an
/// absolute target is a floor on operations per second (`min_ops_per_s`) or a ceiling on the
/// median time per operation (`max_ns_per_op`). Every entry may carry a `note` for people.
package struct BenchmarkTargets: Sendable, Hashable {
    /// A speedup target for one comparison.
    package struct Ratio: Sendable, Hashable {
        /// The group of the comparison.
        package var group: String
        /// The comparison's label.
        package var comparison: String
        /// The speedup (baseline time / candidate time) to reach.
        package var minimumSpeedup: Double

        /// A target of `minimumSpeedup` for `comparison` in `group`.
        package init(group: String, comparison: String, minimumSpeedup: Double) {
            self.group = group
            self.comparison = comparison
            self.minimumSpeedup = minimumSpeedup
        }
    }

    /// An absolute target for one benchmark.
    package struct Absolute: Sendable, Hashable {
        /// The group of the benchmark.
        package var group: String
        /// The threshold, naming the benchmark.
        package var threshold: BenchmarkThreshold

        /// `threshold` for a benchmark of `group`.
        package init(group: String, threshold: BenchmarkThreshold) {
            self.group = group
            self.threshold = threshold
        }
    }

    /// The format version this build reads.
    package static let formatVersion: Int64 = 1
    /// The member that marks a thresholds file and carries its version.
    package static let versionKey = "simrun_benchmark_thresholds"

    /// Ratio targets, in file order.
    package var ratios: [Ratio]
    /// Absolute targets, in file order.
    package var absolute: [Absolute]

    /// Targets from parts.
    package init(ratios: [Ratio] = [], absolute: [Absolute] = []) {
        self.ratios = ratios
        self.absolute = absolute
    }

    /// The thresholds file of the source tree this simrun was built from: benchmarks are run
    /// from a checkout (`swift run -c release simrun bench`), as their scenarios are. A data file
    /// rather than a bundle resource, so a copied binary reports a missing file (pass
    /// `--thresholds`) instead of trapping in a missing bundle.
    package static let shippedPath: String = {
        let source = "\(#filePath)"
        let directory = source.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return directory + "/thresholds.json"
    }()

    /// The targets shipped with simrun (`thresholds.json` beside this module's sources).
    package static func shipped() throws(Diagnostic) -> BenchmarkTargets {
        try load(contentsOf: shippedPath)
    }

    /// The targets in the file at `path`.
    package static func load(contentsOf path: String) throws(Diagnostic) -> BenchmarkTargets {
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path) ? "a file that cannot be read" : "no such file"
            throw Diagnostic(file: path, at: .root, expected: "a readable thresholds file", found: reason)
        }
        return try load(bytes: bytes, file: path)
    }

    /// The targets in `bytes`, read from `file` (named in errors).
    package static func load(bytes: [UInt8], file: String) throws(Diagnostic) -> BenchmarkTargets {
        let document: JSON
        do throws(JSONParseError) {
            document = try JSON(parsing: bytes)
        } catch {
            throw Diagnostic(
                file: file, at: .root, expected: "JSON text",
                found:
                    "invalid JSON at line \(error.line), column \(error.column) (expected \(error.expected), found \(error.found))"
            )
        }
        return try load(document, file: file)
    }

    /// The targets in `document`, read from `file` (named in errors).
    package static func load(_ document: JSON, file: String) throws(Diagnostic) -> BenchmarkTargets {
        let reader = Reader(file: file)
        let root = try reader.object(document, at: .root, members: [versionKey, "ratios", "absolute"])
        guard let version = root[versionKey] else {
            throw reader.error(at: .root, expected: "a member \"\(versionKey)\": \(formatVersion)", found: "none")
        }
        guard version.int64Value == formatVersion else {
            throw reader.error(
                at: JSONPath([.key(versionKey)]), expected: "\(formatVersion)", found: Diagnostic.describe(version))
        }
        var targets = BenchmarkTargets()
        for (index, entry) in try reader.array(root["ratios"] ?? .array([]), at: JSONPath([.key("ratios")]))
            .enumerated()
        {
            let path = JSONPath([.key("ratios"), .index(index)])
            let object = try reader.object(entry, at: path, members: ["group", "comparison", "min_speedup", "note"])
            targets.ratios.append(
                Ratio(
                    group: try reader.name(object, "group", at: path),
                    comparison: try reader.name(object, "comparison", at: path),
                    minimumSpeedup: try reader.positive(object, "min_speedup", at: path)))
        }
        for (index, entry) in try reader.array(root["absolute"] ?? .array([]), at: JSONPath([.key("absolute")]))
            .enumerated()
        {
            let path = JSONPath([.key("absolute"), .index(index)])
            let object = try reader.object(
                entry, at: path, members: ["group", "benchmark", "min_ops_per_s", "max_ns_per_op", "note"])
            let group = try reader.name(object, "group", at: path)
            let benchmark = try reader.name(object, "benchmark", at: path)
            let threshold: BenchmarkThreshold
            switch (object["min_ops_per_s"], object["max_ns_per_op"]) {
            case (.some, nil):
                threshold = BenchmarkThreshold(
                    benchmark, operationsPerSecond: try reader.positive(object, "min_ops_per_s", at: path))
            case (nil, .some):
                threshold = BenchmarkThreshold(
                    benchmark, maximumNanoseconds: try reader.positive(object, "max_ns_per_op", at: path))
            case (.some, .some):
                throw reader.error(
                    at: path, expected: "one of \"min_ops_per_s\" and \"max_ns_per_op\"", found: "both")
            case (nil, nil):
                throw reader.error(
                    at: path, expected: "a member \"min_ops_per_s\" or \"max_ns_per_op\"", found: "neither")
            }
            targets.absolute.append(Absolute(group: group, threshold: threshold))
        }
        try reader.checkUnique(
            targets.ratios.map { ($0.group, $0.comparison) }, at: JSONPath([.key("ratios")]), what: "comparison")
        try reader.checkUnique(
            targets.absolute.map { ($0.group, $0.threshold.benchmark) }, at: JSONPath([.key("absolute")]),
            what: "benchmark")
        return targets
    }

    /// Typed reads with errors naming the file and the JSON path.
    private struct Reader {
        let file: String

        func error(at path: JSONPath, expected: String, found: String, suggestion: String? = nil) -> Diagnostic {
            Diagnostic(file: file, at: path, expected: expected, found: found, suggestion: suggestion)
        }

        func object(_ value: JSON, at path: JSONPath, members: [String]) throws(Diagnostic) -> JSONObject {
            guard case .object(let object) = value else {
                throw error(at: path, expected: "an object", found: Diagnostic.describe(value))
            }
            for key in object.keys where !members.contains(key) {
                throw error(
                    at: path, expected: "only the members \(members.joined(separator: ", "))", found: "\"\(key)\"",
                    suggestion: closestMatch(to: key, among: members).map { "\"\($0)\"" })
            }
            return object
        }

        func array(_ value: JSON, at path: JSONPath) throws(Diagnostic) -> [JSON] {
            guard case .array(let elements) = value else {
                throw error(at: path, expected: "an array", found: Diagnostic.describe(value))
            }
            return elements
        }

        func name(_ object: JSONObject, _ key: String, at path: JSONPath) throws(Diagnostic) -> String {
            guard let value = object[key] else {
                throw error(at: path, expected: "a member \"\(key)\"", found: "none")
            }
            guard let text = value.stringValue, !text.isEmpty else {
                throw error(
                    at: path.appending(key: key), expected: "a non-empty string", found: Diagnostic.describe(value))
            }
            return text
        }

        func positive(_ object: JSONObject, _ key: String, at path: JSONPath) throws(Diagnostic) -> Double {
            guard let value = object[key] else {
                throw error(at: path, expected: "a member \"\(key)\"", found: "none")
            }
            guard let number = value.doubleValue, number.isFinite, number > 0 else {
                throw error(
                    at: path.appending(key: key), expected: "a positive number", found: Diagnostic.describe(value))
            }
            return number
        }

        func checkUnique(_ names: [(String, String)], at path: JSONPath, what: String) throws(Diagnostic) {
            var seen: [String: Int] = [:]
            for (index, (group, name)) in names.enumerated() {
                let key = group + "\u{0}" + name
                if let first = seen[key] {
                    throw error(
                        at: path.appending(index: index), expected: "one target per \(what)",
                        found: "a second target for \(group): \(name) (the first is \(path.appending(index: first)))")
                }
                seen[key] = index
            }
        }
    }
}

/// Why a thresholds file could not be read: a `Diagnostic` naming the file, the JSON path, what
/// was expected and what was found, e.g.
/// `thresholds.json: absolute[2].min_ops_per_s: expected a positive number, found string "fast"`.
package typealias BenchmarkTargetsError = Diagnostic
