import Scenarios
import WorldModel

/// The built-in reference agents: they follow a scenario's solution steps, differing only in
/// how they treat what goes wrong.
///
/// - `scripted`: runs the steps once, with no think time; stops at the first error answer.
/// - `naive`: tries each call once and moves on after errors; trusts every body it reads
///   (a body that is not JSON saves as null, a 200 carrying an error saves as is).
/// - `robust`: gives every write call of a tool that accepts an idempotency key a key of its own
///   (when the solution did not) and sends the same key on every retry; retries 429 and 503 with
///   backoff, honouring `Retry-After`; retries 500/502/504 and unparseable or error-carrying 2xx
///   answers only when the call is safe to repeat (a read, a naturally idempotent operation, or a
///   call carrying an idempotency key), so a non-idempotent write is never sent twice; re-fetches
///   list pages whose items lack fields other items have; re-lists until it has `total` distinct
///   items; de-duplicates items by id; after its own first write, confirms each listing by reading
///   it again until two complete reads agree (a stale page differs from the next read); re-reads
///   rows it wrote until the read agrees with what it wrote.
struct SolutionFollower {
    enum Style: Sendable {
        case scripted, naive, robust

        /// The style of the built-in agent of `kind`; `nil` for kinds that are not built in.
        init?(_ kind: AgentKind) {
            switch kind {
            case .scripted: self = .scripted
            case .naive: self = .naive
            case .robust: self = .robust
            case .external, .embedded: return nil
            }
        }
    }

    let style: Style

    func play(_ episode: inout EpisodeEngine) -> String? {
        var run = SolutionRun(style: style, episode: episode)
        let answer = run.perform(episode.scenario.solution, locals: [])
        episode = run.episode
        return run.stopped || episode.endedByTool != nil ? nil : answer
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
    static let maxListReads = 8
    static let maxPages = 1000

    init(style: SolutionFollower.Style, episode: EpisodeEngine) {
        self.style = style
        self.episode = episode
    }

    /// Runs `steps`; returns the answer of the last answer step reached.
    mutating func perform(_ steps: [SolutionStep], locals: [(String, JSON)]) -> String? {
        var answer: String?
        // A tool that ends the episode (`ends_episode`) stops the run as an answer would.
        for step in steps where !stopped && episode.endedByTool == nil {
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
                for element in elements where !stopped && episode.endedByTool == nil {
                    if let inner = perform(body, locals: locals + [(variable, element)]) { answer = inner }
                }
            case .answer(let template):
                answer = render(template, locals: locals)
            }
        }
        return answer
    }

    func evaluate(_ expression: CompiledExpression, locals: [(String, JSON)]) -> JSON {
        var bindings = ExpressionBindings(names: ["saved"] + locals.map(\.0))
        bindings.values[0] = .object(saved)
        for (offset, local) in locals.enumerated() { bindings.values[offset + 1] = local.1 }
        return (try? expression.evaluate(bindings)) ?? .null
    }

    func render(_ template: AnswerTemplate, locals: [(String, JSON)]) -> String {
        template.render { evaluate($0, locals: locals) }
    }

    // MARK: Calls

