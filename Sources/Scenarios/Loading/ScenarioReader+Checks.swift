import WorldModel

extension ScenarioReader {
    static let checkKinds = ["expect", "always", "calls", "answer", "state", "unchanged"]

    /// The check kinds as a message lists them: `'expect', 'always', …`.
    static var checkKindList: String { checkKinds.map { "'\($0)'" }.joined(separator: ", ") }

    mutating func readChecks(_ value: JSON?, catalog: Catalog) -> [CheckSpec] {
        guard let elements = array(value, "checks") else { return [] }
        if elements.isEmpty { report("checks", "expected at least one check (a scenario without checks cannot fail)") }
        var checks: [CheckSpec] = []
        var names: Set<String> = []
        let scope = catalog.scope(args: .record([]), rowOf: nil)  // checks see the data, not a call's arguments
        for (index, element) in elements.enumerated() {
            let path = Self.join("checks", index)
            guard case .object(let raw) = element else {
                report(path, "expected a check (an object), found \(Self.describe(element))")
                continue
            }
            let kinds = Self.checkKinds.filter { raw[$0] != nil }
            guard kinds.count == 1, let kind = kinds.first else {
                report(
                    path,
                    kinds.isEmpty
                        ? "a check needs one of \(Self.checkKindList)"
                        : "a check has exactly one of \(Self.checkKindList), found \(kinds.joined(separator: " and "))"
                )
                _ = object(element, path, allowed: ["name", "description", "ignore"] + Self.checkKinds)
                continue
            }
            let allowed = ["name", "description", kind] + (kind == "state" ? ["ignore"] : [])
            guard let check = object(element, path, allowed: allowed, required: ["name"]) else {
                continue
            }
            guard let name = string(check["name"], Self.join(path, "name"), nonEmpty: true) else { continue }
            if !names.insert(name).inserted {
                report(Self.join(path, "name"), "another check is already named '\(name)'")
            }
            switch kind {
            case "expect", "always":
                if let expression = expression(check[kind], Self.join(path, kind), scope: scope) {
                    if expression.type != .boolean && expression.type != .any {
                        report(
                            Self.join(path, kind),
                            "a check must be a condition (true or false), but this gives \(expression.type)")
                    }
                    checks.append(
                        CheckSpec(name: name, kind: kind == "expect" ? .expect(expression) : .always(expression)))
                }
            case "calls":
                let callsPath = Self.join(path, "calls")
                guard
                    let calls = object(
                        check["calls"], callsPath, allowed: ["tool", "min", "max", "status"], required: ["tool"])
                else { continue }
                let tool = string(calls["tool"], Self.join(callsPath, "tool"))
                if let tool, !catalog.tools.contains(tool) {
                    report(
                        Self.join(callsPath, "tool"),
                        "unknown tool '\(tool)'\(Self.suggestion(tool, among: catalog.tools))")
                    continue
                }
                let min = integer(calls["min"], Self.join(callsPath, "min"), in: 0...1_000_000)
                let max = integer(calls["max"], Self.join(callsPath, "max"), in: 0...1_000_000)
                let status = integer(calls["status"], Self.join(callsPath, "status"), in: 100...599)
                if calls["min"] == nil && calls["max"] == nil { report(callsPath, "give 'min', 'max' or both") }
                if let min, let max, min > max { report(callsPath, "min (\(min)) is greater than max (\(max))") }
                if let tool {
                    checks.append(
                        CheckSpec(
                            name: name,
                            kind: .calls(
                                tool: tool, min: min.map(Int.init), max: max.map(Int.init), status: status.map(Int.init)
                            )))
                }
            case "state":
                if let ignore = readStateCheck(check, path, catalog: catalog) {
                    checks.append(CheckSpec(name: name, kind: .stateSolution(ignore: ignore)))
                }
            case "unchanged":
                if let collections = readCollectionList(
                    check["unchanged"], Self.join(path, "unchanged"), catalog: catalog)
                {
                    checks.append(CheckSpec(name: name, kind: .unchanged(collections)))
                }
            default:
                let answerPath = Self.join(path, "answer")
                guard let answer = object(check["answer"], answerPath, allowed: ["contains", "regex"]) else { continue }
                var contains: [String] = []
                if let value = answer["contains"] {
                    let containsPath = Self.join(answerPath, "contains")
                    contains = readStrings(value, containsPath) ?? []
                    if value.arrayValue?.isEmpty == true { report(containsPath, "expected at least one string") }
                    for (index, text) in contains.enumerated() where text.isEmpty {
                        report(Self.join(containsPath, index), "expected a non-empty string")
                    }
                }
                let regex = string(answer["regex"], Self.join(answerPath, "regex"), nonEmpty: true)
                if let regex, (try? Regex(regex)) == nil {
                    report(Self.join(answerPath, "regex"), "not a valid regular expression: \(regex)")
                }
                if answer["contains"] == nil && answer["regex"] == nil {
                    report(answerPath, "give 'contains', 'regex' or both")
                }
                checks.append(CheckSpec(name: name, kind: .answer(contains: contains, regex: regex)))
            }
        }
        return checks
    }

