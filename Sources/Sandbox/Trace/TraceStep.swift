import WorldModel

/// One tool call in a trace: what the agent sent, when, what policy and faults did, exactly
/// what it saw back, and the hash of the latent state afterwards.
///
/// JSON form (keys sorted by the canonical serializer; `writeCanonical(into:)` writes it directly):
/// `{"type":"step","index":1,"think_ms":0,"at_ms":0,"tool":"…","arguments":{…},
///   "policy":"allowed","faults":["…"],"status":200,"latency_ms":120,
///   "headers":[["Content-Type","application/json"]],"body":"…","committed":true,
///   "regime":"healthy","state_hash":"<sha256 hex>"}`
public struct TraceStep: Sendable, Hashable {
    /// One response header as recorded: name and value, in the order the agent saw them (the
    /// world model's `Header`).
    public typealias HeaderField = ResponseHeader

    /// What the episode's policy decided about the call before it reached the world.
    public enum PolicyDecision: String, Sendable, Hashable, CaseIterable {
        /// In scope and needing no approval.
        case allowed
        /// Refused: the tool's scope was not granted.
        case scopeDenied = "scope_denied"
        /// Refused: the call needed approval and did not get it.
        case approvalDenied = "approval_denied"
        /// The call needed approval and got it.
        case approved
    }

    /// The 1-based position of the call in the episode.
    public var index: Int
    /// Virtual milliseconds the agent spent between the previous response and this call (0 to
    /// 2^62; the clock stops at 2^62 ms).
    public var thinkMs: Int64
    /// The virtual time at which the call was made, in milliseconds.
    public var atMs: Int64
    /// The tool name as the agent sent it.
    public var tool: String
    /// The arguments exactly as the agent sent them (normally an object).
    public var arguments: JSON
    /// The policy decision.
    public var policy: PolicyDecision
    /// Ids of the fault rules (or `regime:<name>`) that shaped the response.
    public var faults: [String]
    /// The HTTP-like status the agent saw.
    public var status: Int
    /// The virtual latency of the call, in milliseconds.
    public var latencyMs: Int64
    /// The response headers, in order.
    public var headers: [HeaderField]
    /// The body exactly as the agent saw it.
    public var body: String
    /// Whether the call's effects were applied to the world.
    public var committed: Bool
    /// The regime of the tool's service when the call was handled.
    public var regime: String
    /// SHA-256 of the latent state after the call, as 64 lowercase hex digits.
    public var stateHash: String
    /// Whether the call answered 500 `scenario_error`: the scenario's own expression failed at
    /// run time (a bad path, a type error, the evaluation budget). The scenario is at fault, not
    /// the agent. In JSON, `"scenario_error": true`, present only when true.
    public var scenarioError = false

    /// Creates a step.
    package init(
        index: Int, thinkMs: Int64, atMs: Int64, tool: String, arguments: JSON, policy: PolicyDecision,
        faults: [String], status: Int, latencyMs: Int64, headers: [HeaderField], body: String,
        committed: Bool, regime: String, stateHash: String
    ) {
        self.index = index
        self.thinkMs = thinkMs
        self.atMs = atMs
        self.tool = tool
        self.arguments = arguments
        self.policy = policy
        self.faults = faults
        self.status = status
        self.latencyMs = latencyMs
        self.headers = headers
        self.body = body
        self.committed = committed
        self.regime = regime
        self.stateHash = stateHash
    }

    /// The JSON form, including `"type":"step"`.
    package var json: JSON {
        var members: JSONObject = [
            "type": "step",
            "index": .int(index),
            "think_ms": .int(thinkMs),
            "at_ms": .int(atMs),
            "tool": .string(tool),
            "arguments": arguments,
            "policy": .string(policy.rawValue),
            "faults": .array(faults.map(JSON.string)),
            "status": .int(status),
            "latency_ms": .int(latencyMs),
            "headers": .array(headers.map { [.string($0.name), .string($0.value)] }),
            "body": .string(body),
            "committed": .bool(committed),
            "regime": .string(regime),
            "state_hash": .string(stateHash),
        ]
        if scenarioError { members["scenario_error"] = true }
        return .object(members)
    }

