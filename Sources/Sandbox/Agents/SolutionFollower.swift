/// The built-in reference agents: they follow a scenario's solution steps, differing only in
/// how they treat what goes wrong.
///
/// - `scripted`: runs the steps once, with no think time; stops at the first error answer.
/// - `naive`: tries each call once and moves on after errors; trusts every body it reads
///   (a body that is not JSON saves as null, a 200 carrying an error saves as is).
/// - `robust`: retries 429, 503 and unparseable or error-carrying answers with backoff, honours
///   `Retry-After`; retries 500/502/504 only when the call is safe to repeat (the tool is
///   idempotent or the call carries an idempotency key); re-fetches list pages whose items lack
///   fields other items have; re-lists until it has `total` distinct items; de-duplicates items by
///   id; re-reads rows it wrote until the read agrees with what it wrote.
struct SolutionFollower: ReferenceAgent {
    enum Style: Sendable {
        case scripted, naive, robust
    }

    let style: Style

    var kind: TraceHeader.Agent {
        switch style {
        case .scripted: .scripted
        case .naive: .naive
        case .robust: .robust
        }
    }

    func play(_ episode: inout EpisodeEngine) -> String? {
        var run = SolutionRun(style: style, episode: episode)
        let answer = run.perform(episode.scenario.solution, locals: [])
        episode = run.episode
        return run.stopped ? nil : answer
    }
}

/// One playthrough of a solution by a `SolutionFollower`.
struct SolutionRun {
    let style: SolutionFollower.Style
    var episode: EpisodeEngine
    var saved = JSONObject()
    var stopped = false
    /// Rows this agent wrote, by id, as the service answered them (for stale-read detection).
    var written: [String: JSONObject] = [:]

    static let maxAttempts = 12
    static let maxPages = 1000

    init(style: SolutionFollower.Style, episode: EpisodeEngine) {
        self.style = style
        self.episode = episode
    }

    /// Runs `steps`; returns the answer of the last answer step reached.
    mutating func perform(_ steps: [SolutionStep], locals: [(String, JSON)]) -> String? {
        var answer: String?
        for step in steps where !stopped {
            switch step {
            case .call(let tool, let arguments, let argumentsFrom, let save, let paginate):
                var args = arguments
                for (name, expression) in argumentsFrom {
                    args[name] = evaluate(expression, locals: locals)
                }
                let result = paginate ? list(tool, arguments: args) : call(tool, arguments: args)
                if let save { saved[save] = result ?? .null }
            case .forEach(let items, let variable, let body):
                guard case .array(let elements) = evaluate(items, locals: locals) else { continue }
                for element in elements where !stopped {
                    if let inner = perform(body, locals: locals + [(variable, element)]) { answer = inner }
                }
            case .answer(let template):
                answer = render(template, locals: locals)
            }
        }
        return answer
    }

    func evaluate(_ expression: Expression, locals: [(String, JSON)]) -> JSON {
        var bindings = ExpressionBindings(names: ["saved"] + locals.map(\.0))
        bindings.values[0] = .object(saved)
        for (offset, local) in locals.enumerated() { bindings.values[offset + 1] = local.1 }
        return (try? expression.evaluate(bindings)) ?? .null
    }

    func render(_ template: AnswerTemplate, locals: [(String, JSON)]) -> String {
        var text = ""
        for part in template.parts {
            switch part {
            case .text(let literal): text += literal
            case .expression(let expression):
                let value = evaluate(expression, locals: locals)
                text += value.stringValue ?? value.canonicalText
            }
        }
        return text
    }

    // MARK: Calls

    /// One logical call, with the style's retry policy; the body the agent believes.
    mutating func call(_ tool: String, arguments: JSONObject) -> JSON? {
        var attempt = 0
        var think: Int64 = 0
        while true {
            attempt += 1
            let observation = episode.call(tool, arguments: .object(arguments), thinkMs: think, approved: approval(tool, arguments))
            let body = observation.json
            switch style {
            case .scripted:
                if observation.isError { stopped = true }
                return body
            case .naive:
                return body
            case .robust:
                let verdict = judge(observation, body: body, tool: tool, arguments: arguments)
                switch verdict {
                case .accept:
                    remember(tool: tool, body: body)
                    return body
                case .giveUp:
                    return body
                case .retry(let wait):
                    guard attempt < Self.maxAttempts else { return body }
                    think = wait ?? backoff(attempt)
                }
            }
        }
    }