    /// `{"state": "solution", "ignore": ["coll.field", …]}`: the ignore list, checked against the
    /// collections and their fields.
    mutating func readStateCheck(_ check: JSONObject, _ path: String, catalog: Catalog) -> [StateIgnore]? {
        let statePath = Self.join(path, "state")
        guard let target = string(check["state"], statePath) else { return nil }
        guard target == "solution" else {
            report(statePath, "expected \"solution\" (the state the reference solution reaches), found '\(target)'")
            return nil
        }
        guard let value = check["ignore"] else { return [] }
        let ignorePath = Self.join(path, "ignore")
        guard let entries = readStrings(value, ignorePath) else { return nil }
        var ignore: [StateIgnore] = []
        var failed = false
        for (index, entry) in entries.enumerated() {
            let entryPath = Self.join(ignorePath, index)
            let parts = entry.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard let collection = parts.first, !collection.isEmpty, !parts.contains(where: \.isEmpty) else {
                report(entryPath, "expected 'collection' or 'collection.field', found '\(entry)'")
                failed = true
                continue
            }
            guard let fields = catalog.fields(of: collection) else {
                report(
                    entryPath,
                    "unknown collection '\(collection)'\(Self.suggestion(collection, among: catalog.collectionNames))")
                failed = true
                continue
            }
            if parts.count > 1, !fields.contains(parts[1]) {
                report(
                    entryPath,
                    "collection '\(collection)' has no field '\(parts[1])'\(Self.suggestion(parts[1], among: fields))")
                failed = true
                continue
            }
            ignore.append(StateIgnore(collection: collection, field: Array(parts.dropFirst())))
        }
        return failed ? nil : ignore
    }

    /// A non-empty list of declared collection names.
    mutating func readCollectionList(_ value: JSON?, _ path: String, catalog: Catalog) -> [String]? {
        guard let value, let names = readStrings(value, path) else { return nil }
        if names.isEmpty {
            report(path, "expected at least one collection name")
            return nil
        }
        var failed = false
        for (index, name) in names.enumerated() where catalog.fields(of: name) == nil {
            report(
                Self.join(path, index),
                "unknown collection '\(name)'\(Self.suggestion(name, among: catalog.collectionNames))")
            failed = true
        }
        return failed ? nil : names
    }

    mutating func readSolution(_ value: JSON?, catalog: Catalog) -> [SolutionStep] {
        guard let value else { return [] }
        let steps = readSolutionSteps(value, "solution", catalog: catalog, locals: [])
        let answered = value.arrayValue?.contains { $0["answer"] != nil } ?? true
        // A call of a tool that ends the episode (`ends_episode`) ends the solution as an answer does.
        let endsEpisode = steps.contains { step in
            if case .call(let call) = step {
                catalog.toolSpecs.contains { $0.name == call.tool && $0.endsEpisode }
            } else {
                false
            }
        }
        if !containsAnswer(steps), !answered, !endsEpisode {
            report(
                "solution",
                "the solution must end with an answer step ({\"answer\": \"…\"}) or a call of a tool with \"ends_episode\": true"
            )
        }
        return steps
    }

    private func containsAnswer(_ steps: [SolutionStep]) -> Bool {
        steps.contains { if case .answer = $0 { true } else { false } }
    }

