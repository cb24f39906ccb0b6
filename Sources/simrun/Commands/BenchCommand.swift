import Sandbox

/// `simrun bench`: throughput against baselines measured in the same run.
enum BenchCommand: Command {
    static let name = "bench"
    static let abstract = "measure simrun's speed against baselines measured in the same run"
    static let help = """
        usage: simrun bench [--format text|json]

        Runs the benchmark suite and prints each measurement with its ratio against a baseline
        measured in the same run (for example Foundation's JSONSerialization), and whether the
        target ratio is met. Build in release mode for meaningful numbers:

          swift run -c release simrun bench

        """

    static func run(_ arguments: inout ArgumentList) async throws -> ExitCode {
        let format = try arguments.choice("--format", ["text", "json"]) ?? "text"
        try arguments.finish()
        let report = BenchmarkRunner().run(BenchmarkSuite.standard())
        Terminal.out(format == "json" ? report.json.prettyText + "\n" : report.text)
        return .success
    }
}
