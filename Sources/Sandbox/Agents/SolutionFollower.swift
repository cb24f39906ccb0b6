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
///   rows it wrote until the read agrees with what it wrote. After an ambiguous failure (500, 502,
///   504, a damaged 2xx) of a write that is not safe to repeat, it makes the step's `verify` read
///   and sends the write again only when the read shows it did not apply. A write it gave up on
///   while its service kept failing transiently is tried again, in rounds 30 s apart, before the
///   answer. A step with `expect_status` is done when it answers that status.
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
        playRecording(&episode).answer
    }

    /// Plays the solution and reports how it went: the answer, and where and why the
    /// playthrough stopped or a step answered other than it should (for validation).
    func playRecording(_ episode: inout EpisodeEngine) -> SolutionPlay {
        var run = SolutionRun(style: style, episode: episode)
        let answer = run.perform(episode.scenario.solution, path: "solution", locals: [])
        if !run.stopped { run.retryDeferred() }
        episode = run.episode
        return SolutionPlay(
            answer: run.stopped || episode.endedByTool != nil ? nil : answer, stop: run.stop, mismatches: run.mismatches
        )
    }
}

/// How a reference agent's playthrough of a solution went.
package struct SolutionPlay: Sendable {
    /// The final answer, or `nil` when the agent stopped before answering.
    package var answer: String?
    /// Where the `scripted` agent stopped at an error answer, if it did.
    package var stop: SolutionStepAnswer?
    /// Every step that answered other than its `expect_status` (or an error without one); kept
    /// by `scripted`, the agent validation plays.
    package var mismatches: [SolutionStepAnswer]
}

/// A solution step's answer as validation reports it: `solution[2] (store_cancel_order, call 3)
/// answered 409: {"error":…}`.
package struct SolutionStepAnswer: Sendable, Hashable, CustomStringConvertible {
    /// The step's JSON path in the scenario file, e.g. `solution[2]` or `solution[1].do[0]`.
    package var path: String
    /// The tool called.
    package var tool: String
    /// The 1-based number of the call in the episode.
    package var call: Int
    /// The status answered.
    package var status: Int
    /// The status the step expected, when it said (`expect_status`).
    package var expected: Int?
    /// The start of the body.
    package var bodyExcerpt: String

    /// The longest body excerpt kept.
    static let excerptLength = 200

    package var description: String {
        let expectation = expected.map { ", expected \($0)" } ?? ""
        return "\(path) (\(tool), call \(call)) answered \(status)\(expectation): \(bodyExcerpt)"
    }
}

/// One playthrough of a solution by a `SolutionFollower`.
struct SolutionRun {
    let style: SolutionFollower.Style
    var episode: EpisodeEngine
    var saved = JSONObject()
    var stopped = false
    /// Where `scripted` stopped, if it did.
    var stop: SolutionStepAnswer?
    /// Steps that answered other than expected.
    var mismatches: [SolutionStepAnswer] = []
    /// Rows this agent wrote, by id, as the service answered them (for stale-read detection).
    var written: [String: JSONObject] = [:]
    /// Calls `robust` gave up on while their service failed transiently (429, 503, or a 5xx of
    /// a call safe to repeat): tried again before the answer.
    var deferred: [(call: SolutionCall, arguments: JSONObject, path: String, locals: [(String, JSON)])] = []

    static let maxAttempts = 12
    static let maxListReads = 8
    static let maxPages = 1000
    /// Rounds of retrying deferred calls, and the virtual wait before each.
    static let deferredRounds = 4
    static let deferredWaitMs: Int64 = 30_000

    init(style: SolutionFollower.Style, episode: EpisodeEngine) {
        self.style = style
        self.episode = episode
    }

    /// Runs `steps` (found at `path` in the file); returns the answer of the last answer step
    /// reached.
    mutating func perform(_ steps: [SolutionStep], path: String, locals: [(String, JSON)]) -> String? {
        var answer: String?
        for (index, step) in steps.enumerated() where !stopped && episode.endedByTool == nil {
            let stepPath = "\(path)[\(index)]"
            switch step {
            case .call(let call):
                var args = call.arguments
                for (name, expression) in call.argumentsFrom {
                    args[name] = evaluate(expression, locals: locals)
                }
                let result =
                    call.paginate
                    ? list(call.tool, arguments: args, path: stepPath)
                    : self.call(call, arguments: args, path: stepPath, locals: locals)
                if let save = call.save { saved[save] = result ?? .null }
            case .forEach(let items, let variable, let body):
                guard case .array(let elements) = evaluate(items, locals: locals) else { continue }
                for element in elements where !stopped && episode.endedByTool == nil {
                    if let inner = perform(body, path: stepPath + ".do", locals: locals + [(variable, element)]) {
                        answer = inner
                    }
                }
            case .answer(let template):
                // Calls given up on during an outage are tried again before answering, and the
                // answer is rendered from what they finally returned.
                retryDeferred()
                answer = render(template, locals: locals)
            }
        }
        return answer
    }

