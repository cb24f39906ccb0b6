import Foundation
import Sandbox
import WorldModel

/// A scripted episode for driving `MCPServer` without the engine.
actor FakeMCPSession: MCPSession {
    struct Call: Equatable {
        var tool: String
        var arguments: JSON
        var thinkTimeMs: Int64
    }

    nonisolated let serverName = "simrun"
    nonisolated let serverVersion = "0.1.0-test"
    static let instruction = "Refund the duplicate charge CH-2 of customer C-1042."

    private(set) var calls: [Call] = []
    private(set) var answers: [String] = []
    private(set) var answerThinkTimes: [Int64] = []
    private(set) var closeCount = 0

    func tools() -> [MCPToolDescriptor] {
        [
            MCPToolDescriptor(
                name: "crm_get_customer", title: "Get customer", description: "Read one customer by id.",
                inputSchema: [
                    "type": "object", "properties": ["id": ["type": "string"]], "required": ["id"],
                    "additionalProperties": false,
                ],
                annotations: MCPToolAnnotations(readOnlyHint: true, destructiveHint: false, idempotentHint: true)),
            MCPToolDescriptor(
                name: "billing_refund", description: "Refund a captured charge.",
                inputSchema: ["type": "object", "properties": ["charge_id": ["type": "string"]]],
                annotations: MCPToolAnnotations(readOnlyHint: false, destructiveHint: true, idempotentHint: false)),
            // Hidden by the server: it owns submit_answer.
            MCPToolDescriptor(name: "submit_answer", description: "shadowed", inputSchema: ["type": "object"]),
        ]
    }

    func call(tool: String, arguments: JSON, thinkTimeMs: Int64) -> MCPToolOutcome {
        calls.append(Call(tool: tool, arguments: arguments, thinkTimeMs: thinkTimeMs))
        switch tool {
        case "crm_get_customer" where arguments["id"] == "C-1042":
            return MCPToolOutcome(status: 200, body: #"{"id":"C-1042","name":"Dana Ruiz"}"#, latencyMs: 120)
        case "crm_get_customer":
            return MCPToolOutcome(
                status: 404, body: #"{"error":{"code":"not_found","message":"no such customer"}}"#, latencyMs: 40)
        default:
            return MCPToolOutcome(status: 503, body: "<html><body>Service Unavailable</body></html>", latencyMs: 30)
        }
    }

    func task() -> String { Self.instruction }

    func submitAnswer(_ text: String, thinkTimeMs: Int64) -> MCPToolOutcome {
        answers.append(text)
        answerThinkTimes.append(thinkTimeMs)
        return MCPToolOutcome(text: "verdict: pass (5/5 checks)")
    }

    func close() { closeCount += 1 }
}

/// Runs the server over `lines` and returns the parsed output messages.
func mcpServe(
    _ lines: [String], session: FakeMCPSession = FakeMCPSession(), options: MCPServerOptions = MCPServerOptions()
) async throws -> [JSON] {
    try await mcpServe(input: MCPMemoryInput(lines: lines), session: session, options: options)
}

/// Runs the server over `input` and returns the parsed output messages, checking that every
/// output line is one canonical JSON message.
func mcpServe(input: MCPMemoryInput, session: FakeMCPSession, options: MCPServerOptions) async throws -> [JSON] {
    let output = MCPMemoryOutput()
    await MCPServer.run(session: session, input: input, output: output, options: options)
    return try output.lines.map { line in
        let message = try JSON(parsing: line)
        guard message.canonicalText == line, !line.contains("\n") else {
            throw NonCanonicalOutput(line: line)
        }
        return message
    }
}

struct NonCanonicalOutput: Error, CustomStringConvertible {
    var line: String
    var description: String { "output line is not canonical JSON: \(line)" }
}

/// JSON-RPC request text.
func rpcRequest(_ id: Int, _ method: String, _ params: JSON? = nil) -> String {
    var message: JSON = ["jsonrpc": "2.0", "id": .int(id), "method": .string(method)]
    if let params, case .object(var object) = message {
        object["params"] = params
        message = .object(object)
    }
    return message.canonicalText
}

/// An `initialize` request for `version`.
func rpcInitialize(_ id: Int = 1, version: String = "2025-06-18") -> String {
    rpcRequest(
        id, "initialize",
        [
            "protocolVersion": .string(version), "capabilities": [:],
            "clientInfo": ["name": "test", "version": "1"],
        ])
}

let rpcInitialized = #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#

/// The 2026-07-28 per-request `_meta` envelope.
func statelessEnvelope(_ version: String = "2026-07-28") -> JSON {
    [
        "io.modelcontextprotocol/protocolVersion": .string(version),
        "io.modelcontextprotocol/clientCapabilities": [:],
    ]
}

extension JSON {
    /// `error.code` of a response, if it is an error.
    var errorCode: Int64? { self["error"]?["code"]?.int64Value }
}
