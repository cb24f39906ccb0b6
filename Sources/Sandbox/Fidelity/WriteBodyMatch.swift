import Scenarios
import WorldModel

/// How `simrun fidelity` compares the answers of world-changing tools (`create`, `update`,
/// `delete`, `custom`) for the `write body` figure: exactly, except for the fields the scenario
/// sets from the clock.
///
/// A write's answer is determined by the state, the arguments, and what the server sets itself:
/// ids from a collection's counter and the call's time. Counter ids are determined by the state
/// (the rows created before), so they must be equal like every other field; the figure compares
/// only calls whose earlier world-changing calls had the same outcome class in the recording and
/// the replay (`FidelityCheck.bodyComparisons`). The call's time is not: a replayed call is made
/// when the replay gets to it, so its `now()` differs from the recorded server's clock by the
/// simulation's latencies and by when in its call the real server stamped the row.
///
/// *Clock fields* are the fields an op of the scenario assigns with an expression that calls
/// `now()` (a `create`'s `value`, an `update`'s `set` or `append`, and the same inside a
/// `custom` op's effects), named by the last field of the assignment's path and matched by that
/// name at any depth of the answer. A clock field's values are compared by their offset from the
/// time of the call that set them: `issued_at = now() + 86400000` must be one day after the call
/// in both answers. The call that set it is this call, or an earlier call in the sequence of a
/// tool that stamps the same field (an idempotent retry answers the first call's row, an update
/// answers a row whose `created_at` its create stamped). A recorded call may have been stamped
/// at any moment of its interval (`ServerSetFields.interval`: from the call to its answer, one
/// millisecond either side); a simulated call is stamped at its time (`now()` is the call's
/// `atMs`). Values that are not numbers on both sides (a clock formatted as text) are compared by
/// presence and JSON type only. Every other field, at any depth, must be equal as canonical JSON.
package struct WriteBodyMatch: Sendable {
    /// Per tool of the scenario, in the scenario's order: the clock fields its op sets.
    package let clockFields: [(tool: String, fields: [String])]

    /// The clock fields of every world-changing tool of `scenario`.
    package init(scenario: Scenario) {
        clockFields = scenario.world.tools.compactMap { tool in
            guard !tool.isReadOnly else { return nil }
            let fields = Self.clockFields(of: tool.operation)
            return fields.isEmpty ? nil : (tool.name, fields)
        }
    }

    /// The fields `tool` sets from the clock, in the op's order (none for a tool without).
    package func fields(of tool: String) -> [String] { clockFields.first { $0.tool == tool }?.fields ?? [] }

    /// Whether any tool stamps `field`.
    func isClockField(_ field: String) -> Bool { clockFields.contains { $0.fields.contains(field) } }

    /// The figure's note for `tool`: which fields were compared by their offset from the call's
    /// time, and that everything else had to be equal.
    package func note(tool: String) -> String {
        let own = fields(of: tool)
        var others: [String] = []
        for entry in clockFields where entry.tool != tool {
            for field in entry.fields where !own.contains(field) && !others.contains(field) { others.append(field) }
        }
        if own.isEmpty && others.isEmpty {
            return "write body: no field is set from the clock (now()): every field must be equal"
        }
        let list = { (fields: [String]) in fields.map { "'\($0)'" }.joined(separator: ", ") }
        var parts: [String] = []
        if !own.isEmpty { parts.append("\(list(own)) (set from the clock by this tool)") }
        if !others.isEmpty { parts.append("\(list(others)) (by other tools)") }
        return "write body: \(parts.joined(separator: " and ")) compared by their offset from the time of the call "
            + "that set them (presence and type when not numbers); every other field must be equal"
    }

    /// Whether the answer at `index` of `simulated` matches the one at `index` of `recorded`
    /// (the same calls, one per index, `nil` where a side skipped a retry; neither is `nil` at
    /// `index`): bodies equal as canonical JSON except for clock fields, which must be the same
    /// offset from the time of a call, made on both sides, that may have set them (text bodies
    /// that are not JSON must be equal). With `referenceIsSimulated` the `recorded` side is a
    /// replay too (the baseline, `FidelityCheck.bodyComparisons`), which stamps at its call's
    /// time, not anywhere in its interval: its clock fields must then be the same offset from the
    /// same call's time exactly. (With the interval, a replay that retried a timed-out write the
    /// moment the timeout ended, as a replay behind its recorded times does, would stamp its
    /// retry inside the timed-out call's interval, and a refund committed by the timeout would
    /// match one committed by the retry.)
    package func matches(
        _ recorded: [RecordedCall?], _ simulated: [RecordedCall?], at index: Int, referenceIsSimulated: Bool = false
    ) -> Bool {
        let call = recorded[index]!
        let answer = simulated[index]!
        guard let a = try? JSON(parsing: call.body), let b = try? JSON(parsing: answer.body)
        else { return call.body == answer.body }
        // The calls that may have stamped a field: this one, and earlier calls of a tool stamping it.
        let stampers = { (field: String) -> [(RecordedCall, RecordedCall, next: Double?)] in
            ([index] + (0..<index).filter { recorded[$0].map { self.fields(of: $0.tool).contains(field) } ?? false })
                .compactMap { k in
                    guard let r = recorded[k], let s = simulated[k] else { return nil }
                    return (
                        r, s, k + 1 < recorded.count ? recorded[(k + 1)...].lazy.compactMap { $0 }.first?.atMs : nil
                    )
                }
        }
        return equal(a, b) { field, r, s in
            guard case .number(let x) = r, case .number(let y) = s else {
                return ResponseSchema.ValueType(of: r) == ResponseSchema.ValueType(of: s)
            }
            return stampers(field).contains { stamper, stamped, next in
                let offset = y.doubleValue - stamped.atMs
                let interval =
                    referenceIsSimulated
                    ? stamper.atMs...stamper.atMs : ServerSetFields.interval(of: stamper, until: next)
                return interval.contains(x.doubleValue - offset)
            }
        }
    }

    /// Structural equality of `a` and `b`: objects with the same keys and equal members (clock
    /// fields by `clock`), arrays of equal elements in order, other values equal as canonical JSON.
    func equal(_ a: JSON, _ b: JSON, clock: (String, JSON, JSON) -> Bool) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            guard x.count == y.count else { return false }
            return x.members.allSatisfy { key, value in
                guard let other = y[key] else { return false }
                return isClockField(key) ? clock(key, value, other) : equal(value, other, clock: clock)
            }
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1, clock: clock) }
        default:
            return a.canonicalText == b.canonicalText
        }
    }

    /// The clock fields an op sets, in its order: the last field name of each assignment whose
    /// expression calls `now()`.
    static func clockFields(of operation: ToolOperation) -> [String] {
        switch operation {
        case .create(_, let value, _): names(value)
        case .update(_, _, let set, let append): names(set + append)
        case .custom(let effects, _): clockFields(of: effects)
        case .get, .list, .delete, .recorded: []
        }
    }

    /// The clock fields `effects` set, in order, each once.
    static func clockFields(of effects: [Effect]) -> [String] {
        var fields: [String] = []
        for effect in effects {
            let found: [String]
            switch effect {
            case .create(_, let value, _): found = names(value)
            case .update(_, _, let set, let append): found = names(set + append)
            case .forEach(_, _, let body): found = clockFields(of: body)
            case .branch(_, let then, let otherwise): found = clockFields(of: then + otherwise)
            case .delete, .bind: found = []
            }
            for field in found where !fields.contains(field) { fields.append(field) }
        }
        return fields
    }

    /// The last field name of each assignment whose expression calls `now()`, each once.
    static func names(_ assignments: [FieldAssignment]) -> [String] {
        var fields: [String] = []
        for assignment in assignments where callsNow(assignment.value.source) {
            let name = assignment.path.segments.last { if case .field = $0 { true } else { false } }
            guard case .field(let field)? = name, !fields.contains(field) else { continue }
            fields.append(field)
        }
        return fields
    }

    /// Whether expression source text calls `now()`: the word `now` (not part of a longer name)
    /// followed by `(`, outside quoted text.
    package static func callsNow(_ source: String) -> Bool {
        let characters = Array(source.unicodeScalars)
        var quoted = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\\" { index += 1 } else if character == "'" { quoted = false }
            } else if character == "'" {
                quoted = true
            } else if character == "n", index + 2 < characters.count, characters[index + 1] == "o",
                characters[index + 2] == "w", index == 0 || !isNameCharacter(characters[index - 1])
            {
                var next = index + 3
                while next < characters.count && characters[next] == " " { next += 1 }
                if next < characters.count && characters[next] == "(" { return true }
            }
            index += 1
        }
        return false
    }

    /// A letter, digit or underscore: part of a name.
    static func isNameCharacter(_ character: Unicode.Scalar) -> Bool {
        character == "_" || ("a"..."z").contains(character) || ("A"..."Z").contains(character)
            || ("0"..."9").contains(character)
    }
}