    /// Tries the deferred calls again, in rounds with a wait before each.
    mutating func retryDeferred() {
        guard style == .robust, !deferred.isEmpty else { return }
        for _ in 1...Self.deferredRounds where !deferred.isEmpty && episode.endedByTool == nil {
            guard episode.steps.count < episode.scenario.task.maxSteps else { break }
            episode.wait(milliseconds: Self.deferredWaitMs)
            let pending = deferred
            deferred = []
            for item in pending {
                let result = call(item.call, arguments: item.arguments, path: item.path, locals: item.locals)
                if let save = item.call.save { saved[save] = result ?? .null }
            }
        }
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

    /// One logical call of a solution step found at `path`, with the style's retry policy; the
    /// body the agent believes.
    mutating func call(_ step: SolutionCall, arguments: JSONObject, path: String, locals: [(String, JSON)]) -> JSON? {
        let tool = step.tool
        let arguments = style == .robust ? withIdempotencyKey(tool, arguments) : arguments
        var attempt = 0
        var think: Int64 = 0
        while true {
            attempt += 1
            let observation = episode.call(
                tool, arguments: .object(arguments), thinkMs: think, approved: approval(tool, arguments))
            let body = observation.json
            let expected = step.expectStatus.map { observation.status == $0 } ?? !observation.isError
            switch style {
            case .scripted:
                if !expected {
                    let answer = stepAnswer(path, tool: tool, observation: observation, expected: step.expectStatus)
                    mismatches.append(answer)
                    stopped = true
                    stop = answer
                }
                return body
            case .naive:
                return body
            case .robust:
                if step.expectStatus != nil, expected { return body }
                let verdict = judge(
                    observation, body: body, tool: tool, arguments: arguments, verifiable: step.verify != nil)
                switch verdict {
                case .accept:
                    remember(tool: tool, body: body)
                    return body
                case .giveUp:
                    return body
                case .verify:
                    guard let verify = step.verify else { return body }
                    switch confirm(verify, locals: locals) {
                    case .applied(let read): return read
                    case .unknown: return body
                    case .notApplied:
                        guard attempt < Self.maxAttempts, episode.steps.count < episode.scenario.task.maxSteps else {
                            return body
                        }
                        think = backoff(attempt)
                    }
                case .retry(let wait):
                    guard attempt < Self.maxAttempts, episode.steps.count < episode.scenario.task.maxSteps else {
                        // A write given up on is tried again before the answer; a read's result was
                        // needed when it was made.
                        if !path.isEmpty, episode.scenario.world.tool(named: tool)?.isReadOnly == false {
                            deferred.append((step, arguments, path, locals))
                        }
                        return body
                    }
                    think = wait ?? backoff(attempt)
                }
            }
        }
    }

    /// What a `verify` read showed about a write whose answer was ambiguous.
    enum Confirmation {
        /// The write applied; the read's body stands in for the lost answer.
        case applied(JSON?)
        /// The write did not apply: sending it again cannot apply it twice.
        case notApplied
        /// The read itself failed: the write's fate is unknown.
        case unknown
    }

    /// Calls the verify read (reads are safe to retry) and evaluates `applied` on its body.
    mutating func confirm(_ verify: SolutionVerify, locals: [(String, JSON)]) -> Confirmation {
        var args = verify.arguments
        for (name, expression) in verify.argumentsFrom { args[name] = evaluate(expression, locals: locals) }
        let read = call(SolutionCall(tool: verify.tool, arguments: args), arguments: args, path: "", locals: [])
        guard let read, read["error"] == nil else { return .unknown }
        let applied = evaluate(verify.applied, locals: locals + [("body", read)])
        return applied == .bool(true) ? .applied(read) : .notApplied
    }

    /// A step's answer for validation messages.
    func stepAnswer(_ path: String, tool: String, observation: Observation, expected: Int?) -> SolutionStepAnswer {
        var excerpt = Verdict.oneLine(observation.body)
        if excerpt.count > SolutionStepAnswer.excerptLength {
            excerpt = String(excerpt.prefix(SolutionStepAnswer.excerptLength)) + "…"
        }
        return SolutionStepAnswer(
            path: path, tool: tool, call: episode.steps.count, status: observation.status, expected: expected,
            bodyExcerpt: excerpt)
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
    mutating func list(_ tool: String, arguments: JSONObject, path: String = "") -> JSON? {
        guard style == .robust else {
            return .object(["items": .array(readPages(tool, arguments: arguments, path: path).items)])
        }
        var merged: [JSON] = []
        var position: [String: Int] = [:]
        var total: Int?
        for read in 1...Self.maxListReads {
            let pass = readPages(tool, arguments: arguments, path: path)
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
    mutating func readPages(_ tool: String, arguments: JSONObject, path: String = "")
        -> (items: [JSON], total: Int?, complete: Bool)
    {
        var collected: [JSON] = []
        var seenIDs: Set<String> = []
        var total: Int?
        var cursor: JSON = .null
        var pages = 0
        repeat {
            var args = arguments
            if !cursor.isNull { args["cursor"] = cursor }
            let page = call(SolutionCall(tool: tool, arguments: args), arguments: args, path: path, locals: [])
            guard let page, case .array(let items)? = page["items"] else {
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
        /// The write's answer is ambiguous and repeating it is not safe: find out whether it
        /// applied (the step's `verify`) before sending it again.
        case verify
        case giveUp
    }

    func judge(_ observation: Observation, body: JSON?, tool: String, arguments: JSONObject, verifiable: Bool = false)
        -> Judgement
    {
        let safeToRepeat = Self.safeToRepeat(episode.scenario.world.tool(named: tool), arguments: arguments)
        let ambiguous: Judgement = safeToRepeat ? .retry(after: nil) : verifiable ? .verify : .giveUp
        switch observation.status {
        case 429, 503:
            return .retry(after: retryAfter(observation, body: body))
        case 500, 502, 504:
            // A scenario's own error is no transient failure: trying again gives the same answer.
            if body?["error"]?["code"]?.stringValue == "scenario_error" { return .giveUp }
            return ambiguous
        case 200..<300:
            // A damaged 2xx answer to a write still means the write happened: repeat it only when
            // repeating cannot apply it twice.
            guard let body else { return safeToRepeat ? .retry(after: nil) : verifiable ? .verify : .giveUp }
            if body["error"] != nil { return safeToRepeat ? .retry(after: nil) : verifiable ? .verify : .giveUp }
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
