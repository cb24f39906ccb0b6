import Foundation
import Testing
import WorldModel

@Suite("simrun run and replay, end to end (the built binary)")
struct RunAndReplayTests {
    @Test("the README's first command prints a passing verdict with its trace and replay command")
    func readmeCommand() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let result = try SimrunProcess.run(["run", "scenarios/billing-outage.json", "--trace-dir", scratch.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("billing-outage"))
        #expect(result.stdout.contains("PASSED"))
        #expect(result.stdout.contains("replay: simrun replay \(scratch.path)/billing-outage/seed-1-trial-1.jsonl"))
    }

    @Test("the naive agent fails on some seeds, and each failure carries a replay command that reproduces it")
    func naiveFailuresReplay() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let result = try SimrunProcess.run([
            "run", "scenarios/billing-outage.json", "--agent", "naive", "--seeds", "1..20", "--trace-dir", scratch.path,
        ])
        #expect(result.status == 1)
        #expect(result.stdout.contains("failing episodes"))
        let replays = result.stdout.split(separator: "\n").compactMap { line -> String? in
            let text = line.trimmingCharacters(in: .whitespaces)
            return text.hasPrefix("replay  simrun replay ")
                ? String(text.dropFirst("replay  simrun replay ".count)) : nil
        }
        #expect(!replays.isEmpty)
        for path in replays.prefix(3) {
            let replay = try SimrunProcess.run(["replay", path])
            #expect(replay.status == 0, "\(replay.stderr)")
            #expect(replay.stdout.hasPrefix("identical ("))
        }
    }

    @Test("the same run twice writes byte-identical traces, in parallel and serially")
    func runsAreByteIdentical() throws {
        let first = try ScratchDirectory()
        let second = try ScratchDirectory()
        defer {
            first.remove()
            second.remove()
        }
        let arguments = ["run", "scenarios/ticket-triage.json", "--seeds", "1..6", "--trials", "2", "--format", "json"]
        let a = try SimrunProcess.run(arguments + ["--trace-dir", first.path])
        let b = try SimrunProcess.run(arguments + ["--trace-dir", second.path, "--jobs", "1"])
        #expect(a.status == b.status)
        #expect(
            a.stdout.replacingOccurrences(of: first.path, with: "DIR")
                == b.stdout.replacingOccurrences(of: second.path, with: "DIR"))
        let names = try FileManager.default.contentsOfDirectory(atPath: first.path + "/ticket-triage").sorted()
        #expect(names == ["passed.index.jsonl", "passed.jsonl"])
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: second.path + "/ticket-triage").sorted()))
        for name in names {
            let x = try Data(contentsOf: URL(fileURLWithPath: "\(first.path)/ticket-triage/\(name)"))
            let y = try Data(contentsOf: URL(fileURLWithPath: "\(second.path)/ticket-triage/\(name)"))
            #expect(x == y, "\(name) differs")
        }
    }

    @Test(
        "a sweep at --jobs 1 and --jobs 2 prints the same scorecard and writes the same files; archived episodes replay"
    )
    func sweepArchive() throws {
        let first = try ScratchDirectory()
        let second = try ScratchDirectory()
        defer {
            first.remove()
            second.remove()
        }
        let arguments = [
            "run", "scenarios/crm-refund.json", "--agent", "naive", "--seeds", "1..10", "--format", "json",
        ]
        let a = try SimrunProcess.run(arguments + ["--trace-dir", first.path, "--jobs", "1"])
        let b = try SimrunProcess.run(arguments + ["--trace-dir", second.path, "--jobs", "2"])
        #expect(a.status == 1)
        #expect(
            a.stdout.replacingOccurrences(of: first.path, with: "DIR")
                == b.stdout.replacingOccurrences(of: second.path, with: "DIR"))
        let names = try FileManager.default.contentsOfDirectory(atPath: first.path + "/crm-refund").sorted()
        #expect(names.contains("passed.jsonl") && names.contains("passed.index.jsonl") && names.count > 2)
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: second.path + "/crm-refund").sorted()))
        for name in names {
            let x = try Data(contentsOf: URL(fileURLWithPath: "\(first.path)/crm-refund/\(name)"))
            let y = try Data(contentsOf: URL(fileURLWithPath: "\(second.path)/crm-refund/\(name)"))
            #expect(x == y, "\(name) differs")
        }
        let archive = first.path + "/crm-refund/passed.jsonl"
        let index = String(
            decoding: try Data(contentsOf: URL(fileURLWithPath: first.path + "/crm-refund/passed.index.jsonl")),
            as: UTF8.self)
        let firstEntry = try #require(index.split(separator: "\n").first)
        let seed = try #require(try JSON(parsing: Array(firstEntry.utf8))["seed"])
        let replay = try SimrunProcess.run(["replay", archive, "--seed", seed.canonicalText, "--trial", "1"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.hasPrefix("identical ("))
        let whole = try SimrunProcess.run(["replay", archive])
        #expect(whole.status == 2)
        #expect(whole.stderr.contains("is a sweep archive of several episodes; name one with --seed N"))
        let missing = try SimrunProcess.run(["replay", archive, "--seed", "999"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("the archive holds no episode with seed 999 and trial 1"))
    }

    /// Records one naive crm-refund episode and returns the trace's lines.
    func recordedTrace(in scratch: ScratchDirectory, seed: Int = 2) throws -> (path: String, lines: [String]) {
        let result = try SimrunProcess.run([
            "run", "scenarios/crm-refund.json", "--agent", "naive", "--seed", String(seed), "--trace-dir", scratch.path,
        ])
        #expect(result.status <= 1)
        let path = "\(scratch.path)/crm-refund/seed-\(seed)-trial-1.jsonl"
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        return (path, text.split(separator: "\n").map(String.init))
    }

    @Test("replay names the first divergence of a tampered step and exits 1")
    func tamperedStep() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, lines) = try recordedTrace(in: scratch)
        var step = try JSON(parsing: lines[2])
        step = .object(step.objectValue!.updating("latency_ms", .int(1)))
        var tampered = lines
        tampered[2] = step.canonicalText
        let path = try scratch.write("tampered.jsonl", tampered.joined(separator: "\n") + "\n")
        let result = try SimrunProcess.run(["replay", path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("diverged at step 2, field latency_ms"))
        #expect(result.stdout.contains("expected: 1"))
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test("a trace cut short mid-line is refused with the number of complete steps, exit 2")
    func truncatedTrace() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, lines) = try recordedTrace(in: scratch)
        let cut = lines[0] + "\n" + lines[1] + "\n" + String(lines[2].prefix(40))
        let path = try scratch.write("cut.jsonl", cut)
        let result = try SimrunProcess.run(["replay", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("1 complete step"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("a trace whose scenario changed is refused, naming both hashes, exit 2")
    func changedScenario() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (_, lines) = try recordedTrace(in: scratch)
        let original = try Data(contentsOf: URL(fileURLWithPath: SimrunProcess.root + "/scenarios/crm-refund.json"))
        var document = try JSON(parsing: [UInt8](original))
        document = .object(document.objectValue!.updating("title", "A changed title"))
        let changed = try scratch.write("crm-refund.json", document.prettyText)
        let header = try JSON(parsing: lines[0])
        let recorded = try #require(header["scenario"]?["sha256"]?.stringValue)
        let result = try SimrunProcess.run([
            "replay", "\(scratch.path)/crm-refund/seed-2-trial-1.jsonl", "--scenario", changed,
        ])
        #expect(result.status == 2)
        #expect(result.stderr.contains("changed since the trace was recorded"))
        #expect(result.stderr.contains(recorded))
    }

    @Test("replay --state-at prints canonical data, and --show a timeline with state changes")
    func stateAtAndShow() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let (path, _) = try recordedTrace(in: scratch)
        let initial = try SimrunProcess.run(["replay", path, "--state-at", "0"])
        #expect(initial.status == 0)
        let data = try JSON(parsing: initial.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(data["charges"]?.arrayValue?.isEmpty == false)
        #expect(initial.stdout.trimmingCharacters(in: .newlines) == data.canonicalText)
        let show = try SimrunProcess.run(["replay", path, "--show"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("#1  t=0.000s"))
        #expect(show.stdout.contains("crm_get_ticket"))
        #expect(show.stdout.contains("services (regimes inferred"))
        let bad = try SimrunProcess.run(["replay", path, "--state-at", "99"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--state-at takes a step from 0 to"))
    }

    @Test("run with a bad fault overlay names the overlay's path and exits 2")
    func badOverlay() throws {
        let scratch = try ScratchDirectory()
        defer { scratch.remove() }
        let overlay = try scratch.write("overlay.json", #"{"simrun_faults": 1, "disable": ["refund-lost-respons"]}"#)
        let result = try SimrunProcess.run(["run", "scenarios/crm-refund.json", "--faults", overlay])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(overlay): disable[0]: the scenario has no fault rule 'refund-lost-respons'"))
        #expect(result.stdout.isEmpty)
    }
}

extension JSONObject {
    fileprivate func updating(_ key: String, _ value: JSON) -> JSONObject {
        var copy = self
        copy[key] = value
        return copy
    }
}