    mutating func readSolutionSteps(_ value: JSON, _ path: String, catalog: Catalog, locals: [String]) -> [SolutionStep]
    {
        guard let elements = array(value, path) else { return [] }
        var scope = ExpressionScope(collections: [:], tools: Set(catalog.tools), services: Set(catalog.services))
        scope.declare("saved", as: .openObject)
        for local in locals { scope.declare(local, as: .any) }
        var steps: [SolutionStep] = []
        for (index, element) in elements.enumerated() {
            let stepPath = Self.join(path, index)
            guard case .object(let raw) = element else {
                report(
                    stepPath,
                    "expected a step (an object with 'tool', 'for_each' or 'answer'), found \(Self.describe(element))")
                continue
            }
            if raw["answer"] != nil {
                guard let step = object(element, stepPath, allowed: ["answer"]) else { continue }
                if let text = string(step["answer"], Self.join(stepPath, "answer")),
                    let template = readTemplate(text, Self.join(stepPath, "answer"), scope: scope)
                {
                    steps.append(.answer(template))
                }
            } else if raw["for_each"] != nil {
                guard let step = object(element, stepPath, allowed: ["for_each", "as", "do"], required: ["as", "do"])
                else { continue }
                let items = expression(step["for_each"], Self.join(stepPath, "for_each"), scope: scope)
                guard let variable = string(step["as"], Self.join(stepPath, "as"), nonEmpty: true),
                    let body = step["do"]
                else { continue }
                checkIdentifier(variable, Self.join(stepPath, "as"), what: "a loop variable")
                if body.arrayValue?.isEmpty == true { report(Self.join(stepPath, "do"), "expected at least one step") }
                let inner = readSolutionSteps(
                    body, Self.join(stepPath, "do"), catalog: catalog, locals: locals + [variable])
                if let items { steps.append(.forEach(items: items, variable: variable, steps: inner)) }
            } else {
                guard
                    let step = object(
                        element, stepPath,
                        allowed: ["tool", "args", "args_from", "save", "paginate", "expect_status", "verify"],
                        required: ["tool"])
                else { continue }
                guard
                    let (tool, spec, arguments, argumentsFrom) = readCallArguments(
                        step, stepPath, scope: scope, catalog: catalog)
                else { continue }
                let save = string(step["save"], Self.join(stepPath, "save"), nonEmpty: true)
                if let save { checkIdentifier(save, Self.join(stepPath, "save"), what: "a saved name") }
                let paginate = bool(step["paginate"], Self.join(stepPath, "paginate")) ?? false
                if paginate, case .list = spec.operation {
                } else if paginate {
                    report(
                        Self.join(stepPath, "paginate"),
                        "only list tools paginate; '\(tool)' is a \(spec.operation.name) tool")
                }
                let expectStatus = integer(step["expect_status"], Self.join(stepPath, "expect_status"), in: 100...599)
                if paginate, expectStatus != nil {
                    report(
                        Self.join(stepPath, "expect_status"),
                        "a paginated listing follows its pages while they answer 2xx; give expect_status on a single call"
                    )
                }
                var verify: SolutionVerify?
                if let value = step["verify"] {
                    verify = readVerify(
                        value, Self.join(stepPath, "verify"), scope: scope, catalog: catalog, writer: spec)
                }
                steps.append(
                    .call(
                        SolutionCall(
                            tool: tool, arguments: arguments, argumentsFrom: argumentsFrom, save: save,
                            paginate: paginate, expectStatus: expectStatus.map(Int.init), verify: verify)))
            }
        }
        return steps
    }

