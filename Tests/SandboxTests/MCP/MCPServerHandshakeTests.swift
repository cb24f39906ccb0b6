import Sandbox
import Testing
import WorldModel

@Suite("MCP server: handshake, discovery, listing")
struct MCPServerHandshakeTests {
    @Test("initialize echoes every supported protocol version", arguments: MCPProtocolVersion.handshake)
    func initializeEchoesSupportedVersion(version: String) async throws {
        let out = try await mcpServe([rpcInitialize(version: version)])
        try #require(out.count == 1)
        let result = try #require(out[0]["result"])
        #expect(out[0]["id"] == 1)
        #expect(out[0]["jsonrpc"] == "2.0")
        #expect(result["protocolVersion"] == .string(version))
        #expect(result["capabilities"] == ["tools": ["listChanged": false], "prompts": ["listChanged": false]])
        #expect(result["serverInfo"] == ["name": "simrun", "version": "0.1.0-test"])
        #expect(result["resultType"] == nil)
    }

    @Test(
        "initialize with an unknown or stateless-era version answers the latest handshake version",
        arguments: ["2099-01-01", "2026-07-28", "1.0"])
    func initializeUnknownVersion(version: String) async throws {
        let out = try await mcpServe([rpcInitialize(version: version)])
        #expect(out.first?["result"]?["protocolVersion"] == "2025-11-25")
    }

    @Test("initialize without protocolVersion is invalid params")
    func initializeWithoutVersion() async throws {
        let out = try await mcpServe([rpcRequest(1, "initialize", [:]), rpcInitialize(2)])
        #expect(out[0].errorCode == -32602)
        #expect(out[1]["result"]?["protocolVersion"] == "2025-06-18")
    }

    @Test("tools/list lists the session's tools with annotations, then submit_answer")
    func toolsList() async throws {
        let out = try await mcpServe([rpcInitialize(), rpcInitialized, rpcRequest(2, "tools/list")])
        try #require(out.count == 2)
        let tools = try #require(out[1]["result"]?["tools"]?.arrayValue)
        #expect(tools.map { $0["name"]?.stringValue } == ["crm_get_customer", "billing_refund", "submit_answer"])
        for tool in tools {
            #expect(tool["inputSchema"]?["type"] == "object")
            #expect(tool["description"]?.stringValue?.isEmpty == false)
        }
        #expect(tools[0]["title"] == "Get customer")
        #expect(tools[0]["annotations"] == ["readOnlyHint": true, "destructiveHint": false, "idempotentHint": true])
        #expect(tools[1]["annotations"]?["destructiveHint"] == true)
        #expect(tools[1]["title"] == nil)
        #expect(tools[2]["inputSchema"]?["required"] == ["answer"])
        #expect(tools[2]["inputSchema"]?["properties"]?["answer"]?["type"] == "string")
        #expect(tools[2]["annotations"]?["readOnlyHint"] == false)
        #expect(tools[2]["description"]?.stringValue != "shadowed")
    }

    @Test("prompts/list offers prompt task and prompts/get returns the instruction as a user message")
    func prompts() async throws {
        let out = try await mcpServe([
            rpcInitialize(), rpcRequest(2, "prompts/list"), rpcRequest(3, "prompts/get", ["name": "task"]),
            rpcRequest(4, "prompts/get", ["name": "other"]), rpcRequest(5, "prompts/get", [:]),
        ])
        try #require(out.count == 5)
        #expect(out[1]["result"]?["prompts"]?[0]?["name"] == "task")
        let message = try #require(out[2]["result"]?["messages"]?[0])
        #expect(message["role"] == "user")
        #expect(message["content"] == ["type": "text", "text": .string(FakeMCPSession.instruction)])
        #expect(out[3].errorCode == -32602)
        #expect(out[4].errorCode == -32602)
    }

