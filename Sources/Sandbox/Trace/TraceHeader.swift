import Scenarios
import WorldModel

/// The first line of a trace: what was run, so that the episode can be replayed exactly.
///
/// JSON form (keys sorted by the canonical serializer):
/// `{"type":"header","format":"simrun-trace","version":1,"engine":"0.1.0",
///   "scenario":{"name","path","sha256"},"seed":7,"agent":"robust","trial":1,
///   "faults":{"mode":"scenario","overlay_path":null,"overlay_sha256":null},
///   "policy":{"approvals":"auto","scopes":null},"think_time":"measured"}`
public struct TraceHeader: Sendable, Hashable {
    /// The value of the header's `format` member.
    public static let format = "simrun-trace"
    /// The trace format version this build writes and reads.
    public static let currentVersion = 1

    /// The scenario an episode ran, identified by content.
    public struct Scenario: Sendable, Hashable {
        /// The scenario's `name`.
        public var name: String
        /// The file it was loaded from, as given on the command line (or a built-in name).
        public var path: String
        /// SHA-256 of the scenario's canonical JSON, as 64 lowercase hex digits.
        public var sha256: String

        /// Creates a scenario reference.
        public init(name: String, path: String, sha256: String) {
            self.name = name
            self.path = path
            self.sha256 = sha256
        }
    }

    /// Which agent produced the actions.
    public enum Agent: String, Sendable, Hashable, CaseIterable {
        /// The built-in agent that retries, validates and re-reads.
        case robust
        /// The built-in agent that tries once and trusts what it reads.
        case naive
        /// The built-in agent that follows the solution with no fault handling.
        case scripted
        /// An external process talking MCP.
        case external
        /// Code embedding the sandbox through the Swift API.
        case embedded
    }

    /// Where an episode's fault rules came from.
    public enum FaultMode: String, Sendable, Hashable, CaseIterable {
        /// The scenario's own `faults`.
        case scenario
        /// An overlay file (`--faults FILE`).
        case overlay
        /// No faults (`--no-faults`).
        case none
    }

    /// The fault configuration of an episode.
    public struct Faults: Sendable, Hashable {
        /// Where the rules came from.
        public var mode: FaultMode
        /// The overlay file, when `mode` is `overlay`.
        public var overlayPath: String?
        /// SHA-256 of the overlay's canonical JSON, when `mode` is `overlay`.
        public var overlaySHA256: String?

        /// Creates a fault configuration.
        public init(mode: FaultMode, overlayPath: String? = nil, overlaySHA256: String? = nil) {
            self.mode = mode
            self.overlayPath = overlayPath
            self.overlaySHA256 = overlaySHA256
        }
    }

    /// How calls that need approval were decided.
    public enum Approvals: String, Sendable, Hashable, CaseIterable {
        /// Granted automatically (and recorded as `approved`).
        case auto
        /// Refused with 403.
        case deny
        /// Decided by the embedding code's callback; the trace records each decision.
        case callback
    }

    /// The episode's policy.
    public struct Policy: Sendable, Hashable {
        /// How approvals were decided.
        public var approvals: Approvals
        /// The scopes the agent was granted, or `nil` for every scope.
        public var scopes: [String]?

        /// Creates a policy record.
        public init(approvals: Approvals, scopes: [String]? = nil) {
            self.approvals = approvals
            self.scopes = scopes
        }
    }

    /// Where the think time of each step came from.
    public enum ThinkTime: String, Sendable, Hashable, CaseIterable {
        /// Measured wall time between a response and the next request (MCP).
        case measured
        /// Always zero.
        case zero
        /// Passed explicitly by an in-process agent.
        case explicit
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
    public var agent: Agent
    /// The trial number (1-based) for this seed.
    public var trial: Int
    /// The fault configuration.
    public var faults: Faults
    /// The policy.
    public var policy: Policy
    /// Where think times came from.
    public var thinkTime: ThinkTime

    /// Creates a header for the current format version.
    public init(
        engine: String, scenario: Scenario, seed: UInt64, agent: Agent, trial: Int, faults: Faults,
        policy: Policy, thinkTime: ThinkTime
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
    public var json: JSON {
        [
            "type": "header",
            "format": .string(Self.format),
            "version": .int(version),
            "engine": .string(engine),
            "scenario": [
                "name": .string(scenario.name), "path": .string(scenario.path), "sha256": .string(scenario.sha256),
            ],
            "seed": seed._recordJSON,
            "agent": .string(agent.rawValue),
            "trial": .int(trial),
            "faults": [
                "mode": .string(faults.mode.rawValue),
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
        try scenarioReader.finish()

        seed = try reader.uint64("seed")
        agent = try reader.choice("agent", Agent.self)
        trial = try reader.int("trial", minimum: 1)

        var faultsReader = try _RecordReader(try reader.value("faults"), path: "header.faults")
        faults = Faults(
            mode: try faultsReader.choice("mode", FaultMode.self),
            overlayPath: try faultsReader.optionalString("overlay_path"),
            overlaySHA256: try faultsReader.optionalSHA256("overlay_sha256"))
        try faultsReader.finish()
        // Only an overlay has a file: a path or hash beside another mode would be silently ignored.
        if faults.mode != .overlay {
            for (key, value) in [("overlay_path", faults.overlayPath), ("overlay_sha256", faults.overlaySHA256)] {
                if let value {
                    throw RecordDecodingError(
                        path: "header.faults.\(key)", expected: "null when faults.mode is \"\(faults.mode.rawValue)\"",
                        found: RecordDecodingError.describe(.string(value)))
                }
            }
        }

        var policyReader = try _RecordReader(try reader.value("policy"), path: "header.policy")
        let approvals = try policyReader.choice("approvals", Approvals.self)
        let scopes: [String]? = policyReader.optionalValue("scopes") == nil ? nil : try policyReader.strings("scopes")
        policy = Policy(approvals: approvals, scopes: scopes)
        try policyReader.finish()

        thinkTime = try reader.choice("think_time", ThinkTime.self)
        try reader.finish()
    }
}
