import WorldModel

extension ScenarioReader {
    static let operations = ["get", "list", "create", "update", "delete", "custom", "recorded"]
    static let commonToolKeys = [
        "name", "service", "scope", "description", "input", "op", "let", "requires", "idempotency", "approval",
        "ends_episode",
    ]
    /// The keys that make an object an effect, one per kind.
    static let effectKinds = ["update", "create", "delete", "for_each", "let", "if"]
    static let operationKeys: [String: [String]] = [
        "get": ["collection", "key", "fields"],
        "list": ["collection", "filter", "order_by", "page_size", "fields"],
        "create": ["collection", "value", "key", "fields"],
        "update": ["collection", "key", "where", "set", "append", "fields"],
        "delete": ["collection", "key", "where"],
        "custom": ["effects", "returns", "fields"],
        "recorded": ["recorded", "default"],
    ]

    mutating func readTools(_ value: JSON?, catalog: Catalog) -> [ToolSpec] {
        guard let elements = array(value, "tools") else { return [] }
        var tools: [ToolSpec] = []
        var names: Set<String> = []
        for (index, element) in elements.enumerated() {
            let path = Self.join("tools", index)
            guard case .object(let raw) = element else {
                report(path, "expected a tool (an object), found \(Self.describe(element))")
                continue
            }
            let op = raw["op"].flatMap { choice($0, Self.join(path, "op"), Self.operations) }
            let allowed =
                Self.commonToolKeys
                + (op.flatMap { Self.operationKeys[$0] } ?? Self.operations.flatMap { Self.operationKeys[$0] ?? [] })
            guard
                let tool = object(
                    element, path, allowed: allowed, required: ["name", "service", "description", "input", "op"])
            else { continue }
            let name = string(tool["name"], Self.join(path, "name"), nonEmpty: true)
            if let name { checkIdentifier(name, Self.join(path, "name"), what: "a tool name") }
            if let name, !names.insert(name).inserted {
                report(Self.join(path, "name"), "another tool is already named '\(name)'")
            }
            let service = string(tool["service"], Self.join(path, "service"))
            if let service, catalog.servicesDeclared, !catalog.services.contains(service) {
                report(
                    Self.join(path, "service"),
                    "unknown service '\(service)'\(Self.suggestion(service, among: catalog.services))")
            }
            let scope = string(tool["scope"], Self.join(path, "scope"), nonEmpty: true)
            let description = string(tool["description"], Self.join(path, "description")) ?? ""
            let (schemaJSON, schema) = readInputSchema(tool["input"], Self.join(path, "input"))
            let argsType = schemaJSON.map { ExpressionType(jsonSchema: $0) } ?? .openObject
            let fields = tool["fields"].flatMap { readStrings($0, Self.join(path, "fields")) }
            guard let op, let name, let service, let schema, let schemaJSON else { continue }

            let collection = tool["collection"].flatMap {
                readCollection($0, Self.join(path, "collection"), catalog: catalog)
            }
            if op != "custom", op != "recorded", tool["collection"] == nil {
                report(path, "missing required key 'collection' (op '\(op)' works on a collection)")
            }
            // `idempotency` and `approval` are decided before the tool's `let` names are bound.
            let beforeLet = catalog.scope(args: argsType, rowOf: nil)
            let (bindings, letLocals) = readBindings(
                tool["let"], Self.join(path, "let"), catalog: catalog, args: argsType, locals: [])
            let noRow = catalog.scope(args: argsType, rowOf: nil, locals: letLocals)
            let withRow = catalog.scope(
                args: argsType, rowOf: collection, locals: letLocals, unknownRow: collection == nil)
            let endsEpisode = tool["ends_episode"].flatMap { bool($0, Self.join(path, "ends_episode")) } ?? false
            var requires: [Precondition] = []
            for (position, item) in (array(tool["requires"], Self.join(path, "requires")) ?? []).enumerated() {
                if let precondition = readPrecondition(
                    item, Self.join(Self.join(path, "requires"), position), scope: noRow)
                {
                    requires.append(precondition)
                }
            }
            let idempotency = expression(tool["idempotency"], Self.join(path, "idempotency"), scope: beforeLet)
            let approval = condition(tool["approval"], Self.join(path, "approval"), scope: beforeLet)

            var operation: ToolOperation?
            switch op {
            case "get":
                let key =
                    tool["key"] != nil
                    ? expression(tool["key"], Self.join(path, "key"), scope: noRow)
                    : defaultKey(schema: schemaJSON, path: path, scope: noRow)
                if let collection, let key { operation = .get(collection: collection, key: key) }
            case "list":
                let filter = condition(tool["filter"], Self.join(path, "filter"), scope: withRow)
                var order: OrderBy?
                if let text = string(tool["order_by"], Self.join(path, "order_by")) {
                    order = OrderBy(text)
                    let name = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
                    if name.isEmpty
                        || name.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
                    {
                        report(
                            Self.join(path, "order_by"),
                            "expected a field name, or '-field' for descending, found '\(text)'")
                        order = nil
                    } else if let field = order?.field.first, let collection,
                        let known = catalog.fields(of: collection), !known.contains(field)
                    {
                        report(
                            Self.join(path, "order_by"),
                            "unknown field '\(field)' of \(collection)\(Self.suggestion(field, among: known))")
                    }
                }
                let pageSize = integer(tool["page_size"], Self.join(path, "page_size"), in: 1...1000)
                if let collection {
                    operation = .list(
                        collection: collection, filter: filter, orderBy: order, pageSize: pageSize.map(Int.init))
                }
            case "create":
                let value = readAssignments(
                    tool["value"], Self.join(path, "value"), scope: noRow, required: true, indexed: false)
                let key = expression(tool["key"], Self.join(path, "key"), scope: noRow)
                if let collection { operation = .create(collection: collection, value: value, key: key) }
            case "update":
                let selector = readSelector(
                    tool, path: path, keyScope: noRow, rowScope: withRow, defaultSchema: schemaJSON)
                let set = readAssignments(tool["set"], Self.join(path, "set"), scope: withRow, required: false)
                let append = readAssignments(
                    tool["append"], Self.join(path, "append"), scope: withRow, required: false)
                if set.isEmpty && append.isEmpty && tool["set"] == nil && tool["append"] == nil {
                    report(path, "an update needs 'set' or 'append'")
                }
                if let collection, let selector {
                    operation = .update(collection: collection, selector: selector, set: set, append: append)
                }
            case "delete":
                let selector = readSelector(
                    tool, path: path, keyScope: noRow, rowScope: withRow, defaultSchema: schemaJSON)
                if let collection, let selector { operation = .delete(collection: collection, selector: selector) }
            case "recorded":
                operation = readRecordedAnswers(tool, path: path).map(ToolOperation.recorded)
            default:
                let effects = readEffects(
                    tool["effects"], Self.join(path, "effects"), catalog: catalog, args: argsType, locals: letLocals)
                let returns = expression(tool["returns"], Self.join(path, "returns"), scope: noRow)
                if tool["effects"] == nil && tool["returns"] == nil {
                    report(path, "a custom tool needs 'effects' or 'returns'")
                }
                operation = .custom(effects: effects, returns: returns)
            }
            if let fields, let collection {
                readProjection(fields, Self.join(path, "fields"), collection: collection, catalog: catalog)
            }
            guard let operation else { continue }
            tools.append(
                ToolSpec(
                    name: name, service: service, scope: scope, description: description, inputSchemaJSON: schemaJSON,
                    inputSchema: schema, operation: operation, requires: requires, fields: fields,
                    idempotencyKey: idempotency, approval: approval, bindings: bindings, endsEpisode: endsEpisode))
        }
        return tools
    }

