import Scenarios
import WorldModel

/// The first line of a trace: what was run, so that the episode can be replayed exactly.
///
/// JSON form (keys sorted by the canonical serializer):
/// `{"type":"header","format":"simrun-trace","version":3,"engine":"0.1.0",
///   "scenario":{"name","path","sha256"[,"world":{"path","sha256"}]},"seed":7,"agent":"robust","trial":1,
///   "faults":{"mode":"scenario","overlay_path":null,"overlay_sha256":null},
///   "policy":{"approvals":"auto","scopes":null},"think_time":"measured"}`
public struct TraceHeader: Sendable, Hashable {
    /// The value of the header's `format` member.
    public static let format = "simrun-trace"
    /// The trace format version this build writes and reads. Version 2 changed the state hash
    /// to a JSON document of per-collection digests, version 3 to a SHA-256 of about a hundred
    /// bytes (docs/trace-format.md, "The state hash"); traces of versions 1 and 2 are refused by
    /// name, since their hashes would all look divergent.
    public static let currentVersion = 3

    /// The scenario an episode ran, identified by content.
    public struct Scenario: Sendable, Hashable {
        /// The scenario's `name`.
        public var name: String
        /// The file it was loaded from, as given on the command line (or a built-in name).
        public var path: String
        /// SHA-256 of the scenario's canonical JSON, as 64 lowercase hex digits.
        public var sha256: String
        /// The world file the scenario takes its data, services, tools and faults from, if any:
        /// the member `world: {"path", "sha256"}`, present only then.
        public var world: WorldFileReference?

        /// Creates a scenario reference.
        package init(name: String, path: String, sha256: String, world: WorldFileReference? = nil) {
            self.name = name
            self.path = path
            self.sha256 = sha256
            self.world = world
        }

        /// The JSON form; `world` only when the scenario has a world file, so traces of other
        /// scenarios are byte-identical to those of earlier builds.
        var json: JSON {
            var members: JSONObject = ["name": .string(name), "path": .string(path), "sha256": .string(sha256)]
            if let world { members["world"] = ["path": .string(world.path), "sha256": .string(world.sha256)] }
            return .object(members)
        }
    }

    /// The fault configuration of an episode: the scenario's `faultProvenance`.
    public typealias Faults = FaultProvenance

    /// The episode's policy.
    public struct Policy: Sendable, Hashable {
        /// How approvals were decided.
        public var approvals: ApprovalMode
        /// The scopes the agent was granted, or `nil` for every scope.
        public var scopes: [String]?

        /// Creates a policy record.
        package init(approvals: ApprovalMode, scopes: [String]? = nil) {
            self.approvals = approvals
            self.scopes = scopes
        }
    }

    /// The trace format version; always `currentVersion` for traces this build writes.
    public var version: Int
    /// The simrun engine version that wrote the trace.
    public var engine: String
    /// The scenario.
    public var scenario: Scenario
    /// The episode's master seed.
    public var seed: UInt64
    /// The agent.
    public var agent: AgentKind
    /// The trial number (1-based) for this seed.
    public var trial: Int
    /// The fault configuration.
    public var faults: Faults
    /// The policy.
    public var policy: Policy
    /// Where think times came from.
    public var thinkTime: ThinkTimeMode

    /// Creates a header for the current format version.
    package init(
        engine: String, scenario: Scenario, seed: UInt64, agent: AgentKind, trial: Int, faults: Faults,
        policy: Policy, thinkTime: ThinkTimeMode
    ) {
        self.version = Self.currentVersion
        self.engine = engine
        self.scenario = scenario
        self.seed = seed
        self.agent = agent
        self.trial = trial
        self.faults = faults
        self.policy = policy
        self.thinkTime = thinkTime
    }

