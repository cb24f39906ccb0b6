import Sandbox
import WorldModel

/// `simrun bench`: throughput against baselines measured in the same run.
enum BenchCommand: Command {
    static let name = "bench"
    static let abstract = "measure simrun's speed against baselines measured in the same run"
    static let help = """
        usage: simrun bench [--format text|json] [--group NAME] [--filter TEXT]

        Runs the benchmark suite and prints each measurement with its ratio against a baseline
        measured in the same run (for example Foundation's JSONSerialization), and whether the
        target ratio is met. Build in release mode for meaningful numbers:

          swift run -c release simrun bench

        --group NAME runs only that group (json, world-model, validation, mcp); --filter TEXT only
        the benchmarks whose name contains TEXT (handy under a profiler).

        """

    static func run(_ arguments: inout ArgumentList) async throws -> ExitCode {
        let format = try arguments.choice("--format", ["text", "json"]) ?? "text"
        let group = try arguments.option("--group")
        let filter = try arguments.option("--filter")
        try arguments.finish()
        var suite = BenchmarkSuite.standard()
        if let group {
            let names = suite.groups.map(\.name)
            guard names.contains(group) else {
                throw UsageError(
                    command: arguments.command,
                    message: "unknown benchmark group '\(group)' (groups: \(names.joined(separator: ", ")))")
            }
            suite.groups = suite.groups.filter { $0.name == group }
        }
        if let filter {
            suite.groups = suite.groups.map { group in
                BenchmarkGroup(
                    group.name, benchmarks: group.benchmarks.filter { $0.name.contains(filter) },
                    comparisons: group.comparisons, thresholds: group.thresholds)
            }
        }
        let report = BenchmarkRunner().run(suite)
        Terminal.out(format == "json" ? report.json.prettyText + "\n" : report.text)
        return .success
    }
}
