import Foundation
import Sandbox
import SimrunBenchmarks
import WorldModel

/// `simrun bench`: throughput against baselines measured in the same run.
enum BenchCommand: Command {
    static let name = "bench"
    static let abstract = "measure simrun's speed against baselines measured in the same run"
    static let options = OptionTable(
        positionals: "",
        options: [
            .choice("--format", "FORMAT", OutputFormat.allCases, help: "text (default) for people, json for programs"),
            .value(
                "--group", "NAME",
                help:
                    "run only that group (json, world-model, expression, validation, episode, large-world, learn, mcp, record)"
            ),
            .value(
                "--filter", "TEXT", help: "run only the benchmarks whose name contains TEXT (handy under a profiler)"),
            .value(
                "--thresholds", "FILE",
                help: "read the targets from FILE instead of Sources/SimrunBenchmarks/thresholds.json"),
            .value(
                "--write-learn-input", "FILE",
                help:
                    "write the learn group's generated 100,000-call recording to FILE and stop (to time simrun learn on it)"
            ),
        ])

    static let about = """
        Runs the benchmark suite and prints each measurement with its ratio against a baseline
        measured in the same run (for example Foundation's JSONSerialization), and whether the
        target is met. The targets are data (Sources/SimrunBenchmarks/thresholds.json). Build in
        release mode for meaningful numbers:

          swift run -c release simrun bench
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        let format = arguments.choice("--format", as: OutputFormat.self) ?? .text
        let group = arguments.value("--group")
        let filter = arguments.value("--filter")
        let thresholdsPath = arguments.value("--thresholds")
        if let first = arguments.positionals.first {
            throw UsageError(command: name, message: "unexpected argument '\(first)'")
        }
        if let path = arguments.value("--write-learn-input") {
            let text = LearningBenchmarks.recordingText(calls: LearningBenchmarks.calls)
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw CommandFailure(code: .internalError, message: "simrun bench: cannot write \(path.printable)")
            }
            return .success
        }
        let targets: BenchmarkTargets
        do throws(BenchmarkTargetsError) {
            if let thresholdsPath {
                targets = try BenchmarkTargets.load(contentsOf: thresholdsPath)
            } else {
                targets = try BenchmarkTargets.shipped()
            }
        } catch {
            throw CommandFailure.badInput("simrun bench: \(error)")
        }
        var suite = BenchmarkSuite.standard().applying(targets)
        if let group {
            guard let only = suite.only(group: group) else {
                throw UsageError(
                    command: arguments.command,
                    message:
                        "unknown benchmark group '\(group)' (groups: \(suite.groupNames.joined(separator: ", ")))")
            }
            suite = only
        }
        if let filter { suite = suite.filtered(nameContains: filter) }
        let report = BenchmarkRunner().run(suite)
        Terminal.out(format == .json ? report.json.prettyText + "\n" : report.text)
        return .success
    }
}