    @Test("ping answers an empty result, before and after initialize")
    func ping() async throws {
        let out = try await mcpServe([rpcRequest(1, "ping"), rpcInitialize(2), rpcRequest(3, "ping")])
        #expect(out.map { $0["result"] } == [.object([:]), out[1]["result"], .object([:])])
        #expect(out[0]["id"] == 1)
        #expect(out[2]["id"] == 3)
    }

    @Test("string ids are echoed exactly")
    func stringID() async throws {
        let out = try await mcpServe([#"{"jsonrpc":"2.0","id":"abc-1","method":"ping"}"#])
        #expect(out.first?["id"] == "abc-1")
    }

    @Test("server/discover describes the 2026-07-28 revision and enveloped requests need no initialize")
    func discoverThenStateless() async throws {
        let meta: JSON = ["_meta": statelessEnvelope()]
        let out = try await mcpServe([
            rpcRequest(1, "server/discover", meta),
            rpcRequest(2, "tools/list", meta),
            rpcRequest(
                3, "tools/call",
                ["_meta": statelessEnvelope(), "name": "crm_get_customer", "arguments": ["id": "C-1042"]]),
            rpcRequest(4, "prompts/get", ["_meta": statelessEnvelope(), "name": "task"]),
        ])
        try #require(out.count == 4)
        let discover = try #require(out[0]["result"])
        #expect(discover["supportedVersions"] == ["2026-07-28"])
        #expect(discover["capabilities"]?["tools"] == ["listChanged": false])
        #expect(discover["resultType"] == "complete")
        #expect(discover["ttlMs"] == 0)
        #expect(discover["cacheScope"] == "private")
        #expect(discover["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "simrun")
        #expect(out[1]["result"]?["resultType"] == "complete")
        #expect(out[1]["result"]?["cacheScope"] == "private")
        #expect(out[1]["result"]?["tools"]?.arrayValue?.count == 3)
        let call = try #require(out[2]["result"])
        #expect(call["resultType"] == "complete")
        #expect(call["isError"] == false)
        #expect(call["_meta"]?["latency_ms"] == 120)
        #expect(call["_meta"]?["io.modelcontextprotocol/serverInfo"] != nil)
        #expect(out[3]["result"]?["resultType"] == "complete")
    }

    @Test("a failed discovery probe leaves the connection free to fall back to initialize")
    func discoverThenInitialize() async throws {
        let out = try await mcpServe([
            rpcRequest(1, "server/discover", ["_meta": statelessEnvelope("2099-01-01")]),
            rpcRequest(2, "server/discover", ["_meta": statelessEnvelope()]),
            rpcInitialize(3), rpcInitialized, rpcRequest(4, "tools/list"),
        ])
        try #require(out.count == 4)
        #expect(out[0].errorCode == -32022)
        #expect(out[0]["error"]?["data"] == ["supported": ["2026-07-28"], "requested": "2099-01-01"])
        #expect(out[1]["result"]?["supportedVersions"] == ["2026-07-28"])
        #expect(out[2]["result"]?["protocolVersion"] == "2025-06-18")
        #expect(out[3]["result"]?["tools"] != nil)
        #expect(out[3]["result"]?["resultType"] == nil)
    }

    @Test("eras do not mix: initialize on a stateless connection, envelopes on a handshake connection")
    func erasDoNotMix() async throws {
        let modern = try await mcpServe([rpcRequest(1, "tools/list", ["_meta": statelessEnvelope()]), rpcInitialize(2)])
        #expect(modern[1].errorCode == -32022)
        #expect(modern[1]["error"]?["data"]?["supported"] == ["2026-07-28"])

        let legacy = try await mcpServe([
            rpcInitialize(), rpcRequest(2, "tools/list", ["_meta": statelessEnvelope()]), rpcRequest(3, "tools/list"),
        ])
        #expect(legacy[1].errorCode == -32600)
        #expect(legacy[2]["result"]?["tools"] != nil)
    }
}
