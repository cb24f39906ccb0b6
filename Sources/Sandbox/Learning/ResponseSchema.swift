import WorldModel

/// The shape of a tool's successful answers, inferred from examples: whether an answer is one
/// row or a list of rows, and each field of a row (dotted paths for nested objects) with its
/// usual JSON type and how often it was present, null or of another type.
///
/// `simrun learn` reads it to turn fields that are missing, null or retyped in a share of the
/// answers into fault rules; `simrun fidelity` reads `matches(_:)` to compare the answers of a
/// recording and of a simulation. Pure and deterministic: fields are in the order first seen.
///
/// - A body is a *list* when it is an array, or an object with an `items` array (simrun's list
///   page, and many APIs'); its rows are the list's objects. Any other object is itself one row,
///   except an error object (`{"error": …}`). The answers' shape is the majority's; bodies of
///   the other shape give no rows.
/// - Fields seen in fewer than 1 % of the rows are left out (the keys of a map are not fields).
/// - A field is *required* when present in more than half the rows whose parent object is there,
///   and *nullable* when null in more than half of the rows that have it: a share above one half
///   is the shape of the data, not a fault.
package struct ResponseSchema: Sendable, Hashable {
    /// A JSON value's type as JSON Schema names it (integers and other numbers are both `number`).
    package enum ValueType: String, Sendable, Hashable, CaseIterable {
        case null, boolean, number, string, array, object

        /// The type of `value`.
        package init(of value: JSON) {
            switch value {
            case .null: self = .null
            case .bool: self = .boolean
            case .number: self = .number
            case .string: self = .string
            case .array: self = .array
            case .object: self = .object
            }
        }
    }

    /// One field of a row.
    package struct Field: Sendable, Hashable {
        /// The path from the row (`["address", "zip"]`).
        package var path: [String]
        /// Its usual type: the most frequent non-null type (ties go to the first seen); `null`
        /// when it was never anything but null.
        package var type: ValueType
        /// Rows whose parent object of the field was there (the rows that could have had it).
        package var rows: Int
        /// Rows that had it, with any value.
        package var present: Int
        /// Rows where it was null.
        package var nulls: Int
        /// Rows where it was neither null nor of `type`.
        package var otherType: Int

        /// The dotted name (`address.zip`), as fault rules name fields.
        package var name: String { path.joined(separator: ".") }
        /// Present in more than half the rows that could have had it.
        package var required: Bool { present * 2 > rows }
        /// Null in more than half the rows that had it.
        package var nullable: Bool { nulls * 2 > present }
    }

    /// How a field of one row departs from the schema.
    package enum Departure: String, Sendable, Hashable {
        /// A required field is absent.
        case missing
        /// A field that is not nullable is null.
        case null
        /// The value is neither null nor of the field's type.
        case wrongType = "wrong_type"
    }

    /// How a field appears in a row that could have it.
    package enum Appearance: Sendable, Hashable {
        /// With its type (or null, for a field that is never anything else).
        case expected
        /// Absent, null, or of another type.
        case departed(Departure)
    }

    /// One departure found in a body: the field (`nil` for the body's own shape) and how.
    package struct Deviation: Sendable, Hashable, CustomStringConvertible {
        /// The field's dotted name, or `nil` when the body is not of the schema's shape at all.
        package var field: String?
        /// How it departs (`nil` with `field == nil`).
        package var departure: Departure?

        /// `field 'email' is missing`, `the body is not a list`.
        package var description: String {
            guard let field, let departure else { return "the body is not of the answers' shape" }
            switch departure {
            case .missing: return "field '\(field)' is missing"
            case .null: return "field '\(field)' is null"
            case .wrongType: return "field '\(field)' has another type"
            }
        }
    }

    /// How deep nested objects are followed (a row's own fields are depth 1).
    package static let maximumDepth = 4

    /// Whether the answers are lists of rows (the majority of the bodies were).
    package private(set) var isList: Bool
    /// The bodies the schema was inferred from.
    package private(set) var bodies: Int
    /// The rows in them.
    package private(set) var rows: Int
    /// The fields, in the order first seen (a parent before its nested fields).
    package private(set) var fields: [Field]

    /// Infers the schema of `bodies` (the parsed bodies of a tool's successful answers).
    package init(bodies: [JSON]) {
        let lists = bodies.filter { Self.listRows(of: $0) != nil }.count
        isList = lists * 2 > bodies.filter { !Self.isError($0) }.count
        self.bodies = bodies.count
        rows = 0
        fields = []
        var typeCounts: [[Int]] = []
        var position: [String: Int] = [:]
        func walk(_ object: JSONObject, prefix: [String]) {
            for (key, value) in zip(object.keys, object.values) where Self.isFieldName(key) {
                let path = prefix + [key]
                let name = path.joined(separator: ".")
                let index: Int
                if let known = position[name] {
                    index = known
                } else {
                    index = typeCounts.count
                    position[name] = index
                    typeCounts.append(Array(repeating: 0, count: ValueType.allCases.count))
                    fields.append(Field(path: path, type: .null, rows: 0, present: 0, nulls: 0, otherType: 0))
                }
                typeCounts[index][ValueType.allCases.firstIndex(of: ValueType(of: value))!] += 1
                if case .object(let nested) = value, path.count < Self.maximumDepth { walk(nested, prefix: path) }
            }
        }
        for body in bodies {
            for row in rowsOf(body) {
                rows += 1
                walk(row, prefix: [])
            }
        }
        for index in fields.indices {
            var best: (type: ValueType, count: Int) = (.null, 0)
            for (typeIndex, type) in ValueType.allCases.enumerated() where type != .null {
                if typeCounts[index][typeIndex] > best.count { best = (type, typeCounts[index][typeIndex]) }
            }
            fields[index].type = best.type
        }
        // Keys of maps (ids, file names, dates as keys) are not fields: those seen in fewer than
        // 1 % of the rows are left out, which also bounds the passes below.
        let seen = typeCounts.map { $0.reduce(0, +) }
        let rare = Swift.max(1, rows / 100)
        fields = fields.indices.filter { seen[$0] >= rare }.map { fields[$0] }
        // Second pass: the rows that could have each field, and how it appeared in them.
        for body in bodies {
            for row in rowsOf(body) {
                for index in fields.indices {
                    guard let seen = observe(fields[index], in: row) else { continue }
                    fields[index].rows += 1
                    switch seen {
                    case .departed(.missing): break
                    case .departed(.null):
                        fields[index].present += 1
                        fields[index].nulls += 1
                    case .departed(.wrongType):
                        fields[index].present += 1
                        fields[index].otherType += 1
                    case .expected: fields[index].present += 1
                    }
                }
            }
        }
    }

    /// The rows of `body` as this schema reads it: a list's objects, or the body itself; none
    /// when the body is not of the schema's shape or is an error (`{"error": …}`).
    package func rowsOf(_ body: JSON) -> [JSONObject] {
        Self.rows(of: body, list: isList)
    }

    /// The rows of `body` read as a list (`list`) or as one row.
    static func rows(of body: JSON, list: Bool) -> [JSONObject] {
        if let items = listRows(of: body) { return list ? items.compactMap(\.objectValue) : [] }
        if !list, case .object(let row) = body, !isError(body) { return [row] }
        return []
    }

    /// Whether `body` is an error object (`{"error": …}` and nothing else), as some services
    /// answer with a success status.
    package static func isError(_ body: JSON) -> Bool {
        guard case .object(let object) = body else { return false }
        return object.keys == ["error"]
    }

    /// How `field` appears in `row`; `nil` when the row could not have it (its parent object is
    /// absent or not an object).
    package func observe(_ field: Field, in row: JSONObject) -> Appearance? {
        var parent = row
        for key in field.path.dropLast() {
            guard case .object(let next)? = parent[key] else { return nil }
            parent = next
        }
        guard let value = parent[field.path[field.path.count - 1]] else { return .departed(.missing) }
        let type = ValueType(of: value)
        if type == .null { return field.type == .null ? .expected : .departed(.null) }
        return type == field.type ? .expected : .departed(.wrongType)
    }

    /// How `body` departs from the schema: a body of the other shape (a list where rows were
    /// expected, or the reverse, or not JSON rows at all), required fields missing, null where
    /// the field is not nullable, values of another type. Empty when it matches.
    package func deviations(of body: JSON) -> [Deviation] {
        let list = Self.listRows(of: body)
        guard (list != nil) == isList, list != nil || (body.objectValue != nil && !Self.isError(body)) else {
            return [Deviation(field: nil, departure: nil)]
        }
        var found: [Deviation] = []
        for row in rowsOf(body) {
            for field in fields {
                guard case .departed(let departure)? = observe(field, in: row) else { continue }
                let counts: Bool
                switch departure {
                case .missing: counts = field.required
                case .null: counts = !field.nullable
                case .wrongType: counts = true
                }
                let deviation = Deviation(field: field.name, departure: departure)
                if counts && !found.contains(deviation) { found.append(deviation) }
            }
        }
        return found
    }

    /// Whether `body` has the schema's shape, its required fields, and its fields' types.
    package func matches(_ body: JSON) -> Bool { deviations(of: body).isEmpty }

    /// The items of a list body (an array, or an object's `items` array), else `nil`.
    static func listRows(of body: JSON) -> [JSON]? {
        switch body {
        case .array(let items): items
        case .object(let object): object["items"]?.arrayValue
        default: nil
        }
    }

    /// Names fault rules can address: not empty and without the `.` that separates a path.
    static func isFieldName(_ key: String) -> Bool { !key.isEmpty && !key.contains(".") }
}
