/// Reads and writes a row's value at the steps of a `FieldPath` whose `[expr]` segments have been
/// evaluated (`EffectEvaluator.pathSteps`).
///
/// A write never reshapes the row: stepping through an array by a key, an object by an index, a
/// scalar, a key an `[expr]` names that is missing, or an index out of range is the scenario's
/// error (500 `scenario_error`). A missing or null member named in the path text (`address` in
/// `address.zip`) becomes an object, as in version 1 files.
enum FieldPathWriter {
    /// One evaluated step.
    enum Step: Equatable {
        /// An object member; `named` when the path text names it (`.field`), not an `[expr]`.
        case key(String, named: Bool)
        /// An array element, 0-based.
        case element(Int64)
    }

    /// The value at `steps` in `row`, or nil when a step does not lead anywhere.
    static func read(at steps: [Step], in row: JSONObject) -> JSON? {
        var current = JSON.object(row)
        for step in steps {
            switch (step, current) {
            case (.key(let key, _), .object(let object)):
                guard let next = object[key] else { return nil }
                current = next
            case (.element(let index), .array(let elements)):
                guard index >= 0, index < elements.count else { return nil }
                current = elements[Int(index)]
            default:
                return nil
            }
        }
        return current
    }

    /// Stores `value` at `steps` in `row` (the first step is a key of the row).
    static func write(_ value: JSON, at steps: [Step], in row: inout JSONObject, path: FieldPath, what: String)
        throws(OperationFailure)
    {
        var root = JSON.object(row)
        try write(value, at: steps[...], in: &root, walked: "", path: path, what: what)
        guard case .object(let object) = root else { preconditionFailure("a row stays an object") }
        row = object
    }

    private static func write(
        _ value: JSON, at steps: ArraySlice<Step>, in container: inout JSON, walked: String, path: FieldPath,
        what: String
    ) throws(OperationFailure) {
        guard let step = steps.first else {
            container = value
            return
        }
        let rest = steps.dropFirst()
        func fail(_ problem: String) -> OperationFailure {
            .scenario("\(what): cannot write '\(path.text)': \(problem)")
        }
        let place = walked.isEmpty ? "the row" : "'\(walked)'"
        switch (step, container) {
        case (.key(let key, let named), .object(var object)):
            let here = walked.isEmpty ? key : named ? "\(walked).\(key)" : "\(walked)['\(key)']"
            var child: JSON
            if let existing = object[key] {
                child = existing
            } else if rest.isEmpty || named {
                child = .null  // A new member, or (named in the text) a new object on the way.
            } else {
                throw fail("\(place) has no key '\(key)'")
            }
            if !rest.isEmpty, child.isNull {
                guard named else { throw fail("'\(here)' is null, not an object or array") }
                child = .object(JSONObject())
            }
            // Take the member out while it is written, so it is uniquely referenced.
            object[key] = .null
            container = .null
            try write(value, at: rest, in: &child, walked: here, path: path, what: what)
            object[key] = child
            container = .object(object)
        case (.element(let index), .array(var elements)):
            let here = "\(walked)[\(index)]"
            guard index >= 0, index < elements.count else {
                throw fail(
                    "index \(index) is out of range: \(place) has \(elements.count) element\(elements.count == 1 ? "" : "s")"
                )
            }
            var child = elements[Int(index)]
            elements[Int(index)] = .null
            container = .null
            try write(value, at: rest, in: &child, walked: here, path: path, what: what)
            elements[Int(index)] = child
            container = .array(elements)
        case (.key(let key, _), .array):
            throw fail("\(place) is an array; its elements are chosen by an integer index, not the key '\(key)'")
        case (.element(let index), .object):
            throw fail("\(place) is an object; its members are chosen by a string key, not the index \(index)")
        case (.key, _), (.element, _):
            throw fail("\(place) is \(container.typeName), not an object or an array")
        }
    }
}