    /// The `tool`, `args` and `args_from` of a solution call (or of its `verify`), checked against
    /// the tool's input schema; `nil` when the tool is unknown.
    mutating func readCallArguments(_ step: JSONObject, _ stepPath: String, scope: ExpressionScope, catalog: Catalog)
        -> (String, ToolSpec, JSONObject, [(name: String, value: CompiledExpression)])?
    {
        guard let tool = string(step["tool"], Self.join(stepPath, "tool")) else { return nil }
        guard let spec = catalog.toolSpecs.first(where: { $0.name == tool }) else {
            // A declared tool that failed to load was reported where it is declared.
            if !catalog.tools.contains(tool) {
                report(
                    Self.join(stepPath, "tool"), "unknown tool '\(tool)'\(Self.suggestion(tool, among: catalog.tools))")
            }
            return nil
        }
        let arguments =
            step["args"].flatMap {
                object($0, Self.join(stepPath, "args"), allowed: $0.objectValue?.keys ?? [])
            } ?? JSONObject()
        var argumentsFrom: [(name: String, value: CompiledExpression)] = []
        if let from = step["args_from"], case .object(let fromObject) = from {
            for (name, source) in fromObject.members {
                if let expression = expression(source, Self.join(Self.join(stepPath, "args_from"), name), scope: scope)
                {
                    argumentsFrom.append((name, expression))
                }
            }
        } else if let from = step["args_from"] {
            report(
                Self.join(stepPath, "args_from"),
                "expected an object of argument → expression, found \(Self.describe(from))")
        }
        if argumentsFrom.isEmpty && step["args_from"] == nil {
            for violation in spec.inputSchema.validate(.object(arguments), at: Self.join(stepPath, "args")) {
                report(violation.path, violation.message)
            }
        } else if spec.inputSchemaJSON["additionalProperties"] == .bool(false) {
            // Computed arguments are known only when the step runs; their names are known now.
            let declared = spec.inputSchema.propertyNames
            let named =
                arguments.keys.map { (Self.join(Self.join(stepPath, "args"), $0), $0) }
                + argumentsFrom.map { (Self.join(Self.join(stepPath, "args_from"), $0.name), $0.name) }
            for (argumentPath, name) in named where !declared.contains(name) {
                report(argumentPath, "'\(tool)' has no argument '\(name)'\(Self.suggestion(name, among: declared))")
            }
        }
        return (tool, spec, arguments, argumentsFrom)
    }

    /// A call step's `verify`: a read-only tool, its arguments, and an `applied` condition over
    /// `body`, `saved` and loop variables.
    mutating func readVerify(_ value: JSON, _ path: String, scope: ExpressionScope, catalog: Catalog, writer: ToolSpec)
        -> SolutionVerify?
    {
        guard
            let verify = object(
                value, path, allowed: ["tool", "args", "args_from", "applied"], required: ["tool", "applied"])
        else { return nil }
        if writer.isReadOnly {
            report(path, "'\(writer.name)' only reads; verify is for writes whose answer may be lost")
        }
        let read = readCallArguments(verify, path, scope: scope, catalog: catalog)
        if let (tool, spec, _, _) = read, !spec.isReadOnly {
            report(
                Self.join(path, "tool"),
                "expected a read-only tool (verify must not change the world), '\(tool)' writes")
        }
        var bodyScope = scope
        bodyScope.declare("body", as: .any)
        let applied = condition(verify["applied"], Self.join(path, "applied"), scope: bodyScope)
        guard let (tool, _, arguments, argumentsFrom) = read, let applied else { return nil }
        return SolutionVerify(tool: tool, arguments: arguments, argumentsFrom: argumentsFrom, applied: applied)
    }

    /// Splits `text` at `{{expression}}` placeholders and compiles each.
    mutating func readTemplate(_ text: String, _ path: String, scope: ExpressionScope) -> AnswerTemplate? {
        var parts: [AnswerTemplate.Part] = []
        var rest = Substring(text)
        var failed = false
        while let open = rest.range(of: "{{") {
            if !rest[..<open.lowerBound].isEmpty { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                report(path, "a '{{' placeholder is not closed with '}}'")
                return nil
            }
            let source = String(rest[open.upperBound..<close.lowerBound])
            if let expression = expression(.string(source), path, scope: scope) {
                parts.append(.expression(expression))
            } else {
                failed = true
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        return failed ? nil : AnswerTemplate(parts: parts)
    }
}

extension ToolOperation {
    /// The op's name as written in scenario files.
    package var name: String {
        switch self {
        case .get: "get"
        case .list: "list"
        case .create: "create"
        case .update: "update"
        case .delete: "delete"
        case .custom: "custom"
        case .recorded: "recorded"
        }
    }
}