    mutating func readInputSchema(_ value: JSON?, _ path: String) -> (JSON?, JSONSchema?) {
        guard let value else { return (nil, nil) }
        guard case .object = value else {
            report(path, "expected a JSON Schema object, found \(Self.describe(value))")
            return (nil, nil)
        }
        if let type = value["type"], type != "object" {
            report(
                Self.join(path, "type"), "a tool's input schema must have type 'object', found \(Self.describe(type))")
            return (nil, nil)
        }
        do throws(JSONSchemaError) {
            return (value, try JSONSchema(value))
        } catch {
            report(JSONPath.Component.render(error.jsonPath.components, under: path), error.message)
            return (value, nil)
        }
    }

    mutating func readStrings(_ value: JSON, _ path: String) -> [String]? {
        guard let elements = array(value, path) else { return nil }
        return elements.enumerated().compactMap { string($0.element, Self.join(path, $0.offset)) }
    }

    /// `fields` projects rows of `collection`: each names a field rows can have (a dotted path
    /// by its first segment), once.
    mutating func readProjection(_ fields: [String], _ path: String, collection: String, catalog: Catalog) {
        guard let known = catalog.fields(of: collection) else { return }
        if fields.isEmpty { report(path, "expected at least one field (omit 'fields' to return whole rows)") }
        var seen: Set<String> = []
        for (index, field) in fields.enumerated() {
            let fieldPath = Self.join(path, index)
            let segments = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if segments.contains(where: \.isEmpty) {
                report(fieldPath, "expected a field name or dotted path like 'address.zip', found '\(field)'")
            } else if let first = segments.first, !known.contains(first) {
                report(fieldPath, "unknown field '\(first)' of \(collection)\(Self.suggestion(first, among: known))")
            } else if !seen.insert(field).inserted {
                report(fieldPath, "'\(field)' is listed twice")
            }
        }
    }