    /// Appends the canonical form of `json` to `output`, byte for byte what
    /// `json.writeCanonical(into:)` appends, without building `json`.
    ///
    /// Every traced step is encoded here (`TraceRecord.writeLine(into:)`), so it skips what the
    /// general path spends on a value it throws away: an object of 15 members with a key index,
    /// and sorting the keys. A step's members are fixed, so their canonical order (keys sorted by
    /// UTF-8 bytes) is known statically and they are written in it; `arguments` goes through the
    /// general canonical encoder. `json` stays the reference: the differential tests compare the
    /// two on random steps, and an episode whose world runs without shortcuts (`WorldShortcuts`)
    /// traces through `json`.
    package func writeCanonical(into output: inout [UInt8]) {
        // The order is `arguments`, `at_ms`, `body`, `committed`, `faults`, `headers`, `index`,
        // `latency_ms`, `policy`, `regime`, `scenario_error`, `state_hash`, `status`, `think_ms`,
        // `tool`, `type`.
        JSON.append(#"{"arguments":"#, to: &output)
        arguments.writeCanonical(into: &output)
        JSON.append(#","at_ms":"#, to: &output)
        JSONNumber.writeInteger(atMs, into: &output)
        JSON.append(#","body":"#, to: &output)
        JSON.writeEscaped(body, into: &output)
        JSON.append(committed ? #","committed":true,"faults":["# : #","committed":false,"faults":["#, to: &output)
        for position in faults.indices {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            JSON.writeEscaped(faults[position], into: &output)
        }
        JSON.append(#"],"headers":["#, to: &output)
        for position in headers.indices {
            JSON.append(position > 0 ? #",["# : "[", to: &output)
            JSON.writeEscaped(headers[position].name, into: &output)
            output.append(UInt8(ascii: ","))
            JSON.writeEscaped(headers[position].value, into: &output)
            output.append(UInt8(ascii: "]"))
        }
        JSON.append(#"],"index":"#, to: &output)
        JSONNumber.writeInteger(Int64(index), into: &output)
        JSON.append(#","latency_ms":"#, to: &output)
        JSONNumber.writeInteger(latencyMs, into: &output)
        JSON.append(#","policy":"#, to: &output)
        JSON.writeEscaped(policy.rawValue, into: &output)
        JSON.append(#","regime":"#, to: &output)
        JSON.writeEscaped(regime, into: &output)
        if scenarioError { JSON.append(#","scenario_error":true"#, to: &output) }
        JSON.append(#","state_hash":"#, to: &output)
        JSON.writeEscaped(stateHash, into: &output)
        JSON.append(#","status":"#, to: &output)
        JSONNumber.writeInteger(Int64(status), into: &output)
        JSON.append(#","think_ms":"#, to: &output)
        JSONNumber.writeInteger(thinkMs, into: &output)
        JSON.append(#","tool":"#, to: &output)
        JSON.writeEscaped(tool, into: &output)
        JSON.append(#","type":"step"}"#, to: &output)
    }

    /// Decodes the JSON form.
    package init(json: JSON) throws(RecordDecodingError) {
        var reader = try _RecordReader(json, path: "step")
        let type = try reader.string("type")
        guard type == "step" else {
            throw RecordDecodingError(path: "step.type", expected: "\"step\"", found: "\"\(type)\"")
        }
        index = try reader.int("index", minimum: 1)
        // Virtual time runs from 0 to 2^62 ms (`WorldState.maximumNowMs`).
        thinkMs = try reader.int64("think_ms", minimum: 0, maximum: WorldState.maximumNowMs)
        atMs = try reader.int64("at_ms", minimum: 0, maximum: WorldState.maximumNowMs)
        tool = try reader.string("tool")
        arguments = try reader.value("arguments")
        policy = try reader.choice("policy", PolicyDecision.self)
        faults = try reader.strings("faults")
        status = try reader.int("status")
        latencyMs = try reader.int64("latency_ms", minimum: 0)
        var headers: [HeaderField] = []
        for (position, element) in try reader.array("headers").enumerated() {
            guard let pair = element.arrayValue, pair.count == 2, let name = pair[0].stringValue,
                let value = pair[1].stringValue
            else {
                throw RecordDecodingError(
                    path: "step.headers[\(position)]", expected: "a [name, value] pair of strings",
                    found: RecordDecodingError.describe(element))
            }
            headers.append(HeaderField(name, value))
        }
        self.headers = headers
        body = try reader.string("body")
        committed = try reader.bool("committed")
        regime = try reader.string("regime")
        stateHash = try reader.sha256("state_hash")
        if reader.optionalValue("scenario_error") != nil { scenarioError = try reader.bool("scenario_error") }
        try reader.finish()
    }

    /// The value of the first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
