import WorldModel

/// What a tool was found to do with the data, from its recorded calls.
package enum InferredOp: Sendable, Hashable {
    /// Every successful answer is one object whose string `id` equals the argument `key`.
    case get(key: String)
    /// Every successful answer is an array of objects with a string `id` (or an object holding one).
    case list
    /// Every successful answer is one new row whose fields come from the arguments (or are the
    /// same constant every time, or the call's time); its id comes from the argument `key`, or
    /// the collection's counter.
    case create(key: String?, fields: [FieldSource])
    /// Every successful answer is the row whose id is the argument `key`, with the fields the
    /// arguments set changed to their values (and fields no argument sets set to a constant or the
    /// call's time).
    case update(key: String, set: [FieldSource])
    /// After every successful call the row whose id is the argument `key` is gone from later reads.
    /// `answer` is nil when every successful answer was the delete op's own (`{"deleted": 1}`);
    /// otherwise it gives each member of the answer every call gave (the same constant every
    /// time, or an argument's value), and the tool is written as a `custom` op that deletes the
    /// row and returns that object.
    case delete(key: String, answer: [FieldSource]?)
    /// No op explains the answers: the tool answers what was recorded for the same canonical
    /// arguments (`op: recorded`), and `fallback` (when every answer was the same) otherwise.
    case recorded(answers: [RecordedAnswer], fallback: JSON?, reason: String)

    /// Where a written field's value comes from.
    package struct FieldSource: Sendable, Hashable {
        /// The field of the row.
        package var field: String
        /// The argument giving it, or nil for a constant.
        package var argument: String?
        /// Whether that argument may be left out (an update then keeps the field as it was).
        package var optional: Bool
        /// The constant, when no argument gives the field.
        package var constant: JSON?
        /// Whether the server sets the field to the call's time (`now()`), when no argument or
        /// constant gives it.
        package var serverTime = false

        /// Where the field comes from, for the report: `status ← args.status`, `kind ← 'open'`,
        /// `updated_at ← now()`.
        var origin: String { "\(field) ← \(argument.map { "args.\($0)" } ?? expression)" }

        /// The expression writing the field, in the scenario language.
        var expression: String {
            if serverTime { return "now()" }
            guard let argument else { return InferredOp.literal(constant ?? .null)! }
            return optional ? "args.\(argument) != null ? args.\(argument) : row.\(field)" : "args.\(argument)"
        }
    }

    /// A recorded answer of an `op: recorded` tool.
    package struct RecordedAnswer: Sendable, Hashable {
        /// The arguments (an object).
        package var arguments: JSON
        /// The answer's body: the structured answer, or its text.
        package var result: JSON
    }

    /// The tool's members beside name, service, description and input.
    func toolMembers(collection: String?) -> [(String, JSON)] {
        switch self {
        case .get(let key):
            return [("op", "get"), ("collection", .string(collection!)), ("key", .string("args.\(key)"))]
        case .list:
            return [("op", "list"), ("collection", .string(collection!))]
        case .create(let key, let fields):
            var members: [(String, JSON)] = [("op", "create"), ("collection", .string(collection!))]
            var value = JSONObject()
            for source in fields {
                // A new row has no previous value: an optional argument left out writes null.
                let expression = source.argument.map { "args.\($0)" } ?? source.expression
                _ = value.updateValue(.string(expression), forKey: source.field)
            }
            members.append(("value", .object(value)))
            if let key { members.append(("key", .string("args.\(key)"))) }
            return members
        case .update(let key, let set):
            var object = JSONObject()
            for source in set { _ = object.updateValue(.string(source.expression), forKey: source.field) }
            return [
                ("op", "update"), ("collection", .string(collection!)), ("key", .string("args.\(key)")),
                ("set", .object(object)),
            ]
        case .delete(let key, nil):
            return [("op", "delete"), ("collection", .string(collection!)), ("key", .string("args.\(key)"))]
        case .delete(let key, let answer?):
            let effect: JSON = ["delete": .string(collection!), "key": .string("args.\(key)")]
            return [("op", "custom"), ("effects", [effect]), ("returns", .string(Self.objectLiteral(answer)))]
        case .recorded(let answers, let fallback, _):
            var members: [(String, JSON)] = [
                ("op", "recorded"),
                (
                    "recorded",
                    .array(answers.map { .object(["arguments": $0.arguments, "result": $0.result]) })
                ),
            ]
            if let fallback { members.append(("default", .object(["result": fallback]))) }
            return members
        }
    }

    /// The op's name in the scenario format.
    package var name: String {
        switch self {
        case .get: "get"
        case .list: "list"
        case .create: "create"
        case .update: "update"
        case .delete: "delete"
        case .recorded: "recorded"
        }
    }

    /// The key argument of a keyed op.
    package var key: String? {
        switch self {
        case .get(let key), .update(let key, _), .delete(let key, _): key
        case .create(let key, _): key
        case .list, .recorded: nil
        }
    }

    /// An object literal of the scenario language (`{'deleted': true, 'id': args.note_id}`)
    /// whose members, in order, are the sources' fields and values; every key and constant must
    /// be writable as a literal (`literal`).
    static func objectLiteral(_ members: [FieldSource]) -> String {
        let written = members.map { member in
            guard let key = literal(.string(member.field)) else {
                preconditionFailure("an unwritable key '\(member.field)'")
            }
            return "\(key): \(member.argument.map { "args.\($0)" } ?? member.expression)"
        }
        return "{" + written.joined(separator: ", ") + "}"
    }

    /// `value` as an expression literal, for the constants a learned op writes: null, booleans,
    /// numbers, and strings without quotes or backslashes; nil for anything else.
    static func literal(_ value: JSON) -> String? {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number: return value.canonicalText
        case .string(let text):
            guard !text.contains("'"), !text.contains("\\"), !text.contains("\n") else { return nil }
            return "'\(text)'"
        default: return nil
        }
    }
}
