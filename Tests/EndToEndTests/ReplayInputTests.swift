import Foundation
import Testing
import WorldModel

/// `simrun replay` fed traces that were edited, cut short, converted or made up: each is either
/// replayed honestly or refused with a clear message and exit 2 — never a crash.
@Suite("simrun replay on bad and unfinished traces (the built binary)")
struct ReplayInputTests {
    /// The lines (without line feeds) of a trace of billing-outage, seed 1, and a scratch directory.
    static func recordedLines() throws -> (lines: [String], scratch: ScratchDirectory) {
        let scratch = try ScratchDirectory()
        let result = try SimrunProcess.run(["run", "scenarios/billing-outage.json", "--trace-dir", scratch.path])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(
            contentsOfFile: scratch.path + "/billing-outage/seed-1-trial-1.jsonl", encoding: .utf8)
        return (text.split(separator: "\n").map(String.init), scratch)
    }

    /// `line` parsed, with `value` set at `keys`, in canonical form.
    static func setting(_ keys: [String], to value: JSON, in line: String) throws -> String {
        func set(_ keys: ArraySlice<String>, _ document: JSON) -> JSON {
            guard let key = keys.first, case .object(var object) = document else { return value }
            object[key] = set(keys.dropFirst(), object[key] ?? [:])
            return .object(object)
        }
        return set(keys[...], try JSON(parsing: Array(line.utf8))).canonicalText
    }

