import WorldModel

/// The response faults of one tool, inferred from its recorded calls: fields missing, null or of
/// another type in a share of the successful answers (`missing_field`, `null_field`,
/// `wrong_type`), error bodies with a success status (`error_in_ok`), bodies cut short
/// (`malformed_json`), and HTML error pages (`server_error` with `html`), each with the share it
/// was seen in as the rule's `p`.
///
/// How the shares are counted, so that the learned rules reproduce them:
/// - *Field faults* are counted per answer over the answers that could show them (a row whose
///   parent object of the field is there). A row with a string `id` counts only when that id was
///   seen with the field as usual in some answer: a departure every sighting of a row shares is
///   the row's data (an optional or nullable field), not a fault. Rows without ids count always.
///   A share above one half is read as the data's shape (an optional, nullable or mixed-type
///   field, or a field that only some answers add), never written as a fault. The shares
///   are conditional — `missing_field` over the answers, `null_field` over those that have the
///   field, `wrong_type` over those where it is not null — and the rules are written in the
///   order `wrong_type`, `null_field`, `missing_field`, so the simulation, which applies them in
///   that order, shows the recorded shares.
/// - *`error_in_ok`*: successful answers whose body is an error object (`{"error": …}`), over
///   the answers that parsed; such bodies give no rows to the field counts.
/// - *`malformed_json`*: bodies that start like JSON (`{` or `[`) but do not parse, over the
///   successful answers that start like JSON; only for tools that mostly answer JSON.
/// - *HTML error pages* (a 5xx whose body is an HTML document) become one `server_error` rule
///   with `html` and the pages' most frequent status, with `p` the pages' share of the calls that
///   got an answer or a page. Such calls are given to the dynamics as answered calls
///   (`forDynamics`), so the regimes' `server_error` rates count only the other 5xx and the
///   pages are not counted twice. The rule fires independently of the regime: pages that came
///   only in one regime are spread over all of them.
package struct ResponseFaultInference: Sendable, Hashable {
    /// One inferred rule and the evidence for it.
    package struct Rule: Sendable, Hashable {
        /// `missing_field`, `null_field`, `wrong_type`, `malformed_json` or `server_error`.
        package var kind: FaultKind.Name
        /// The field's dotted name, for field faults.
        package var field: String?
        /// The status of an HTML error page (500, 502 or 503).
        package var status: Int?
        /// The rule's probability: `count / of`, rounded to four decimals.
        package var p: Double
        /// The answers that showed it.
        package var count: Int
        /// The answers that could have shown it.
        package var of: Int
    }

    /// Fewer successful answers than this (or answers that could show a field's fault) infer no
    /// fault: the report says so instead of writing noise.
    package static let minimumAnswers = 20

    /// The tool's name in the traffic.
    package var tool: String
    /// Its successful calls.
    package var answers: Int
    /// Successful answers that parsed as JSON, were cut short, or were plain text.
    package var jsonAnswers: Int, malformedAnswers: Int, textAnswers: Int
    /// 5xx answers that were HTML pages.
    package var htmlPages: Int
    /// The schema of its JSON answers, when it had any.
    package var schema: ResponseSchema?
    /// The rules, in the order they are written.
    package var rules: [Rule] = []
    /// What was seen but not written as a rule, and why.
    package var notes: [String] = []

    /// Infers the response faults of `tool` from its `calls` (those used for the fit).
    package init(tool: String, calls: [RecordedCall]) {
        self.tool = tool
        let answered = calls.filter { $0.outcome == .ok }
        answers = answered.count
        var bodies: [JSON] = []
        var malformed = 0
        var text = 0
        for call in answered {
            if let structured = call.structured {
                bodies.append(structured)
            } else if Self.startsLikeJSON(call.body) {
                malformed += 1
            } else {
                text += 1
            }
        }
        jsonAnswers = bodies.count
        malformedAnswers = malformed
        textAnswers = text
        let pages = calls.filter(Self.isHTMLPage)
        htmlPages = pages.count

        if !pages.isEmpty { inferHTMLPages(pages) }
        let jsonLike = bodies.count + malformed
        if malformed > 0 {
            if jsonLike * 2 <= answers {
                notes.append(
                    "\(malformed) bodies start like JSON but do not parse; most answers (\(text) of \(answers)) are "
                        + "text, so they are not read as malformed_json")
            } else if jsonLike < Self.minimumAnswers {
                notes.append(
                    "\(malformed) bodies cut short in \(jsonLike) JSON answers: \(Self.minimumAnswers) needed to infer "
                        + "malformed_json")
            } else {
                add(.malformedJSON, field: nil, count: malformed, of: jsonLike)
            }
        }
        guard !bodies.isEmpty else { return }
        let errors = bodies.filter(ResponseSchema.isError).count
        if errors > 0 {
            if bodies.count < Self.minimumAnswers {
                notes.append(
                    "\(errors) error bodies with a success status in \(bodies.count) JSON answers: "
                        + "\(Self.minimumAnswers) needed to infer error_in_ok")
            } else if errors * 2 > bodies.count {
                notes.append(
                    "\(errors) of \(bodies.count) JSON answers are error bodies with a success status: more than "
                        + "half, read as how the tool answers, not as error_in_ok")
            } else {
                add(.errorInOK, field: nil, count: errors, of: bodies.count)
            }
        }
        let schema = ResponseSchema(bodies: bodies)
        self.schema = schema
        guard bodies.count >= Self.minimumAnswers else {
            if answers > 0 {
                notes.append(
                    "\(bodies.count) JSON answers: \(Self.minimumAnswers) needed to infer missing, null or retyped "
                        + "fields")
            }
            return
        }
        var rowData: [String] = []
        var shape: [String] = []
        for field in schema.fields where field.type != .null {
            inferFieldFaults(field, schema: schema, bodies: bodies, rowData: &rowData, shape: &shape)
        }
        if !rowData.isEmpty {
            notes.append(
                "\(Self.names(rowData)): absent, null or of another type only on rows never seen with "
                    + "\(rowData.count == 1 ? "it" : "them") as usual: those rows' data, not a fault")
        }
        if !shape.isEmpty {
            notes.append(
                "\(Self.names(shape)): absent, null or of another type in more than half the answers: the data's "
                    + "shape (an optional, nullable or mixed-type field, or one only some answers add), not a fault")
        }
    }

    /// `field a`, `fields a, b and c`, `fields a, b, c, d, e, f and 12 more`.
    static func names(_ fields: [String]) -> String {
        if fields.count == 1 { return "field \(fields[0])" }
        let shown = fields.prefix(6)
        let rest = fields.count - shown.count
        let last = rest > 0 ? "\(rest) more" : shown.last!
        let head = rest > 0 ? Array(shown) : Array(shown.dropLast())
        return "fields \(head.joined(separator: ", ")) and \(last)"
    }

    /// Whether `call` was answered with an HTML error page: a server error whose body is an HTML
    /// document.
    package static func isHTMLPage(_ call: RecordedCall) -> Bool {
        guard call.outcome == .serverError, call.structured == nil else { return false }
        let start = call.body.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }.prefix(512).lowercased()
        return start.hasPrefix("<!doctype html") || start.hasPrefix("<html")
            || (start.hasPrefix("<") && start.contains("<html"))
    }

    /// `call` as the dynamics are fitted to it: an HTML error page (which a `server_error` rule
    /// with `html` answers) as an answered call, so the regimes' error rates do not count it too.
    package static func forDynamics(_ call: RecordedCall) -> RecordedCall {
        guard isHTMLPage(call) else { return call }
        var answered = call
        answered.outcome = .ok
        return answered
    }

    /// `call` (one of this tool's) as state inference should read it: `nil` when a fault damaged
    /// its whole body (`isDamaged`), else the call with the fields a fault nulled or retyped taken
    /// out of its rows, so the state is neither taken from nor checked against a damaged value.
    /// Calls keep their order: state inference replays them in sequence.
    package func forState(_ call: RecordedCall) -> RecordedCall? {
        guard !Self.isDamaged(call) else { return nil }
        guard call.outcome == .ok, let schema, let body = call.structured else { return call }
        let damaged = schema.fields.filter { field in
            schema.rowsOf(body).contains { row in
                switch schema.observe(field, in: row) {
                case .departed(.wrongType)?: true
                case .departed(.null)?: !field.nullable
                default: false
                }
            }
        }
        guard !damaged.isEmpty else { return call }
        func strip(_ row: JSONObject) -> JSONObject {
            damaged.reduce(row) { row, field in Self.removing(field.path[...], from: row) }
        }
        var repaired = call
        func stripAll(_ items: [JSON]) -> JSON { .array(items.map { $0.objectValue.map { .object(strip($0)) } ?? $0 }) }
        switch body {
        case .array(let items) where schema.isList:
            repaired.structured = stripAll(items)
        case .object(var object) where schema.isList:
            guard let items = object["items"]?.arrayValue else { return call }
            _ = object.updateValue(stripAll(items), forKey: "items")
            repaired.structured = .object(object)
        case .object(let row): repaired.structured = .object(strip(row))
        default: return call
        }
        return repaired
    }

    /// `row` without the member at `path` (a dotted path through nested objects).
    static func removing(_ path: ArraySlice<String>, from row: JSONObject) -> JSONObject {
        guard let key = path.first else { return row }
        var row = row
        if path.count == 1 {
            _ = row.removeValue(forKey: key)
        } else if case .object(let nested)? = row[key] {
            _ = row.updateValue(.object(removing(path.dropFirst(), from: nested)), forKey: key)
        }
        return row
    }

    /// Whether `call` succeeded with a body a response fault damaged: cut short (it starts like
    /// JSON but does not parse) or an error object. Such bodies say nothing about the state.
    package static func isDamaged(_ call: RecordedCall) -> Bool {
        guard call.outcome == .ok else { return false }
        if let structured = call.structured { return ResponseSchema.isError(structured) }
        return startsLikeJSON(call.body)
    }

    static func startsLikeJSON(_ body: String) -> Bool {
        guard let first = body.utf8.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            return false
        }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    private mutating func add(_ kind: FaultKind.Name, field: String?, status: Int? = nil, count: Int, of: Int) {
        let p = LatencyFit.rounded(Double(count) / Double(of), digits: 4)
        guard p > 0 else { return }
        rules.append(Rule(kind: kind, field: field, status: status, p: p, count: count, of: of))
    }

    private mutating func inferHTMLPages(_ pages: [RecordedCall]) {
        let of = answers + pages.count
        guard of >= Self.minimumAnswers else {
            notes.append(
                "\(pages.count) HTML error pages in \(of) calls: \(Self.minimumAnswers) needed to infer a "
                    + "server_error rule with html")
            return
        }
        var counts: [(status: Int, count: Int)] = []
        for status in pages.compactMap(\.status) where [500, 502, 503].contains(status) {
            if let index = counts.firstIndex(where: { $0.status == status }) {
                counts[index].count += 1
            } else {
                counts.append((status, 1))
            }
        }
        // The most frequent status (ties to the first seen); 503 when none was recorded.
        let best = counts.reduce(into: (status: 503, count: 0)) { best, next in
            if next.count > best.count { best = next }
        }
        if counts.isEmpty {
            notes.append("the HTML pages' status is not 500, 502 or 503 (or was not recorded): written as 503")
        }
        add(.serverError, field: nil, status: best.status, count: pages.count, of: of)
    }

    /// Counts, over the answers that could show it, how often `field` was missing, null or of
    /// another type, and adds the rules (in the order they are written: wrong type, null, missing).
    /// Fields whose departures were all on rows never seen with them as usual join `rowData`;
    /// fields departing in more than half the answers join `shape`.
    private mutating func inferFieldFaults(
        _ field: ResponseSchema.Field, schema: ResponseSchema, bodies: [JSON], rowData: inout [String],
        shape: inout [String]
    ) {
        // Ids of rows seen with the field as usual: a departure on another row is its data.
        var usual: Set<String> = []
        for body in bodies {
            for row in schema.rowsOf(body) where schema.observe(field, in: row) == .expected {
                if case .string(let id)? = row["id"] { usual.insert(id) }
            }
        }
        var of = 0
        var missing = 0
        var nulls = 0
        var retyped = 0
        var onRowData = 0
        for body in bodies {
            var counted = false
            var worst: ResponseSchema.Departure?
            for row in schema.rowsOf(body) {
                guard let seen = schema.observe(field, in: row) else { continue }
                if case .string(let id)? = row["id"] {
                    guard usual.contains(id) else {
                        onRowData += 1
                        continue
                    }
                }
                counted = true
                guard case .departed(let departure) = seen else { continue }
                switch (worst, departure) {
                case (nil, _), (.wrongType?, .null), (.wrongType?, .missing), (.null?, .missing): worst = departure
                default: break
                }
            }
            guard counted else { continue }
            of += 1
            switch worst {
            case .missing?: missing += 1
            case .null?: nulls += 1
            case .wrongType?: retyped += 1
            case nil: break
            }
        }
        let name = field.name
        guard missing + nulls + retyped > 0 else {
            if onRowData > 0 { rowData.append(name) }
            return
        }
        guard of >= Self.minimumAnswers else {
            notes.append(
                "field \(name): departs in \(missing + nulls + retyped) of \(of) answers: \(Self.minimumAnswers) "
                    + "needed to infer a fault")
            return
        }
        // Conditional shares, written in the order the simulation applies them.
        let candidates: [(FaultKind.Name, Int, Int)] = [
            (.wrongType, retyped, of - missing - nulls), (.nullField, nulls, of - missing),
            (.missingField, missing, of),
        ]
        for (kind, count, total) in candidates where count > 0 {
            if count * 2 > total {
                if !shape.contains(name) { shape.append(name) }
                continue
            }
            add(kind, field: name, count: count, of: total)
        }
    }

    /// The rules as scenario `faults` entries for the tool named `toolID` in the scenario; rule
    /// ids are made unique in `ids`.
    package func scenarioRules(toolID: String, ids: inout Set<String>) -> [JSON] {
        rules.map { rule in
            let stem =
                [toolID, rule.kind.rawValue]
                + (rule.field.map { [ScenarioLearner.identifier($0, fallback: "field")] } ?? [])
            var object: JSONObject = [
                "id": .string(ScenarioLearner.unique(stem.joined(separator: "."), in: &ids)),
                "tool": .string(toolID), "kind": .string(rule.kind.rawValue), "p": .double(rule.p),
            ]
            if let field = rule.field { _ = object.updateValue(.string(field), forKey: "field") }
            if let status = rule.status {
                _ = object.updateValue(.int(status), forKey: "status")
                _ = object.updateValue(true, forKey: "html")
            }
            return .object(object)
        }
    }

    /// The report's entry, as JSON.
    package var json: JSON {
        var object: JSONObject = [
            "answers": .int(answers), "json_answers": .int(jsonAnswers), "malformed_answers": .int(malformedAnswers),
            "text_answers": .int(textAnswers), "html_pages": .int(htmlPages),
        ]
        if let schema {
            _ = object.updateValue(
                .object([
                    "list": .bool(schema.isList), "bodies": .int(schema.bodies), "rows": .int(schema.rows),
                    "fields": .array(
                        schema.fields.map { field in
                            [
                                "name": .string(field.name), "type": .string(field.type.rawValue),
                                "required": .bool(field.required), "nullable": .bool(field.nullable),
                                "rows": .int(field.rows), "present": .int(field.present),
                            ]
                        }),
                ]), forKey: "schema")
        }
        _ = object.updateValue(
            .array(
                rules.map { rule in
                    var entry: JSONObject = [
                        "kind": .string(rule.kind.rawValue), "p": .double(rule.p), "count": .int(rule.count),
                        "of": .int(rule.of),
                    ]
                    if let field = rule.field { _ = entry.updateValue(.string(field), forKey: "field") }
                    if let status = rule.status { _ = entry.updateValue(.int(status), forKey: "status") }
                    return .object(entry)
                }), forKey: "rules")
        _ = object.updateValue(.array(notes.map { .string($0) }), forKey: "notes")
        return .object(object)
    }

    /// The report's lines (indented under the tool's line).
    package var lines: [String] {
        var lines: [String] = []
        if let schema, !schema.fields.isEmpty {
            let shown = 30
            var fields = schema.fields.prefix(shown).map { field in
                "\(field.name) \(field.type.rawValue)\(field.required ? "" : " optional")\(field.nullable ? " nullable" : "")"
            }
            if schema.fields.count > shown { fields.append("and \(schema.fields.count - shown) more") }
            lines.append(
                "  answer schema from \(jsonAnswers) JSON answers (\(schema.isList ? "lists of rows" : "one row each")): "
                    + fields.joined(separator: ", "))
        }
        for rule in rules {
            let what = rule.field.map { " \($0)" } ?? (rule.status.map { " \($0) html" } ?? "")
            lines.append(
                "  fault \(rule.kind.rawValue)\(what): p \(rule.p) (\(rule.count) of \(rule.of) "
                    + "\(rule.kind == .serverError ? "answered calls" : "answers"))")
        }
        for note in notes { lines.append("  not a fault rule: \(note)") }
        return lines
    }
}
