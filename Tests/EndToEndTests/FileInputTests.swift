import Foundation
import Testing

/// Scenario files that are too large, unreadable or oddly named, and option values that grant
/// nothing by mistake.
@Suite("simrun on oversized files, odd file names and empty scope lists (the built binary)")
struct FileInputTests {
    @Test("a scenario larger than the limit is refused from its size at once, naming the file and the limit")
    func oversized() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.write("huge.json", "")
        // A sparse file: 1 GiB on paper, no blocks on disk; reading it would take 1 GiB of memory.
        #expect(truncate(file, 1 << 30) == 0)
        let started = ContinuousClock.now
        for command in ["validate", "run"] {
            let result = try SimrunProcess.run([command, file])
            #expect(result.status == 2)
            #expect(
                result.stderr.contains(
                    "\(file): the file is 1073741824 bytes, more than the limit of 268435456 bytes"), "\(result.stderr)"
            )
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("a file name with a newline or escape character is printed escaped")
    func controlCharactersInNames() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.write("bad\nname\u{1B}.json", "{")
        let result = try SimrunProcess.run(["validate", file])
        #expect(result.status == 2)
        #expect(result.stdout == "FAIL \(scratch.path)/bad\\nname\\u{1B}.json\n")
        #expect(result.stderr.hasPrefix("\(scratch.path)/bad\\nname\\u{1B}.json: not valid JSON"))
    }

    @Test("an unreadable scenario says why in words, not in Foundation's")
    func unreadable() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        // A directory stands for its scenarios (validate DIR); one with none says so.
        let result = try SimrunProcess.run(["validate", scratch.path])
        #expect(result.status == 2)
        #expect(result.stderr == "\(scratch.path): a directory with no scenario files (*.json)\n")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test(
        "--scopes with an empty list or an empty name is a usage error",
        arguments: ["", " ", "crm.read,,billing.write"])
    func emptyScopes(_ scopes: String) throws {
        let result = try SimrunProcess.run(["run", "scenarios/billing-outage.json", "--scopes", scopes])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("simrun run: --scopes: expected a comma-separated list of scope names"))
        #expect(result.stdout == "")
    }
}