    /// A listing followed through `next_cursor`, saved as `{"items": [...]}`. After this agent
    /// has written anything, robust confirms a listing by listing again until two consecutive
    /// listings agree, since a read right after a write may show data from before it.
    mutating func list(_ tool: String, arguments: JSONObject) -> JSON? {
        guard style == .robust, hasWritten else { return listOnce(tool, arguments: arguments) }
        var previous = listOnce(tool, arguments: arguments)
        for _ in 0..<4 {
            let next = listOnce(tool, arguments: arguments)
            if next == previous { break }
            previous = next
        }
        return previous
    }

    /// Whether this agent may have written: a call to a writing tool answered 2xx, or timed out
    /// (judged only from what the agent saw, never from the latent state).
    var hasWritten: Bool {
        episode.steps.contains { step in
            ((200..<300).contains(step.status) || step.status == 504)
                && episode.scenario.world.tool(named: step.tool)?.isReadOnly == false
        }
    }

    /// One listing through `next_cursor`.
    mutating func listOnce(_ tool: String, arguments: JSONObject) -> JSON? {
        var collected: [JSON] = []
        var seenIDs: Set<String> = []
        var total: Int?
        for _ in 0..<(style == .robust ? 4 : 1) {
            var cursor: JSON = .null
            var pages = 0
            repeat {
                var args = arguments
                if !cursor.isNull { args["cursor"] = cursor }
                guard let page = call(tool, arguments: args), case .array(let items)? = page["items"] else {
                    if style != .robust { return .object(["items": .array(collected)]) }
                    break
                }
                for item in items {
                    if style == .robust, let id = item["id"]?.stringValue {
                        if !seenIDs.insert(id).inserted { continue }
                    }
                    collected.append(item)
                }
                if let count = page["total"]?.int64Value { total = Int(count) }
                cursor = page["next_cursor"] ?? .null
                pages += 1
            } while !cursor.isNull && pages < Self.maxPages
            guard style == .robust, let total, collected.count < total else { break }
        }
        return .object(["items": .array(collected)])
    }

    func approval(_ tool: String, _ arguments: JSONObject) -> Bool? {
        guard episode.needsApproval(tool: tool, arguments: .object(arguments)) else { return nil }
        switch episode.policy.approvals {
        case .deny: return false
        default: return true
        }
    }

    enum Judgement {
        case accept
        case retry(after: Int64?)
        case giveUp
    }

    func judge(_ observation: Observation, body: JSON?, tool: String, arguments: JSONObject) -> Judgement {
        let descriptor = episode.scenario.world.tool(named: tool)
        let safeToRepeat = descriptor.map { $0.isIdempotent } ?? false
        switch observation.status {
        case 429, 503:
            return .retry(after: retryAfter(observation, body: body))
        case 500, 502, 504:
            return safeToRepeat ? .retry(after: nil) : .giveUp
        case 200..<300:
            guard let body else { return .retry(after: nil) }
            if body["error"] != nil { return .retry(after: nil) }
            if case .array(let items)? = body["items"], !Self.consistent(items) { return .retry(after: nil) }
            if isStale(body) { return .retry(after: nil) }
            return .accept
        default:
            return .giveUp
        }
    }

    func retryAfter(_ observation: Observation, body: JSON?) -> Int64? {
        if let milliseconds = body?["error"]?["retry_after_ms"]?.int64Value { return milliseconds }
        if let header = observation.header("Retry-After"), let seconds = Int64(header) { return seconds * 1000 }
        return nil
    }

    func backoff(_ attempt: Int) -> Int64 {
        min(8000, 500 << min(attempt - 1, 4))
    }

    /// Items of one page should share their fields; one that lacks a field the others have is a
    /// sign of a damaged answer.
    static func consistent(_ items: [JSON]) -> Bool {
        var keys: Set<String> = []
        for item in items { keys.formUnion(item.objectValue?.keys ?? []) }
        return items.allSatisfy { item in
            guard let object = item.objectValue else { return false }
            return keys.allSatisfy { object[$0] != nil }
        }
    }

    /// Whether a read shows an older version of a row this agent wrote.
    func isStale(_ body: JSON) -> Bool {
        let rows = body["items"]?.arrayValue ?? [body]
        for row in rows {
            guard let id = row["id"]?.stringValue, let mine = written[id], let object = row.objectValue else { continue }
            for (key, value) in object.members where mine[key] != nil && mine[key] != value {
                return true
            }
        }
        return false
    }

    mutating func remember(tool: String, body: JSON?) {
        guard let spec = episode.scenario.world.tool(named: tool), !spec.isReadOnly,
            case .object(let row)? = body, let id = row["id"]?.stringValue
        else { return }
        written[id] = row
    }
}
