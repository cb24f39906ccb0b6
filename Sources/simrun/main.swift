import Foundation
import Sandbox

// Minimal entry point until the CLI is restructured: only `simrun bench [--format text|json]`.

let usage = """
    usage: simrun bench [--format text|json]

    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n" + usage).utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "bench" else {
    fail(arguments.isEmpty ? "simrun: missing command" : "simrun: unknown command '\(arguments[0])'")
}
arguments.removeFirst()
var format = "text"
while let argument = arguments.first {
    arguments.removeFirst()
    switch argument {
    case "--format":
        guard let value = arguments.first, value == "text" || value == "json" else {
            fail("simrun bench: --format expects 'text' or 'json'")
        }
        arguments.removeFirst()
        format = value
    case "--format=text", "--format=json":
        format = String(argument.dropFirst("--format=".count))
    default:
        fail("simrun bench: unexpected argument '\(argument)'")
    }
}

let report = BenchmarkRunner().run(BenchmarkSuite.standard())
if format == "json" {
    print(report.json.prettyText)
} else {
    print(report.text, terminator: "")
}
