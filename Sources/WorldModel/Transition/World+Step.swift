/// The result of one step: what the agent observes, and what happened underneath.
package struct StepResult: Sendable, Hashable {
    /// What the agent sees.
    package var observation: Observation
    /// Whether the call's effects were applied to the world (true for a timeout after commit).
    package var committed: Bool
    /// The name of the service's regime during the call.
    package var regime: String
    /// Whether the operation answered 500 `scenario_error`: the scenario's own definition failed
    /// at run time, whatever faults then did to the answer.
    package var scenarioError = false
}

extension World {
    /// Advances `state` by one call of `tool` with `arguments` and renders what the agent sees:
    /// `transition` then `ObservationDecoder.decode`.
    ///
    /// The pipeline: encode (validate the arguments; invalid calls answer 400 without reaching
    /// the service), step the service's regime chain, decide which fault rules fire, apply the
    /// rate limit, sample latency and service-level errors, run the operation atomically
    /// (preconditions, effects, idempotency), apply response faults, render, and advance the
    /// virtual clock by the latency. Every random decision draws from its own keyed stream of
    /// `seed`.
    package func step(_ state: inout WorldState, tool name: String, arguments: JSON, seed: UInt64) -> StepResult {
        let outcome = transition(&state, tool: name, arguments: arguments, seed: seed)
        let observation = ObservationDecoder.decode(outcome, world: self, state: state, seed: seed)
        let scenarioError =
            outcome.response.status == 500 && outcome.response.body["error"]?["code"] == .string("scenario_error")
        return StepResult(
            observation: observation, committed: outcome.committed, regime: outcome.regime, scenarioError: scenarioError
        )
    }

    /// The latent transition `T(z, a, rng) → (z', outcome)`: validates the arguments, steps the
    /// service's regime chain, samples latency and service-level errors, applies the rate limit
    /// and the fault rules that decide whether effects happen, runs the operation atomically and
    /// advances the virtual clock. Renders nothing: `ObservationDecoder.decode` turns the outcome into an
    /// observation.
    package func transition(_ state: inout WorldState, tool name: String, arguments: JSON, seed: UInt64) -> Outcome {
        // Time moves only by think time (`WorldState.advance(byThinkTime:)`, which checks the
        // bound) and by steps (which stop at it): a state past it was set by hand, an invariant broken.
        precondition(
            state.now <= WorldState.maximumNowMs,
            "virtual time \(state.now) ms is past WorldState.maximumNowMs; advance it with advance(byThinkTime:)")
        guard let toolNumber = toolIndex[name] else {
            let response = Response.error(404, code: "unknown_tool", message: "no tool named '\(name)'")
            return .immediate(response, regime: "", toolNumber: nil, callNumber: 0)
        }
        let tool = toolEntries[toolNumber]
        let serviceNumber = serviceOfTool[toolNumber]
        let service = serviceEntries[serviceNumber]
        state.toolCalls[toolNumber] += 1
        let callNumber = state.toolCalls[toolNumber]

        // Encoder: arguments against the input schema.
        let violations = ActionEncoder.validate(
            arguments, schema: tool.inputSchema, acceptsCursor: tool.acceptsCursor, shortcuts: shortcuts)
        if !violations.isEmpty {
            let response = Response.error(
                400, code: "invalid_arguments", message: "the arguments do not match the tool's input schema",
                details: violations)
            let regime = service.regimeNames[state.services[serviceNumber].regime]
            return .immediate(response, regime: regime, toolNumber: toolNumber, callNumber: callNumber)
        }

        // Service dynamics: regime, latency, errors, rate limit.
        state.services[serviceNumber].calls += 1
        let serviceCall = state.services[serviceNumber].calls
        // A decision whose outcome is certain draws nothing: each stream is keyed to its own
        // decision, so skipping one changes no other draw.
        let regimeNumber: Int
        if service.regimeIsFixed {
            regimeNumber = service.regimes.initial
        } else {
            var regimeStream = RandomStream.site(seed, service.regimeKey, serviceCall)
            regimeNumber = service.regimes.next(
                from: state.services[serviceNumber].regime, at: state.now, using: &regimeStream)
        }
        state.services[serviceNumber].regime = regimeNumber
        let regimeName = service.regimeNames[regimeNumber]
        var latencyStream = RandomStream.site(seed, service.latencyKey, serviceCall)
        var latency = service.sampleLatency(regime: regimeNumber, using: &latencyStream)
        var serviceError: ServiceError?
        if service.regimeCanFail[regimeNumber] {
            var errorStream = RandomStream.site(seed, service.errorKey, serviceCall)
            serviceError = service.errorRates[regimeNumber].sample(using: &errorStream)
        }

        var faultIDs: [String] = []

        /// Ends the call before the operation's answer reaches the decoder's faults.
        func finish(_ response: Response, committed: Bool, decoderFaults: [Int] = [], page: Page? = nil) -> Outcome {
            latency = Swift.min(Swift.max(latency, 0), World.maximumLatencyMs)
            state.advance(byLatency: latency)
            return Outcome(
                response: response, latencyMs: latency, committed: committed, regime: regimeName, faults: faultIDs,
                decoderFaults: decoderFaults, toolNumber: toolNumber, callNumber: callNumber, page: page)
        }

        let fired: [Int]
        do throws(OperationFailure) {
            fired = try firedFaults(
                for: toolNumber, callNumber: callNumber, arguments: arguments, state: state, seed: seed)
        } catch {
            return finish(error.response, committed: false)
        }

        if var bucket = state.services[serviceNumber].bucket {
            let decision = bucket.tryTake(at: state.now)
            state.services[serviceNumber].bucket = bucket
            if case .retryAfter(let retryAfter) = decision {
                faultIDs.append("rate_limit:\(service.name)")
                return finish(Response.rateLimited(retryAfterMs: retryAfter), committed: false)
            }
        }

        for rule in fired {
            if case .latencySpike(let ms) = spec.faults[rule].kind {
                latency = latency.addingReportingOverflow(ms).overflow ? .max : latency + ms
                faultIDs.append(spec.faults[rule].id)
            }
        }

        // Calls that never reach the operation.
        if let serviceError {
            faultIDs.append("regime:\(service.name):\(regimeName)")
            let response: Response
            switch serviceError {
            case .timeout:
                latency = service.timeoutMs
                response = .timeout(after: service.timeoutMs)
            case .serverError: response = .error(500, code: "server_error", message: "internal server error")
            case .badGateway: response = .error(502, code: "bad_gateway", message: "bad gateway")
            case .rateLimited: response = Response.rateLimited(retryAfterMs: 1000)
            }
            return finish(response, committed: false)
        }
        if latency > service.timeoutMs {
            latency = service.timeoutMs
            return finish(.timeout(after: service.timeoutMs), committed: false)
        }
        for rule in fired {
            let blocking: Response?
            switch spec.faults[rule].kind {
            case .timeout:
                latency = service.timeoutMs
                blocking = .timeout(after: service.timeoutMs)
            case .serverError(let status, let html):
                blocking =
                    html
                    ? .htmlError(status)
                    : .error(status, code: Response.errorCode(for: status), message: "the service failed")
            case .rateLimited(let retryAfterMs):
                blocking = .rateLimited(retryAfterMs: retryAfterMs)
            default:
                blocking = nil
            }
            if let blocking {
                faultIDs.append(spec.faults[rule].id)
                return finish(blocking, committed: false)
            }
        }

        // The operation itself.
        let execution = execute(tool, toolNumber: toolNumber, arguments: arguments, state: &state)
        if execution.committed {
            for rule in fired where spec.faults[rule].kind == .duplicateDelivery {
                faultIDs.append(spec.faults[rule].id)
            }
            if fired.contains(where: { spec.faults[$0].kind == .duplicateDelivery }) {
                _ = execute(tool, toolNumber: toolNumber, arguments: arguments, state: &state)
            }
            if let rule = fired.first(where: { spec.faults[$0].kind == .timeoutAfterCommit }) {
                faultIDs.append(spec.faults[rule].id)
                latency = service.timeoutMs
                return finish(.timeout(after: service.timeoutMs), committed: true)
            }
        }
        let decoderFaults = execution.response.isSuccess ? fired.filter { spec.faults[$0].kind.actsInDecoderStage } : []
        return finish(
            execution.response, committed: execution.committed, decoderFaults: decoderFaults, page: execution.page)
    }

