import WorldModel

/// The MCP stdio server of simrun: JSON-RPC 2.0, one message per line, in front of an
/// `MCPSession`.
///
/// Methods: `initialize` (2024-11-05, 2025-03-26, 2025-06-18, 2025-11-25; anything else is
/// answered with 2025-11-25), `server/discover` and the per-request `_meta` envelope of
/// the 2026-07-28 revision, `ping`, `tools/list`, `tools/call`, `prompts/list`,
/// `prompts/get` (prompt `task`), and the notifications `notifications/initialized` and
/// `notifications/cancelled` (which ends the `--realtime` wait of the request it names: the call
/// was made and is recorded, the cancellation too (`MCPSession.cancelled(step:)`), its answer is
/// not sent; otherwise ignored). The server adds the tool `submit_answer`.
/// Every malformed message gets its JSON-RPC error and the server keeps serving;
/// notifications never get a response. Requests are served one at a time, in order.
public enum MCPServer {
    /// The name of the tool that ends the episode.
    public static let submitAnswerToolName = "submit_answer"
    /// The name of the prompt carrying the task instruction.
    public static let taskPromptName = "task"

    /// The built-in tool that ends the episode, as listed last by `tools/list`.
    public static let submitAnswerTool = MCPToolDescriptor(
        name: submitAnswerToolName, title: "Submit answer",
        description: "Submit your final answer to the task and end the episode. Call it once, when you are done: "
            + "no tool calls are accepted afterwards.",
        inputSchema: [
            "type": "object",
            "properties": ["answer": ["type": "string", "description": "The final answer for the user."]],
            "required": ["answer"], "additionalProperties": false,
        ],
        annotations: MCPToolAnnotations(
            title: "Submit answer", readOnlyHint: false, destructiveHint: false, idempotentHint: false,
            openWorldHint: false))

    /// Serves `session` until `input` ends, then calls `session.close()`.
    ///
    /// Think time: for each `tools/call` the server passes the wall time from the last
    /// charged response (a `tools/call` answer; before the first one, the first response
    /// of the connection) to the arrival of the request, divided by `realtimeScale` when
    /// set, or 0 with `.zero`. With `realtimeScale`, each `tools/call` response is held for
    /// `latency_ms × scale` before it is written.
    public static func run(
        session: some MCPSession, input: some MCPInput, output: some MCPOutput,
        options: MCPServerOptions = MCPServerOptions()
    ) async {
        let maxLineBytes = max(1, options.maxLineBytes)
        var dispatcher = _MCPDispatcher(session: session, maxLineBytes: maxLineBytes)
        var baseline: UInt64?
        var reader = _MCPInputReader(input: input, maxLineBytes: maxLineBytes)
        while let event = await reader.next() {
            let thinkTimeMs = Self.thinkTimeMs(
                since: baseline, now: options.thinkTimeReading(), scale: options.realtimeScale)
            let reply = await dispatcher.handle(event, thinkTimeMs: thinkTimeMs)
            if let line = reply.log { options.log?(line) }
            guard let message = reply.message else { continue }
            var cancelled = false
            if reply.charged, let scale = options.realtimeScale, scale > 0, let latency = reply.latencyMs {
                let nanoseconds = min(latency * scale * 1e6, 86_400e9)
                await output.flush()
                if nanoseconds >= 1 {
                    cancelled = await reader.wait(
                        sleeping: UInt64(nanoseconds), with: options.sleep, unlessCancelling: message["id"])
                }
            }
            if cancelled {
                if let step = reply.step { await session.cancelled(step: step) }
                options.log?(
                    "request \(message["id"]?.canonicalText ?? "null") was cancelled by the client during its --realtime "
                        + "wait: the call was made and is in the trace with its cancellation, its answer is not sent")
            } else {
                await output.write(line: message.canonicalBytes)
            }
            // Answers to requests a client sent together go out together; before waiting for
            // input, everything is sent.
            if !reader.hasBufferedMessage { await output.flush() }
            if reply.charged || baseline == nil { baseline = options.thinkTimeReading() }
        }
        await output.flush()
        options.log?("end of input; closing the session")
        await session.close()
    }

    /// Whether `event` is a `notifications/cancelled` naming `requestID` (what ends a
    /// `--realtime` wait).
    package static func cancels(_ event: MCPInputEvent, requestID: JSON) -> Bool {
        _MCPInputReader<MCPMemoryInput>.cancels(event, requestID: requestID)
    }

    /// Serves `session` on standard input and output; see `run(session:input:output:options:)`.
    public static func runStandardIO(session: some MCPSession, options: MCPServerOptions = MCPServerOptions()) async {
        await run(session: session, input: MCPStandardInput(), output: MCPStandardOutput(), options: options)
    }

    static func thinkTimeMs(since baseline: UInt64?, now: UInt64?, scale: Double?) -> Int64 {
        guard let baseline, let now, now > baseline else { return 0 }
        var milliseconds = Double(now - baseline) / 1e6
        if let scale, scale > 0 { milliseconds /= scale }
        return Int64(min(milliseconds, 1e15).rounded(.down))
    }
}
