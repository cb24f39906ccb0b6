/// A tool the agent can call: its contract (name, description, input schema, scope) and what
/// calling it does to the world (its operation, preconditions, idempotency and approval rules).
package struct ToolSpec: Sendable {
    /// The tool's name, unique in a world, e.g. `billing_refund`.
    package var name: String
    /// The service that answers this tool; its regimes, latency and rate limit apply.
    package var service: String
    /// The capability a caller needs, e.g. `billing:write`; `nil` means none.
    package var scope: String?
    /// What the tool does, written for the agent.
    package var description: String
    /// The input JSON Schema as written, shown to agents.
    package var inputSchemaJSON: JSON
    /// The compiled input schema the encoder validates arguments against.
    package var inputSchema: JSONSchema
    /// What the tool does to the world.
    package var operation: ToolOperation
    /// Preconditions checked in order before the operation; the first that fails answers.
    package var requires: [Precondition]
    /// If set, only these fields of returned rows are shown.
    package var fields: [String]?
    /// The expression giving the idempotency key; a repeated key returns the first response.
    package var idempotencyKey: CompiledExpression?
    /// When this expression is true, the call needs the episode's approval.
    package var approval: CompiledExpression?
    /// Names bound after the arguments are validated, in order (`"let"`), for the
    /// preconditions, the operation and `returns`.
    package var bindings: [LetBinding]
    /// Whether a successful call ends the episode (a hand-off, a final submit): the verdict
    /// follows as for `submit_answer`.
    package var endsEpisode: Bool

    /// Creates a tool.
    package init(
        name: String, service: String, scope: String? = nil, description: String,
        inputSchemaJSON: JSON, inputSchema: JSONSchema, operation: ToolOperation,
        requires: [Precondition] = [], fields: [String]? = nil,
        idempotencyKey: CompiledExpression? = nil, approval: CompiledExpression? = nil,
        bindings: [LetBinding] = [], endsEpisode: Bool = false
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
        self.bindings = bindings
        self.endsEpisode = endsEpisode
    }

    /// Whether calling the tool never changes the world (`get`, `list`).
    package var isReadOnly: Bool { operation.isReadOnly }

    /// Whether calling the tool may remove or overwrite data.
    package var isDestructive: Bool { operation.isDestructive }

    /// Whether repeating a call with the same arguments has no further effect.
    /// (A `let` may read the store, so an update computed from one is not judged safe to repeat.)
    package var isIdempotent: Bool {
        isReadOnly || idempotencyKey != nil || (operation.isNaturallyIdempotent && bindings.isEmpty)
    }
}

/// A precondition of a tool: when `expression` is not `true`, the call answers `status`
/// with `message` and changes nothing.
package struct Precondition: Sendable {
    /// The condition that must hold.
    package var expression: CompiledExpression
    /// The HTTP-like status answered when it does not (4xx).
    package var status: Int
    /// The message in the error body, as written.
    package var message: String
    /// The message with its `{{expression}}` placeholders compiled; nil when it has none.
    package var messageTemplate: TextTemplate?

    /// Creates a precondition; `messageTemplate` fills `{{expression}}` placeholders of `message`.
    package init(expression: CompiledExpression, status: Int, message: String, messageTemplate: TextTemplate? = nil) {
        self.expression = expression
        self.status = status
        self.message = message
        self.messageTemplate = messageTemplate?.hasPlaceholders == true ? messageTemplate : nil
    }
}