    /// The fault rules that fire on this call, in declaration order. A `when` that fails to
    /// evaluate (a runtime error of the scenario's expression) ends the call with a 500
    /// `scenario_error` naming the rule, rather than silently not firing.
    func firedFaults(for tool: Int, callNumber: Int, arguments: JSON, state: WorldState, seed: UInt64)
        throws(OperationFailure) -> [Int]
    {
        var fired: [Int] = []
        let candidates = faultsOfTool[tool]
        if candidates.isEmpty { return fired }
        var context: StepContext?
        for index in candidates {
            if let calls = spec.faults[index].calls, !calls.contains(callNumber) { continue }
            if let when = spec.faults[index].when {
                let shared = context ?? StepContext(world: self, state: state)
                context = shared
                let holds: JSON
                do throws(ExpressionRuntimeError) {
                    holds = try shared.evaluate(when, args: arguments)
                } catch {
                    throw .scenario("fault rule '\(spec.faults[index].id)': when: \(error)")
                }
                guard holds == .bool(true) else { continue }
            }
            var stream = RandomStream.fault(
                seed, rule: spec.faults[index].id, tool: toolEntries[tool].name, call: callNumber)
            if stream.nextDouble() < spec.faults[index].probability { fired.append(index) }
        }
        return fired
    }
}

extension Response {
    /// 504 after the service's timeout.
    static func timeout(after ms: Int64) -> Response {
        .error(504, code: "timeout", message: "the request timed out after \(ms) ms")
    }

    /// 429 with `Retry-After` (whole seconds, rounded up) and `retry_after_ms` in the body.
    static func rateLimited(retryAfterMs: Int64) -> Response {
        let seconds = max(1, (retryAfterMs + 999) / 1000)
        var response = Response.error(
            429, code: "rate_limited", message: "too many requests; retry after \(seconds) s",
            headers: [ResponseHeader("Retry-After", String(seconds))])
        if case .object(var body) = response.body, case .object(var error) = body["error"] {
            error["retry_after_ms"] = .int(retryAfterMs)
            body["error"] = .object(error)
            response.body = .object(body)
        }
        return response
    }

    /// An HTML error page, as load balancers answer when the service behind them is down.
    static func htmlError(_ status: Int) -> Response {
        let title =
            status == 503
            ? "503 Service Temporarily Unavailable"
            : status == 502 ? "502 Bad Gateway" : "\(status) Internal Server Error"
        let page =
            "<html>\r\n<head><title>\(title)</title></head>\r\n<body>\r\n<center><h1>\(title)</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        return Response(status: status, body: .string(page), headers: [ResponseHeader("Content-Type", "text/html")])
    }
}
