import Foundation
import Sandbox
import Scenarios
import Testing

@Suite("Trace files: written beside their final name, one run per trace directory, provenance in the header")
struct TraceFilesTests {
    func temporaryDirectory() -> String { RunOutputFiles.temporaryDirectory("traces") }

    func crmRefund() throws -> Scenario {
        try ScenarioLoader.load(
            contentsOf: ScenarioFixtures.root.appendingPathComponent("scenarios/crm-refund.json").path)
    }

    @Test("the header carries the overlay's path and SHA-256 from the loaded scenario, with no second load")
    func provenanceInHeader() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let overlayPath = directory + "/overlay.json"
        try Data(#"{"simrun_faults": 1, "disable": ["list-gateway"]}"#.utf8).write(
            to: URL(fileURLWithPath: overlayPath))
        let file = ScenarioFixtures.root.appendingPathComponent("scenarios/billing-outage.json").path
        let scenario = try ScenarioLoader.load(contentsOf: file, faults: .overlay(path: overlayPath))
        let plan = RunPlan(
            scenario: scenario, agent: ReferenceAgent.robust, seeds: [1],
            traceDirectory: directory + "/traces")
        let outcome = try #require(try EpisodeRunner.run(plan, parallelism: 1).first)
        #expect(outcome.traceError == nil)
        let trace = try Trace(contentsOfFile: try #require(outcome.summary.tracePath))
        let expected = try FaultOverlay.load(contentsOf: overlayPath, for: try ScenarioLoader.load(contentsOf: file))
        #expect(trace.header.faults.selection == .overlay(path: overlayPath))
        #expect(trace.header.faults.overlaySHA256 == expected.sha256)
        #expect(trace.header.json["faults"]?["mode"] == "overlay")
        #expect(try Replayer.replay(trace).isIdentical)

        let episodePath = directory + "/episode.jsonl"
        let episode = try Episode(scenario: scenario, seed: 3, tracePath: episodePath)
        await episode.finish(answer: nil)
        #expect(try Trace(contentsOfFile: episodePath).header.faults == scenario.faultProvenance)
    }

    @Test("a trace is written to PATH.partial and replaces an earlier trace only when its verdict is written")
    func partialThenRename() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let scenario = try crmRefund()
        let path = directory + "/t.jsonl"
        let first = try TraceWriter(
            path: path,
            header: TraceHeader(
                scenario: scenario, seed: 1, agent: .embedded, trial: 1, policy: .permissive, thinkTime: .explicit))
        var engine = EpisodeEngine(scenario: scenario, seed: 1)
        try first.finish(engine.finish(answer: "done"))
        let complete = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(!FileManager.default.fileExists(atPath: TraceWriter.partialPath(for: path)))

        let second = try TraceWriter(
            path: path,
            header: TraceHeader(
                scenario: scenario, seed: 2, agent: .embedded, trial: 1, policy: .permissive, thinkTime: .explicit))
        #expect(second.writingPath == path + ".partial")
        #expect(FileManager.default.fileExists(atPath: path + ".partial"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == complete)
        second.close()
        // Abandoned: the earlier complete trace is untouched, the new one stays partial.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == complete)
        #expect(try Trace(contentsOfFile: path + ".partial").verdict == nil)
        _ = engine
    }

    @Test("a path that is not a regular file is written directly, never replaced")
    func deviceWrittenDirectly() throws {
        let writer = try TraceWriter(
            path: "/dev/null",
            header: TraceHeader(
                scenario: try crmRefund(), seed: 1, agent: .embedded, trial: 1, policy: .permissive,
                thinkTime: .explicit))
        #expect(writer.writingPath == "/dev/null")
        writer.close()
    }

    @Test("a run refuses a trace directory another run holds, and a lock file left behind does not block")
    func directoryHeld() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let plan = RunPlan(
            scenario: try crmRefund(), agent: ReferenceAgent.scripted, seeds: [1],
            traceDirectory: directory)
        let holder = open(directory + "/.simrun.lock", O_RDWR | O_CREAT, 0o644)
        #expect(holder >= 0)
        #expect(flock(holder, LOCK_EX) == 0)
        #expect(throws: TraceWriteError.directoryInUse(path: directory, pid: nil)) {
            try EpisodeRunner.run(plan, parallelism: 1)
        }
        close(holder)
        let outcomes = try EpisodeRunner.run(plan, parallelism: 1)
        #expect(outcomes.count == 1 && outcomes[0].traceError == nil)
        #expect(FileManager.default.fileExists(atPath: try #require(outcomes[0].summary.tracePath)))
    }

    @Test("a trace directory that is a file is refused before anything plays")
    func directoryIsAFile() throws {
        let file = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data().write(to: URL(fileURLWithPath: file))
        let plan = RunPlan(
            scenario: try crmRefund(), agent: ReferenceAgent.scripted, seeds: [1],
            traceDirectory: file)
        #expect(
            throws: TraceWriteError.cannotCreateDirectory(path: file, reason: "'\(file)' is a file, not a directory")
        ) {
            try EpisodeRunner.run(plan, parallelism: 1)
        }
    }
}
