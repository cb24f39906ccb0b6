/// A tool the agent can call: its contract (name, description, input schema, scope) and what
/// calling it does to the world (its operation, preconditions, idempotency and approval rules).
public struct ToolSpec: Sendable {
    /// The tool's name, unique in a world, e.g. `billing_refund`.
    public var name: String
    /// The service that answers this tool; its regimes, latency and rate limit apply.
    public var service: String
    /// The capability a caller needs, e.g. `billing:write`; `nil` means none.
    public var scope: String?
    /// What the tool does, written for the agent.
    public var description: String
    /// The input JSON Schema as written, shown to agents.
    public var inputSchemaJSON: JSON
    /// The compiled input schema the encoder validates arguments against.
    public var inputSchema: JSONSchema
    /// What the tool does to the world.
    public var operation: ToolOperation
    /// Preconditions checked in order before the operation; the first that fails answers.
    public var requires: [Precondition]
    /// If set, only these fields of returned rows are shown.
    public var fields: [String]?
    /// The expression giving the idempotency key; a repeated key returns the first response.
    public var idempotencyKey: CompiledExpression?
    /// When this expression is true, the call needs the episode's approval.
    public var approval: CompiledExpression?

    /// Creates a tool.
    public init(
        name: String, service: String, scope: String? = nil, description: String,
        inputSchemaJSON: JSON, inputSchema: JSONSchema, operation: ToolOperation,
        requires: [Precondition] = [], fields: [String]? = nil,
        idempotencyKey: CompiledExpression? = nil, approval: CompiledExpression? = nil
    ) {
        self.name = name
        self.service = service
        self.scope = scope
        self.description = description
        self.inputSchemaJSON = inputSchemaJSON
        self.inputSchema = inputSchema
        self.operation = operation
        self.requires = requires
        self.fields = fields
        self.idempotencyKey = idempotencyKey
        self.approval = approval
    }

    /// Whether calling the tool never changes the world (`get`, `list`).
    public var isReadOnly: Bool { operation.isReadOnly }

    /// Whether calling the tool may remove or overwrite data.
    public var isDestructive: Bool { operation.isDestructive }

    /// Whether repeating a call with the same arguments has no further effect.
    public var isIdempotent: Bool { isReadOnly || idempotencyKey != nil || operation.isNaturallyIdempotent }
}

/// A precondition of a tool: when `expression` is not `true`, the call answers `status`
/// with `message` and changes nothing.
public struct Precondition: Sendable {
    /// The condition that must hold.
    public var expression: CompiledExpression
    /// The HTTP-like status answered when it does not (4xx).
    public var status: Int
    /// The message in the error body.
    public var message: String

    /// Creates a precondition.
    public init(expression: CompiledExpression, status: Int, message: String) {
        self.expression = expression
        self.status = status
        self.message = message
    }
}
