import WorldModel

/// Serves an `Episode` over MCP: tools become MCP tools (with read-only, destructive and
/// idempotent hints), observations become tool results, `submit_answer` finishes the episode.
///
/// The agent never learns the verdict from the server: it goes to the trace and to whoever
/// scores the episode.
public actor EpisodeMCPSession: MCPSession {
    /// The episode being served.
    public let episode: Episode

    /// Serves `episode`.
    public init(episode: Episode) {
        self.episode = episode
    }

    public var serverName: String { "simrun" }

    public var serverVersion: String { SimrunVersion.current }

    public func tools() async -> [MCPToolDescriptor] {
        episode.tools.map { MCPToolDescriptor($0) }
    }

    /// Once the episode's trace can no longer be written, every call is answered with this
    /// error instead of an observation: the server never serves what it cannot record.
    public func call(tool: String, arguments: JSON, thinkTimeMs: Int64) async -> MCPToolOutcome {
        if let stopped = await traceFailure() { return stopped }
        let (observation, step) = await episode.callRecordingStep(tool, arguments: arguments, thinkTimeMs: thinkTimeMs)
        if let stopped = await traceFailure() { return stopped }
        var extra = JSONObject()
        if let retryAfter = observation.header("Retry-After") { extra["retry_after"] = .string(retryAfter) }
        if let contentType = observation.header("Content-Type") { extra["content_type"] = .string(contentType) }
        var outcome = MCPToolOutcome(
            status: observation.status, body: observation.body, latencyMs: observation.latencyMs, extraMeta: extra)
        outcome.endsEpisode = await episode.verdict != nil
        outcome.step = step
        return outcome
    }

    public func task() async -> String { episode.instruction }

    /// The answer to every call once the trace has failed, or `nil` while it is being written.
    private func traceFailure() async -> MCPToolOutcome? {
        guard let error = await episode.traceError else { return nil }
        return MCPToolOutcome(
            text: "simrun stopped this episode: its trace can no longer be written (\(error)). "
                + "No further calls are served.",
            isError: true)
    }

    public func submitAnswer(_ text: String, thinkTimeMs: Int64) async -> MCPToolOutcome {
        let alreadyOver = await episode.verdict != nil
        guard !alreadyOver else {
            return MCPToolOutcome(text: "The episode is already over; this answer was not recorded.", isError: true)
        }
        await episode.finish(answer: text, thinkTimeMs: thinkTimeMs)
        return MCPToolOutcome(text: "Answer recorded. The episode is over.")
    }

    /// Whether the episode has its verdict.
    public func isFinished() async -> Bool {
        await episode.verdict != nil
    }

    /// Writes a cancellation line for `step` to the trace.
    public func cancelled(step: Int) async {
        await episode.recordCancellation(ofStep: step)
    }

    public func close() async {
        await episode.finish(answer: nil, thinkTimeMs: 0)
    }
}
