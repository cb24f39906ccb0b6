import WorldModel

extension ScenarioReader {
    /// `refund-lost-response`, `F1.a`: ASCII letters and digits, then also `_`, `.` and `-`.
    static func isRuleId(_ id: String) -> Bool {
        func alphanumeric(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = id.utf8.first, alphanumeric(first) else { return false }
        return id.utf8.allSatisfy {
            alphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        }
    }

    /// Reads fault rules at `path` (a scenario's `faults`, or an overlay's).
    mutating func readFaults(_ value: JSON?, path: String, catalog: Catalog) -> [FaultRule] {
        guard let value, let elements = array(value, path) else { return [] }
        var rules: [FaultRule] = []
        var ids: Set<String> = []
        for (index, element) in elements.enumerated() {
            if let rule = readFault(element, Self.join(path, index), catalog: catalog) {
                if !ids.insert(rule.id).inserted {
                    report(Self.join(Self.join(path, index), "id"), "another fault rule already has id '\(rule.id)'")
                    continue
                }
                rules.append(rule)
            }
        }
        return rules
    }

    mutating func readFault(_ element: JSON, _ path: String, catalog: Catalog) -> FaultRule? {
        let kindName = element["kind"].flatMap { choice($0, Self.join(path, "kind"), FaultKind.allNames) }
            .flatMap(FaultKind.Name.init(rawValue:))
        let parameters = kindName?.parameters ?? (allowed: [], required: [])
        let allowed =
            FaultKind.Name.commonKeys
            + (kindName == nil ? FaultKind.Name.allCases.flatMap(\.parameters.allowed) : parameters.allowed)
        guard let rule = object(element, path, allowed: allowed, required: ["id", "kind"] + parameters.required) else {
            return nil
        }
        let id = string(rule["id"], Self.join(path, "id"), nonEmpty: true)
        if let id, !Self.isRuleId(id) {
            report(
                Self.join(path, "id"),
                "a fault rule id is letters, digits, '_', '.' and '-', starting with a letter or digit, found '\(id)'")
        }

        var target: FaultTarget?
        var argsType: ExpressionType = .openObject
        switch (rule["tool"], rule["service"]) {
        case (let tool?, nil):
            if let name = string(tool, Self.join(path, "tool")) {
                if name == "*" {
                    target = .all
                } else if let spec = catalog.toolSpecs.first(where: { $0.name == name }) {
                    target = .tool(name)
                    argsType = ExpressionType(jsonSchema: spec.inputSchemaJSON)
                } else if !catalog.tools.contains(name) {
                    // (A declared tool that failed to load was reported where it is declared.)
                    let hint =
                        closestMatch(to: name, among: catalog.tools).map { " (did you mean '\($0)'?)" }
                        ?? "; give a tool's name, or \"*\" for every tool"
                    report(Self.join(path, "tool"), "unknown tool '\(name)'\(hint)")
                }
            }
        case (nil, let service?):
            if let name = string(service, Self.join(path, "service")) {
                if name == "*" {
                    target = .all
                } else if catalog.services.contains(name) {
                    target = .service(name)
                } else {
                    let hint =
                        closestMatch(to: name, among: catalog.services).map { " (did you mean '\($0)'?)" }
                        ?? "; give a service's name, or \"*\" for every service"
                    report(Self.join(path, "service"), "unknown service '\(name)'\(hint)")
                }
            }
        case (nil, nil):
            report(path, "missing 'tool' or 'service' (which calls the rule applies to; \"*\" for all)")
        default:
            report(path, "give either 'tool' or 'service', not both")
        }

        let when = condition(rule["when"], Self.join(path, "when"), scope: catalog.scope(args: argsType, rowOf: nil))
        var calls: [Int]?
        if let callsValue = rule["calls"], let elements = array(callsValue, Self.join(path, "calls")) {
            calls = elements.enumerated().compactMap {
                integer($0.element, Self.join(Self.join(path, "calls"), $0.offset), in: 1...1_000_000).map(Int.init)
            }
            if elements.isEmpty {
                report(
                    Self.join(path, "calls"), "expected at least one call number (omit 'calls' to consider every call)")
            }
            for (position, number) in (calls ?? []).enumerated() where calls?[..<position].contains(number) == true {
                report(Self.join(path, "calls"), "call number \(number) is listed twice")
            }
        }
        let probability = rule["p"].map { self.probability($0, Self.join(path, "p")) } ?? 1

        var kind: FaultKind?
        let field = string(rule["field"], Self.join(path, "field"), nonEmpty: true)
        switch kindName {
        case .latencySpike?:
            kind = integer(rule["ms"], Self.join(path, "ms"), in: 1...86_400_000).map { .latencySpike(ms: $0) }
        case .timeout?: kind = .timeout
        case .timeoutAfterCommit?: kind = .timeoutAfterCommit
        case .serverError?:
            var status = rule["status"].map { integer($0, Self.join(path, "status"), in: 500...599) } ?? 503
            if let code = status, ![500, 502, 503].contains(code) {
                report(Self.join(path, "status"), "expected 500, 502 or 503, found \(code)")
                status = nil
            }
            let html = rule["html"].map { bool($0, Self.join(path, "html")) } ?? false
            if let status, let html { kind = .serverError(status: Int(status), html: html) }
        case .rateLimited?:
            let retry =
                rule["retry_after_ms"].map { integer($0, Self.join(path, "retry_after_ms"), in: 1...86_400_000) }
                ?? 1000
            kind = retry.map { .rateLimited(retryAfterMs: $0) }
        case .malformedJSON?: kind = .malformedJSON
        case .errorInOK?: kind = .errorInOK
        case .missingField?: kind = field.map { .missingField(field: $0) }
        case .nullField?: kind = field.map { .nullField(field: $0) }
        case .wrongType?: kind = field.map { .wrongType(field: $0) }
        case .renamedField?:
            let to = string(rule["to"], Self.join(path, "to"), nonEmpty: true)
            if let field, let to { kind = .renamedField(field: field, to: to) }
        case .staleRead?: kind = .staleRead
        case .pageGap?: kind = .pageGap
        case .pageDuplicate?: kind = .pageDuplicate
        case .emptyResult?: kind = .emptyResult
        case .duplicateDelivery?: kind = .duplicateDelivery
        case .injection?:
            let text = string(rule["text"], Self.join(path, "text"), nonEmpty: true)
            if let field, let text { kind = .injection(field: field, text: text) }
        case nil: kind = nil
        }
        guard let id, let target, let kind, let probability else { return nil }
        if rule["when"] != nil && when == nil { return nil }
        return FaultRule(id: id, target: target, kind: kind, when: when, calls: calls, probability: probability)
    }
}