    mutating func readCollection(_ value: JSON, _ path: String, catalog: Catalog) -> String? {
        guard let name = string(value, path) else { return nil }
        guard catalog.fields(of: name) != nil else {
            report(
                path,
                "unknown collection '\(name)'\(Self.suggestion(name, among: catalog.collectionNames)); declare it under 'data' (an empty array is fine)"
            )
            return nil
        }
        return name
    }

    /// `get`, `update` and `delete` default to the row whose id is `args.id`.
    mutating func defaultKey(schema: JSON, path: String, scope: ExpressionScope) -> CompiledExpression? {
        guard schema["properties"]?["id"] != nil else {
            report(path, "missing 'key' (the default key is args.id, but the input schema has no property 'id')")
            return nil
        }
        return expression(.string("args.id"), Self.join(path, "key"), scope: scope)
    }

    mutating func readSelector(
        _ object: JSONObject, path: String, keyScope: ExpressionScope, rowScope: ExpressionScope, defaultSchema: JSON?
    ) -> RowSelector? {
        if object["key"] != nil && object["where"] != nil {
            report(path, "give either 'key' or 'where', not both")
            return nil
        }
        if let whereValue = object["where"] {
            return condition(whereValue, Self.join(path, "where"), scope: rowScope).map {
                RowSelector.selecting(where: $0)
            }
        }
        if let keyValue = object["key"] {
            return expression(keyValue, Self.join(path, "key"), scope: keyScope).map(RowSelector.key)
        }
        guard let defaultSchema else {
            report(path, "missing 'key' or 'where'")
            return nil
        }
        return defaultKey(schema: defaultSchema, path: path, scope: keyScope).map(RowSelector.key)
    }

    /// An object of field path → expression: `set` and `append` take paths with `[expr]`
    /// segments (`FieldPath`), a new row's `value` only names fields (`indexed: false`).
    mutating func readAssignments(
        _ value: JSON?, _ path: String, scope: ExpressionScope, required: Bool, indexed: Bool = true
    ) -> [FieldAssignment] {
        guard let value else {
            if required { report(path, "missing (an object of field → expression)") }
            return []
        }
        guard case .object(let object) = value else {
            report(path, "expected an object of field → expression, found \(Self.describe(value))")
            return []
        }
        var assignments: [FieldAssignment] = []
        for (field, source) in object.members {
            let fieldPath = Self.join(path, field)
            guard let target = readFieldPath(field, fieldPath, scope: scope, indexed: indexed) else { continue }
            if target.first == "id" && path.hasSuffix(".set") {
                report(fieldPath, "the id of a row cannot be changed")
                continue
            }
            if let expression = expression(source, fieldPath, scope: scope) {
                assignments.append(FieldAssignment(path: target, value: expression))
            }
        }
        return assignments
    }

    /// Parses a field path and compiles its `[expr]` segments (each a string key or an integer
    /// index) in `scope`; reports at `path` and returns nil when it is not one.
    mutating func readFieldPath(_ text: String, _ path: String, scope: ExpressionScope, indexed: Bool) -> FieldPath? {
        let syntax: [FieldPathSyntax]
        do throws(FieldPathSyntaxError) {
            syntax = try FieldPath.parse(text)
        } catch {
            report(path, "expected a field name or a path like 'address.zip' or 'items[0].price': \(error)")
            return nil
        }
        var segments: [FieldPath.Segment] = []
        var failed = false
        for segment in syntax {
            switch segment {
            case .field(let name):
                segments.append(.field(name))
            case .index(let source):
                guard indexed else {
                    report(
                        path,
                        "a new row's fields are named ('address.zip'); '[\(source)]' segments are for 'set' and 'append' paths"
                    )
                    return nil
                }
                do throws(ExpressionCompileError) {
                    let expression = try CompiledExpression.compile(source, in: scope)
                    switch expression.type {
                    case .string, .number, .any:
                        segments.append(.index(expression))
                    default:
                        report(
                            path,
                            "the index [\(source)] gives \(expression.type); expected a string (a key) or an integer (an element)"
                        )
                        failed = true
                    }
                } catch {
                    report(path, "in [\(source)]: \(error.description)")
                    failed = true
                }
            }
        }
        return failed ? nil : FieldPath(text: text, segments: segments)
    }

