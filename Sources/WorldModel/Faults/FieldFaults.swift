/// Field-level faults act on the returned row, or on one item of a list (chosen at random
/// among the items that have the field). Field names may be dotted paths (`address.zip`).
protocol FieldFault: ResponseFault {
    var field: String { get }
    /// The changed row, or `nil` if this row is left alone.
    func transform(_ row: JSON, path: [String], using rng: inout RandomStream) -> JSON?
}

extension FieldFault {
    var path: [String] { field.split(separator: ".").map(String.init) }

    func apply(to response: inout Response, context: ResponseFaultContext, using rng: inout RandomStream) -> Bool {
        let path = self.path
        if case .array(var items)? = response.body["items"], response.body["next_cursor"] != nil {
            let candidates = items.indices.filter { items[$0].value(at: path) != nil }
            guard !candidates.isEmpty else { return false }
            let chosen = candidates[rng.nextInt(below: candidates.count)]
            guard let changed = transform(items[chosen], path: path, using: &rng) else { return false }
            items[chosen] = changed
            response.body = response.body.setting(.array(items), at: ["items"])
            return true
        }
        guard response.body.value(at: path) != nil, let changed = transform(response.body, path: path, using: &rng)
        else {
            return false
        }
        response.body = changed
        return true
    }
}

/// `missing_field`: the field is absent.
struct MissingField: FieldFault {
    var field: String
    func transform(_ row: JSON, path: [String], using rng: inout RandomStream) -> JSON? {
        guard let last = path.last else { return nil }
        let parentPath = path.dropLast()
        guard case .object(var parent)? = row.value(at: parentPath) else { return nil }
        parent.removeValue(forKey: last)
        return row.setting(.object(parent), at: parentPath)
    }
}

/// `null_field`: the field is present with value null.
struct NullField: FieldFault {
    var field: String
    func transform(_ row: JSON, path: [String], using rng: inout RandomStream) -> JSON? {
        row.setting(.null, at: path)
    }
}

/// `wrong_type`: the field's value changes JSON type: numbers and booleans become strings,
/// strings that read as numbers become numbers (others become one-element arrays), arrays and
/// objects become their JSON text, null becomes 0.
struct WrongType: FieldFault {
    var field: String
    func transform(_ row: JSON, path: [String], using rng: inout RandomStream) -> JSON? {
        guard let value = row.value(at: path) else { return nil }
        let changed: JSON
        switch value {
        case .number(let number): changed = .string(number.description)
        case .bool(let flag): changed = .string(flag ? "true" : "false")
        case .string(let text):
            // A question, not an error to report: text that does not parse as JSON simply does
            // not read as a number.
            if let number = try? JSON(parsing: text), case .number = number {
                changed = number
            } else {
                changed = .array([.string(text)])
            }
        case .array, .object: changed = .string(value.canonicalText)
        case .null: changed = .int(0)
        }
        return row.setting(changed, at: path)
    }
}

/// `renamed_field`: the field appears under another name (schema drift), keeping its position.
struct RenamedField: FieldFault {
    var field: String
    var to: String
    func transform(_ row: JSON, path: [String], using rng: inout RandomStream) -> JSON? {
        guard let last = path.last else { return nil }
        let parentPath = path.dropLast()
        guard case .object(let parent)? = row.value(at: parentPath), parent[last] != nil else { return nil }
        var renamed = JSONObject(minimumCapacity: parent.count)
        for (key, value) in parent.members {
            renamed[key == last ? to : key] = value
        }
        return row.setting(.object(renamed), at: parentPath)
    }
}

/// `injection`: adversarial text is placed in a free-text field, after what was there.
struct Injection: FieldFault {
    var field: String
    var text: String
    func transform(_ row: JSON, path: [String], using rng: inout RandomStream) -> JSON? {
        let original = row.value(at: path)?.stringValue ?? ""
        return row.setting(.string(original.isEmpty ? text : original + "\n\n" + text), at: path)
    }
}