    @Test("a think time near Int64.max is refused naming the line and field, exit 2, no trap")
    func hugeThinkTime() throws {
        let (lines, scratch) = try Self.recordedLines()
        defer { scratch.remove() }
        var edited = lines
        edited[1] = try Self.setting(["think_ms"], to: .int(Int64.max - 7), in: lines[1])
        let file = try scratch.write("huge.jsonl", edited.joined(separator: "\n") + "\n")
        let result = try SimrunProcess.run(["replay", file])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("line 2: step.think_ms: expected an integer from 0 to 4611686018427387904"))
        #expect(!SimrunCLITests.looksLikeCrash(result.stderr))
    }

    @Test("a trace with no verdict replays as incomplete, in text and in JSON")
    func incomplete() throws {
        let (lines, scratch) = try Self.recordedLines()
        defer { scratch.remove() }
        let file = try scratch.write("killed.jsonl", lines.dropLast().joined(separator: "\n") + "\n")
        let steps = lines.count - 2
        let text = try SimrunProcess.run(["replay", file])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("incomplete: \(steps) steps identical, but the trace has no verdict"))
        let json = try SimrunProcess.run(["replay", file, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try JSON(parsing: Array(json.stdout.utf8))
        #expect(report["result"] == "incomplete")
        #expect(report["steps"] == .int(steps))
        #expect(report["verdict"] == .null)
        #expect(report["divergence"] == .null)
    }

    @Test("--format json of a complete trace says identical and carries the verdict; a divergence names the field")
    func jsonFormat() throws {
        let (lines, scratch) = try Self.recordedLines()
        defer { scratch.remove() }
        let good = try scratch.write("good.jsonl", lines.joined(separator: "\n") + "\n")
        let identical = try SimrunProcess.run(["replay", good, "--format", "json"])
        #expect(identical.status == 0, "\(identical.stderr)")
        let report = try JSON(parsing: Array(identical.stdout.utf8))
        #expect(report["result"] == "identical")
        #expect(report["verdict"]?["passed"] == true)
        var edited = lines
        edited[1] = try Self.setting(["status"], to: 299, in: lines[1])
        let bad = try scratch.write("bad.jsonl", edited.joined(separator: "\n") + "\n")
        let diverged = try SimrunProcess.run(["replay", bad, "--format", "json"])
        #expect(diverged.status == 1)
        let divergence = try JSON(parsing: Array(diverged.stdout.utf8))
        #expect(divergence["result"] == "diverged")
        #expect(divergence["divergence"]?["step"] == 1)
        #expect(divergence["divergence"]?["field"] == "status")
    }

    @Test("CR LF line endings are refused with a clear message")
    func crlf() throws {
        let (lines, scratch) = try Self.recordedLines()
        defer { scratch.remove() }
        let file = try scratch.write("crlf.jsonl", lines.joined(separator: "\r\n") + "\r\n")
        let result = try SimrunProcess.run(["replay", file])
        #expect(result.status == 2)
        #expect(result.stderr.contains("line 1: the line ends with CR LF"))
    }

    @Test("header members replay does not use are verified: an overlay path in scenario mode, another scenario name")
    func headerMembers() throws {
        let (lines, scratch) = try Self.recordedLines()
        defer { scratch.remove() }
        let overlay = try Self.setting(["faults", "overlay_path"], to: "faults/x.json", in: lines[0])
        let withOverlay = try scratch.write(
            "overlay.jsonl", ([overlay] + lines.dropFirst()).joined(separator: "\n") + "\n")
        let first = try SimrunProcess.run(["replay", withOverlay])
        #expect(first.status == 2)
        #expect(
            first.stderr.contains(
                #"line 1: header.faults.overlay_path: expected null (mode is "scenario"), found string "faults/x.json""#
            ), "\(first.stderr)")
        let renamed = try Self.setting(["scenario", "name"], to: "crm-refund", in: lines[0])
        let withName = try scratch.write("name.jsonl", ([renamed] + lines.dropFirst()).joined(separator: "\n") + "\n")
        let second = try SimrunProcess.run(["replay", withName])
        #expect(second.status == 2)
        #expect(second.stderr.contains("the trace names scenario 'crm-refund', but scenarios/billing-outage.json"))
    }

    @Test(
        "a trace of format version 1 or 2 (earlier state hashes) is refused by version, not reported as divergent",
        arguments: [1, 2])
    func earlierVersion(version: Int) throws {
        let (lines, scratch) = try Self.recordedLines()
        defer { scratch.remove() }
        let header = lines[0].replacingOccurrences(of: #""version":3"#, with: "\"version\":\(version)")
        #expect(header != lines[0])
        let file = try scratch.write("v\(version).jsonl", ([header] + lines.dropFirst()).joined(separator: "\n") + "\n")
        let result = try SimrunProcess.run(["replay", file])
        #expect(result.status == 2)
        #expect(
            result.stderr.contains("trace format version \(version) is not supported; this simrun reads version 3 ("))
        #expect(result.stderr.contains("record the episode again"))
        #expect(!result.stderr.contains("diverge") && !result.stdout.contains("diverge"))
    }

    @Test("a trace version of 10^30 is reported as unsupported, naming the version this simrun reads")
    func hugeVersion() throws {
        let (lines, scratch) = try Self.recordedLines()
        defer { scratch.remove() }
        let header = lines[0].replacingOccurrences(
            of: #""version":3"#, with: #""version":1000000000000000000000000000000"#)
        let file = try scratch.write("v.jsonl", ([header] + lines.dropFirst()).joined(separator: "\n") + "\n")
        let result = try SimrunProcess.run(["replay", file])
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "simrun replay: \(file): trace format version 1000000000000000000000000000000 is not supported; this simrun reads version 3\n"
        )
    }

    @Test("a trace that cannot be read names the file once and the reason in words")
    func unreadable() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let missing = try SimrunProcess.run(["replay", scratch.path + "/none.jsonl"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "simrun replay: \(scratch.path)/none.jsonl: cannot read the trace: no such file\n")
        let directory = try SimrunProcess.run(["replay", scratch.path])
        #expect(directory.stderr == "simrun replay: \(scratch.path): cannot read the trace: is a directory\n")
        let odd = try scratch.write("odd\nname\u{1B}[31m.jsonl", "")
        let control = try SimrunProcess.run(["replay", odd])
        #expect(
            control.stderr
                == "simrun replay: \(scratch.path)/odd\\nname\\u{1B}[31m.jsonl: the file is empty, expected a simrun trace (JSON Lines starting with a header)\n"
        )
    }
}