    /// A `let` object: name → expression, evaluated in the order written (the parser keeps the
    /// file's key order), each seeing `locals` and the names before it. Returns the bindings and
    /// `locals` extended with their names and types.
    mutating func readBindings(
        _ value: JSON?, _ path: String, catalog: Catalog, args: ExpressionType, locals: [(String, ExpressionType)]
    ) -> ([LetBinding], [(String, ExpressionType)]) {
        guard let value else { return ([], locals) }
        guard case .object(let object) = value else {
            report(path, "expected an object of name → expression, found \(Self.describe(value))")
            return ([], locals)
        }
        if object.isEmpty { report(path, "expected at least one name (omit 'let' to bind none)") }
        var bindings: [LetBinding] = []
        var scopeLocals = locals
        let names = object.members.map(\.key)
        for (position, (name, source)) in object.members.enumerated() {
            let namePath = Self.join(path, name)
            guard Self.isIdentifier(name) else {
                checkIdentifier(name, namePath, what: "a 'let' name")
                continue
            }
            if LetBinding.isReserved(name) {
                let what = ["args", "row", "saved"].contains(name) ? "a variable the engine binds" : "a built-in name"
                report(namePath, "'\(name)' is \(what); choose another name")
                continue
            }
            if scopeLocals.contains(where: { $0.0 == name }) {
                report(namePath, "'\(name)' is already a name in scope; choose another")
                continue
            }
            let scope = catalog.scope(args: args, rowOf: nil, locals: scopeLocals)
            guard case .string(let text) = source else {
                _ = expression(source, namePath, scope: scope)  // Reports what was found instead.
                continue
            }
            do throws(ExpressionCompileError) {
                let compiled = try CompiledExpression.compile(text, in: scope)
                bindings.append(LetBinding(name: name, value: compiled))
                scopeLocals.append((name, compiled.type))
            } catch {
                // A name bound further down reads as unknown here: say so, rather than suggest.
                let later = names[(position + 1)...]
                if let used = later.first(where: { error.message == "unknown name '\($0)'" }) {
                    report(
                        namePath,
                        "'\(used)' is used before it is bound: 'let' names are bound in the order written, so '\(used)' must come before '\(name)'"
                    )
                } else {
                    report(namePath, error.description)
                }
                // Later names may use this one: bind it untyped so they are still checked.
                scopeLocals.append((name, .any))
            }
        }
        return (bindings, scopeLocals)
    }

    mutating func readPrecondition(_ value: JSON, _ path: String, scope: ExpressionScope) -> Precondition? {
        guard
            let object = object(
                value, path, allowed: ["expr", "status", "message"], required: ["expr", "status", "message"])
        else { return nil }
        let expression = condition(object["expr"], Self.join(path, "expr"), scope: scope)
        let status = integer(object["status"], Self.join(path, "status"), in: 400...499)
        let message = string(object["message"], Self.join(path, "message"), nonEmpty: true)
        // `{{expression}}` placeholders, as in solution answers, over the same names as `expr`.
        let template = message.flatMap { text in
            text.contains("{{") ? readTemplate(text, Self.join(path, "message"), scope: scope) : nil
        }
        guard let expression, let status, let message else { return nil }
        if message.contains("{{"), template == nil { return nil }
        return Precondition(expression: expression, status: Int(status), message: message, messageTemplate: template)
    }

