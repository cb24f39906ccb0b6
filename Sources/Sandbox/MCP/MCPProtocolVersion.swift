import WorldModel

/// The MCP protocol revisions this server speaks.
///
/// Two eras exist. The handshake era (2024-11-05 … 2025-11-25) negotiates once with
/// `initialize`. The 2026-07-28 revision (SEP-2575, "stateless MCP") drops the handshake:
/// clients probe `server/discover`, then stamp every request's `params._meta` with
/// `io.modelcontextprotocol/protocolVersion` and `…/clientCapabilities`.
package enum MCPProtocolVersion {
    /// Versions negotiable through `initialize`, oldest first.
    package static let handshake = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
    /// Versions served through the per-request `_meta` envelope (`server/discover`).
    package static let modern = ["2026-07-28"]
    /// The answer to an `initialize` that asks for a version not in `handshake`.
    package static let latestHandshake = "2025-11-25"

    /// `_meta` key carrying a 2026-07-28 request's protocol version.
    package static let protocolVersionMetaKey = "io.modelcontextprotocol/protocolVersion"
    /// `_meta` key carrying a 2026-07-28 request's client capabilities.
    package static let clientCapabilitiesMetaKey = "io.modelcontextprotocol/clientCapabilities"
    /// Result `_meta` key carrying the server's `Implementation` on 2026-07-28 results.
    package static let serverInfoMetaKey = "io.modelcontextprotocol/serverInfo"
}
