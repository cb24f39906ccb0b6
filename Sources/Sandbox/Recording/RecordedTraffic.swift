import WorldModel

/// Recorded traffic of real or simulated services, in the one form learning reads: the tools
/// with their input schemas, and per service the calls in time order.
///
/// It is read from a simrun recording (`simrun record`), a simrun trace, or an HTTP archive
/// (HAR 1.2); `RecordedTraffic(contentsOfFile:)` tells them apart by content. It holds only what
/// an agent could have seen (tool, arguments, status, latency, body, time); a trace's regimes,
/// fault ids and state hashes are left out on purpose.
package struct RecordedTraffic: Sendable, Hashable {
    /// The kind of file traffic was read from.
    package enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A `simrun record` recording of an MCP server.
        case recording
        /// A simrun episode trace.
        case trace
        /// An HTTP archive (HAR 1.2).
        case har
    }

    /// The file it was read from, as given.
    package var source: String
    /// What kind of file that was.
    package var kind: Kind
    /// The tools, in the order first seen (`tools/list`, the scenario, or first call).
    package var tools: [RecordedTool]
    /// The services, in the order first seen; each with its calls in time order.
    package var services: [RecordedService]

    /// Creates traffic from its parts.
    package init(source: String, kind: Kind, tools: [RecordedTool], services: [RecordedService]) {
        self.source = source
        self.kind = kind
        self.tools = tools
        self.services = services
    }

    /// The tool named `name`, if any.
    package func tool(named name: String) -> RecordedTool? { tools.first { $0.name == name } }
}

/// A tool as recorded: name, description, input schema and hints.
package struct RecordedTool: Sendable, Hashable {
    /// The tool's name (`git_status`, `GET /orders/{id}`).
    package var name: String
    /// What it does, when the source said so.
    package var description: String?
    /// The JSON Schema of its arguments: as the server listed it, or inferred from the calls.
    package var inputSchema: JSON
    /// MCP tool annotations (`readOnlyHint`, …) as listed, if any.
    package var annotations: JSON?
    /// Whether `inputSchema` was inferred from recorded arguments rather than listed.
    package var schemaInferred: Bool

    /// Creates a tool.
    package init(
        name: String, description: String? = nil, inputSchema: JSON, annotations: JSON? = nil,
        schemaInferred: Bool = false
    ) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
        self.annotations = annotations
        self.schemaInferred = schemaInferred
    }
}

/// One service (a recorded server, a traced scenario, an HTTP host) and its calls in time order.
package struct RecordedService: Sendable, Hashable {
    /// The service's name: the recording's server name, the scenario's name, or `host:port`.
    package var name: String
    /// The calls, ordered by session, then by the time they were made.
    package var calls: [RecordedCall]
    /// What produced the calls, for telling servers that share a name apart: a recording's
    /// server command with its arguments (`python3 crud_server.py --chaos`), a trace's scenario
    /// with its SHA-256 (`scenario billing-outage, sha256 3f2a…`); distinct, in the order first
    /// seen; empty for a HAR file, whose host is its name.
    package var origins: [String]

    /// Creates a service.
    package init(name: String, calls: [RecordedCall], origins: [String] = []) {
        self.name = name
        self.calls = calls
        self.origins = origins
    }
}

/// One recorded call: when, which tool with which arguments, and what came back.
package struct RecordedCall: Sendable, Hashable {
    /// The session (a recording's proxy run) the call belongs to; 1 for traces and HAR files.
    package var session: Int
    /// When the call was made, in milliseconds since its session started (virtual time for a
    /// trace, the first entry's start for a HAR file).
    package var atMs: Double
    /// The tool called.
    package var tool: String
    /// The arguments as sent (an object).
    package var arguments: JSON
    /// The outcome class.
    package var outcome: OutcomeClass
    /// The HTTP-like status, when the source has one (traces, HAR, simrun servers' `_meta`).
    package var status: Int?
    /// Milliseconds from request to response; `nil` when no response came.
    package var latencyMs: Double?
    /// The response body as text (an MCP result's text content joined, a HAR response's text).
    package var body: String
    /// The body as JSON when the source gave it structured (`structuredContent`), or when the
    /// body text parses as a JSON object or array.
    package var structured: JSON?

    /// Creates a call.
    package init(
        session: Int = 1, atMs: Double, tool: String, arguments: JSON, outcome: OutcomeClass, status: Int?,
        latencyMs: Double?, body: String, structured: JSON? = nil
    ) {
        self.session = session
        self.atMs = atMs
        self.tool = tool
        self.arguments = arguments
        self.outcome = outcome
        self.status = status
        self.latencyMs = latencyMs
        self.body = body
        self.structured = structured
    }
}