    /// A list of effects. Names an effect `let` binds are in scope for the effects after it in
    /// this list (and in their nested lists), and no further.
    mutating func readEffects(
        _ value: JSON?, _ path: String, catalog: Catalog, args: ExpressionType, locals outer: [(String, ExpressionType)]
    ) -> [Effect] {
        guard let value else { return [] }
        guard let elements = array(value, path) else { return [] }
        var effects: [Effect] = []
        var locals = outer
        let kindList = Self.effectKinds.map { "'\($0)'" }
        let kindText = kindList.dropLast().joined(separator: ", ") + " or " + (kindList.last ?? "")
        for (index, element) in elements.enumerated() {
            let effectPath = Self.join(path, index)
            guard case .object(let raw) = element else {
                report(
                    effectPath, "expected an effect (an object with \(kindText)), found \(Self.describe(element))")
                continue
            }
            let kinds = Self.effectKinds.filter { raw[$0] != nil }
            guard kinds.count == 1, let kind = kinds.first else {
                report(
                    effectPath,
                    kinds.isEmpty
                        ? "an effect needs one of \(kindText)\(Self.suggestion(raw.keys.first ?? "", among: Self.effectKinds))"
                        : "an effect has exactly one of \(kindText), found \(kinds.joined(separator: " and "))"
                )
                continue
            }
            let noRow = catalog.scope(args: args, rowOf: nil, locals: locals)
            switch kind {
            case "update", "delete":
                let allowed =
                    kind == "update" ? ["update", "key", "where", "set", "append"] : ["delete", "key", "where"]
                guard let effect = object(element, effectPath, allowed: allowed) else { continue }
                guard let collection = readCollection(effect[kind]!, Self.join(effectPath, kind), catalog: catalog)
                else { continue }
                let withRow = catalog.scope(args: args, rowOf: collection, locals: locals)
                guard effect["key"] != nil || effect["where"] != nil else {
                    report(effectPath, "missing 'key' or 'where' (which rows to \(kind))")
                    continue
                }
                guard
                    let selector = readSelector(
                        effect, path: effectPath, keyScope: noRow, rowScope: withRow, defaultSchema: nil)
                else { continue }
                if kind == "update" {
                    let set = readAssignments(
                        effect["set"], Self.join(effectPath, "set"), scope: withRow, required: false)
                    let append = readAssignments(
                        effect["append"], Self.join(effectPath, "append"), scope: withRow, required: false)
                    if effect["set"] == nil && effect["append"] == nil {
                        report(effectPath, "an update needs 'set' or 'append'")
                    }
                    effects.append(.update(collection: collection, selector: selector, set: set, append: append))
                } else {
                    effects.append(.delete(collection: collection, selector: selector))
                }
            case "create":
                guard
                    let effect = object(element, effectPath, allowed: ["create", "value", "key"], required: ["value"])
                else { continue }
                guard
                    let collection = readCollection(
                        effect["create"]!, Self.join(effectPath, "create"), catalog: catalog)
                else { continue }
                let value = readAssignments(
                    effect["value"], Self.join(effectPath, "value"), scope: noRow, required: false, indexed: false)
                let key = expression(effect["key"], Self.join(effectPath, "key"), scope: noRow)
                effects.append(.create(collection: collection, value: value, key: key))
            case "for_each":
                guard
                    let effect = object(
                        element, effectPath, allowed: ["for_each", "as", "do"], required: ["as", "do"])
                else { continue }
                let items = expression(effect["for_each"], Self.join(effectPath, "for_each"), scope: noRow)
                guard let variable = string(effect["as"], Self.join(effectPath, "as"), nonEmpty: true) else { continue }
                checkIdentifier(variable, Self.join(effectPath, "as"), what: "a loop variable")
                if effect["do"]?.arrayValue?.isEmpty == true {
                    report(Self.join(effectPath, "do"), "expected at least one effect")
                }
                if ["args", "row"].contains(variable) || locals.contains(where: { $0.0 == variable }) {
                    report(Self.join(effectPath, "as"), "'\(variable)' is already a name in scope; choose another")
                    continue
                }
                let elementType: ExpressionType = if case .array(let element)? = items?.type { element } else { .any }
                let body = readEffects(
                    effect["do"], Self.join(effectPath, "do"), catalog: catalog, args: args,
                    locals: locals + [(variable, elementType)])
                if let items { effects.append(.forEach(items: items, variable: variable, body: body)) }
            case "let":
                guard let effect = object(element, effectPath, allowed: ["let"]) else { continue }
                let (bindings, bound) = readBindings(
                    effect["let"], Self.join(effectPath, "let"), catalog: catalog, args: args, locals: locals)
                locals = bound
                effects.append(.bind(bindings))
            default:  // if
                guard
                    let effect = object(element, effectPath, allowed: ["if", "then", "else"], required: ["then"])
                else { continue }
                let condition = condition(effect["if"], Self.join(effectPath, "if"), scope: noRow)
                for branch in ["then", "else"] where effect[branch]?.arrayValue?.isEmpty == true {
                    report(
                        Self.join(effectPath, branch),
                        "expected at least one effect\(branch == "else" ? " (omit 'else' when there is nothing to do)" : "")"
                    )
                }
                let then = readEffects(
                    effect["then"], Self.join(effectPath, "then"), catalog: catalog, args: args, locals: locals)
                let otherwise = readEffects(
                    effect["else"], Self.join(effectPath, "else"), catalog: catalog, args: args, locals: locals)
                if let condition { effects.append(.branch(condition: condition, then: then, otherwise: otherwise)) }
            }
        }
        return effects
    }
}