    /// The JSON form, including `"type":"header"` and `"format":"simrun-trace"`.
    package var json: JSON {
        [
            "type": "header",
            "format": .string(Self.format),
            "version": .int(version),
            "engine": .string(engine),
            "scenario": scenario.json,
            "seed": seed._recordJSON,
            "agent": .string(agent.rawValue),
            "trial": .int(trial),
            "faults": [
                "mode": .string(faults.selection.modeName),
                "overlay_path": faults.overlayPath.map(JSON.string) ?? .null,
                "overlay_sha256": faults.overlaySHA256.map(JSON.string) ?? .null,
            ],
            "policy": [
                "approvals": .string(policy.approvals.rawValue),
                "scopes": policy.scopes.map { .array($0.map(JSON.string)) } ?? .null,
            ],
            "think_time": .string(thinkTime.rawValue),
        ]
    }

    /// Decodes the JSON form. The `format` and `version` members must be present and supported;
    /// `TraceReader` checks them first to give a clearer error for files that are not traces.
    package init(json: JSON) throws(RecordDecodingError) {
        var reader = try _RecordReader(json, path: "header")
        let type = try reader.string("type")
        guard type == "header" else {
            throw RecordDecodingError(path: "header.type", expected: "\"header\"", found: "\"\(type)\"")
        }
        let format = try reader.string("format")
        guard format == Self.format else {
            throw RecordDecodingError(path: "header.format", expected: "\"\(Self.format)\"", found: "\"\(format)\"")
        }
        version = try reader.int("version")
        guard version == Self.currentVersion else {
            throw RecordDecodingError(
                path: "header.version", expected: "\(Self.currentVersion)", found: "\(version)")
        }
        engine = try reader.string("engine")

        var scenarioReader = try _RecordReader(try reader.value("scenario"), path: "header.scenario")
        scenario = Scenario(
            name: try scenarioReader.string("name"), path: try scenarioReader.string("path"),
            sha256: try scenarioReader.sha256("sha256"))
        if let world = scenarioReader.optionalValue("world") {
            var worldReader = try _RecordReader(world, path: "header.scenario.world")
            scenario.world = WorldFileReference(
                path: try worldReader.string("path"), sha256: try worldReader.sha256("sha256"))
            try worldReader.finish()
        }
        try scenarioReader.finish()

        seed = try reader.uint64("seed")
        agent = try reader.choice("agent", AgentKind.self)
        trial = try reader.int("trial", minimum: 1)

        var faultsReader = try _RecordReader(try reader.value("faults"), path: "header.faults")
        let mode = try faultsReader.string("mode")
        guard FaultSelection.modeNames.contains(mode) else {
            throw RecordDecodingError(
                path: "header.faults.mode",
                expected: "one of " + FaultSelection.modeNames.map { "\"\($0)\"" }.joined(separator: ", "),
                found: RecordDecodingError.describe(.string(mode)))
        }
        let overlayPath = try faultsReader.optionalString("overlay_path")
        let overlaySHA256 = try faultsReader.optionalSHA256("overlay_sha256")
        guard let selection = FaultSelection(modeName: mode, overlayPath: overlayPath) else {
            throw RecordDecodingError(
                path: "header.faults.overlay_path",
                expected: mode == "overlay"
                    ? "the overlay file's path (mode is \"overlay\")" : "null (mode is \"\(mode)\")",
                found: overlayPath.map { RecordDecodingError.describe(.string($0)) } ?? "null")
        }
        guard (mode == "overlay") == (overlaySHA256 != nil) else {
            throw RecordDecodingError(
                path: "header.faults.overlay_sha256",
                expected: mode == "overlay"
                    ? "the overlay's SHA-256 (mode is \"overlay\")" : "null (mode is \"\(mode)\")",
                found: overlaySHA256.map { RecordDecodingError.describe(.string($0)) } ?? "null")
        }
        faults = Faults(selection: selection, overlaySHA256: overlaySHA256)
        try faultsReader.finish()

        var policyReader = try _RecordReader(try reader.value("policy"), path: "header.policy")
        let approvals = try policyReader.choice("approvals", ApprovalMode.self)
        let scopes: [String]? = policyReader.optionalValue("scopes") == nil ? nil : try policyReader.strings("scopes")
        policy = Policy(approvals: approvals, scopes: scopes)
        try policyReader.finish()

        thinkTime = try reader.choice("think_time", ThinkTimeMode.self)
        try reader.finish()
    }
}
