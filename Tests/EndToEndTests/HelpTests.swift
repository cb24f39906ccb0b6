import Foundation
import Testing

@Suite("Every command's help comes from the option table its parser reads")
struct HelpTests {
    static let commands = [
        "list", "validate", "run", "serve", "replay", "bench", "record", "learn", "fidelity", "tools",
    ]

    /// The usage line (up to the first blank line) and the option names it shows.
    static func usage(_ help: String) -> String {
        String(help.components(separatedBy: "\n\n").first ?? "")
    }

    static func optionNames(in text: Substring) -> [String] {
        text.split(whereSeparator: { " [|]\n".contains($0) }).filter { $0.hasPrefix("--") && $0 != "--" }
            .map { String($0.prefix { $0 != "=" && $0 != "[" }) }
    }

    /// The names of the options section, in order.
    static func listed(_ help: String) -> [String] {
        guard let section = help.components(separatedBy: "\noptions:\n").dropFirst().first else { return [] }
        return section.split(separator: "\n").prefix { $0.hasPrefix("  ") }.filter { $0.hasPrefix("  --") }
            .map { String($0.dropFirst(2).prefix { $0 != " " && $0 != "[" }) }
    }

    @Test("the usage line and the options section name the same options, each once", arguments: commands)
    func usageMatchesOptions(_ command: String) throws {
        let help = try SimrunProcess.run([command, "--help"])
        #expect(help.status == 0)
        let inUsage = Self.optionNames(in: Substring(Self.usage(help.stdout)))
        let inList = Self.listed(help.stdout)
        #expect(inUsage == inList, "\(help.stdout)")
        #expect(Set(inList).count == inList.count)
    }

    @Test("run's usage line names --agent-timeout and every other option run accepts")
    func runUsage() throws {
        let usage = Self.usage(try SimrunProcess.run(["run", "--help"]).stdout)
        for option in [
            "--agent", "--agent-cmd", "--agent-timeout", "--seed", "--seeds", "--trials", "--faults", "--no-faults",
            "--approvals", "--scopes", "--trace-dir", "--format", "--junit", "--jobs",
        ] {
            #expect(usage.contains("[\(option)") || usage.contains("| \(option)"), "\(option) missing from \(usage)")
        }
    }

    @Test("every option help shows is accepted, and an option not in the table is rejected", arguments: commands)
    func helpedOptionsParse(_ command: String) throws {
        let help = try SimrunProcess.run([command, "--help"]).stdout
        let usage = Self.usage(help)
        for name in Self.listed(help) {
            // A value that the option's own check accepts: a choice's first name, 1 otherwise.
            var arguments = [command, name]
            if let range = usage.range(of: "\(name) ") {
                let word = usage[range.upperBound...].prefix { $0 != " " && $0 != "]" }
                if !word.hasPrefix("--") && word.first?.isLowercase == true {
                    arguments.append(String(word.split(separator: "|")[0]))
                } else if !word.hasPrefix("--") && !word.isEmpty {
                    arguments.append("1")
                }
            }
            arguments.append("--not-an-option")
            let result = try SimrunProcess.run(arguments)
            #expect(result.status == 2)
            #expect(
                result.stderr.hasPrefix("simrun \(command): unknown option '--not-an-option'"),
                "\(arguments): \(result.stderr)")
        }
        let unknown = try SimrunProcess.run([command, "--not-an-option"])
        #expect(unknown.status == 2)
        #expect(
            unknown.stderr
                == "simrun \(command): unknown option '--not-an-option'\nRun 'simrun \(command) --help' for usage.\n")
    }
}
