import Sandbox
import SimrunBenchmarks
import WorldModel

/// `simrun bench`: throughput against baselines measured in the same run.
enum BenchCommand: Command {
    static let name = "bench"
    static let abstract = "measure simrun's speed against baselines measured in the same run"
    static let help = """
        usage: simrun bench [--format text|json] [--group NAME] [--filter TEXT] [--thresholds FILE]

        Runs the benchmark suite and prints each measurement with its ratio against a baseline
        measured in the same run (for example Foundation's JSONSerialization), and whether the
        target is met. Build in release mode for meaningful numbers:

          swift run -c release simrun bench

        --group NAME runs only that group (json, world-model, expression, validation, episode,
        mcp); --filter
        TEXT only the benchmarks whose name contains TEXT (handy under a profiler). The targets
        are data: Sources/SimrunBenchmarks/thresholds.json, shipped with simrun; --thresholds FILE
        reads another file of the same format instead.

        """

    static func run(_ arguments: inout ArgumentList) async throws -> ExitCode {
        let format = try arguments.choice("--format", ["text", "json"]) ?? "text"
        let group = try arguments.option("--group")
        let filter = try arguments.option("--filter")
        let thresholdsPath = try arguments.option("--thresholds")
        try arguments.finish()
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
        Terminal.out(format == "json" ? report.json.prettyText + "\n" : report.text)
        return .success
    }
}