    /// One logical call, with the style's retry policy; the body the agent believes.
    mutating func call(_ tool: String, arguments: JSONObject) -> JSON? {
        let arguments = style == .robust ? withIdempotencyKey(tool, arguments) : arguments
        var attempt = 0
        var think: Int64 = 0
        while true {
            attempt += 1
            let observation = episode.call(
                tool, arguments: .object(arguments), thinkMs: think, approved: approval(tool, arguments))
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
                    guard attempt < Self.maxAttempts, episode.steps.count < episode.scenario.task.maxSteps else {
                        return body
                    }
                    think = wait ?? backoff(attempt)
                }
            }
        }
    }

    /// The arguments with an idempotency key added when the tool accepts one (as a plain
    /// `args.NAME` argument) and the call has none: derived from the tool and the number of calls
    /// made so far, so it is deterministic and the same for every retry of this logical call.
    func withIdempotencyKey(_ tool: String, _ arguments: JSONObject) -> JSONObject {
        guard let name = Self.idempotencyArgument(of: episode.scenario.world.tool(named: tool)),
            arguments[name] == nil || arguments[name] == .null
        else { return arguments }
        var arguments = arguments
        arguments[name] = .string("simrun-\(tool)-\(episode.steps.count + 1)")
        return arguments
    }

    /// The argument that carries `tool`'s idempotency key, when its key expression is `args.NAME`.
    static func idempotencyArgument(of tool: ToolSpec?) -> String? {
        guard let source = tool?.idempotencyKey?.source, source.hasPrefix("args.") else { return nil }
        let name = source.dropFirst("args.".count)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return String(name)
    }

    /// A listing followed through `next_cursor`, saved as `{"items": [...]}`. `robust` merges
    /// re-reads by item id (a later read wins) until it has `total` distinct items and, once it has
    /// written something, until a whole read changes nothing it already had (a stale page differs
    /// from the next read of it).
    mutating func list(_ tool: String, arguments: JSONObject) -> JSON? {
        guard style == .robust else { return .object(["items": .array(readPages(tool, arguments: arguments).items)]) }
        var merged: [JSON] = []
        var position: [String: Int] = [:]
        var total: Int?
        for read in 1...Self.maxListReads {
            let pass = readPages(tool, arguments: arguments)
            if let count = pass.total { total = count }
            var changed = false
            for (offset, item) in pass.items.enumerated() {
                let key = item["id"]?.stringValue.map { "id:" + $0 } ?? "#\(offset)"
                if let index = position[key] {
                    if merged[index] != item {
                        merged[index] = item
                        changed = true
                    }
                } else {
                    position[key] = merged.count
                    merged.append(item)
                    changed = true
                }
            }
            let complete = total.map { merged.count >= $0 } ?? pass.complete
            guard complete else { continue }
            if !hasWritten || (read > 1 && !changed && pass.complete) { break }
        }
        return .object(["items": .array(merged)])
    }

    /// One pass over every page of a listing.
    mutating func readPages(_ tool: String, arguments: JSONObject) -> (items: [JSON], total: Int?, complete: Bool) {
        var collected: [JSON] = []
        var seenIDs: Set<String> = []
        var total: Int?
        var cursor: JSON = .null
        var pages = 0
        repeat {
            var args = arguments
            if !cursor.isNull { args["cursor"] = cursor }
            guard let page = call(tool, arguments: args), case .array(let items)? = page["items"] else {
                return (collected, total, false)
            }
            for item in items {
                if style == .robust, let id = item["id"]?.stringValue, !seenIDs.insert(id).inserted { continue }
                collected.append(item)
            }
            if let count = page["total"]?.int64Value { total = Int(count) }
            cursor = page["next_cursor"] ?? .null
            pages += 1
        } while !cursor.isNull && pages < Self.maxPages
        return (collected, total, total.map { collected.count >= $0 } ?? true)
    }

    /// Whether this agent has called a tool that may change the world.
    var hasWritten: Bool {
        episode.steps.contains { step in episode.scenario.world.tool(named: step.tool).map { !$0.isReadOnly } ?? false }
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
        let safeToRepeat = Self.safeToRepeat(episode.scenario.world.tool(named: tool), arguments: arguments)
        switch observation.status {
        case 429, 503:
            return .retry(after: retryAfter(observation, body: body))
        case 500, 502, 504:
            return safeToRepeat ? .retry(after: nil) : .giveUp
        case 200..<300:
            // A damaged 2xx answer to a write still means the write happened: repeat it only when
            // repeating cannot apply it twice.
            guard let body else { return safeToRepeat ? .retry(after: nil) : .giveUp }
            if body["error"] != nil { return safeToRepeat ? .retry(after: nil) : .giveUp }
            if case .array(let items)? = body["items"], !Self.consistent(items) { return .retry(after: nil) }
            if isStale(body) { return .retry(after: nil) }
            return .accept
        default:
            return .giveUp
        }
    }

    /// Whether sending this call again cannot apply it twice: a read, a naturally idempotent
    /// operation, or a call that carries the tool's idempotency key.
    static func safeToRepeat(_ tool: ToolSpec?, arguments: JSONObject) -> Bool {
        guard let tool else { return true }
        if tool.isReadOnly || tool.operation.isNaturallyIdempotent { return true }
        guard tool.idempotencyKey != nil else { return false }
        guard let name = idempotencyArgument(of: tool) else { return true }
        return arguments[name].map { $0 != .null } ?? false
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
            guard let id = row["id"]?.stringValue, let mine = written[id], let object = row.objectValue else {
                continue
            }
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
