/// Evaluates compiled schema nodes against an instance.
///
/// One implementation serves both modes: with `collect == false` it stops at the first failure
/// and touches neither `violations` nor `path` (the allocation-free fast path behind
/// `isValid`); with `collect == true` it records every violation with its instance path.
struct _SchemaValidator {
    /// The deepest nesting of schema evaluations before validation gives up on a value.
    static let maximumDepth = 256

    let nodes: [_SchemaNode]
    let root: String
    var violations: [JSONSchemaViolation] = []
    var path: [JSONPath.Component] = []
    var depth = 0

    init(nodes: [_SchemaNode], root: String) {
        self.nodes = nodes
        self.root = root
    }

    // MARK: Reporting

    var currentPath: String { JSONPath.Component.render(path, under: root) }

    mutating func report(_ keyword: String, _ message: String) {
        violations.append(JSONSchemaViolation(path: currentPath, keyword: keyword, message: message))
    }

    /// Runs `body` with `segment` pushed onto the path when collecting.
    @inline(__always)
    mutating func at(_ segment: @autoclosure () -> JSONPath.Component, collect: Bool, _ body: (inout Self) -> Bool)
        -> Bool
    {
        if collect { path.append(segment()) }
        let result = body(&self)
        if collect { path.removeLast() }
        return result
    }

    // MARK: Schemas

    mutating func check(_ index: Int, _ instance: JSON, collect: Bool) -> Bool {
        if let boolean = nodes[index].boolean {
            if !boolean && collect {
                report("false", "no value is allowed here, got \(_SchemaText.described(instance))")
            }
            return boolean
        }
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            if collect {
                report("$ref", "value nested too deeply to validate (more than \(Self.maximumDepth) schema levels)")
            }
            return false
        }
        var valid = true
        for keyword in nodes[index].keywords {
            if checkKeyword(keyword, instance, collect: collect) { continue }
            valid = false
            if !collect { return false }
            // A value of the wrong type makes the other keywords' complaints noise.
            if case .type = keyword { return false }
        }
        return valid
    }

    mutating func checkKeyword(_ keyword: _Keyword, _ instance: JSON, collect: Bool) -> Bool {
        switch keyword {
        case .type(let types):
            if types.admits(instance) { return true }
            if collect { report("type", "expected \(types.listing), got \(_SchemaText.described(instance))") }
            return false

        case .members(let members):
            guard case .object(let object) = instance else { return true }
            return checkMembers(members, object, collect: collect)

        case .required(let names):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for name in names where object[name] == nil {
                valid = false
                if !collect { return false }
                report("required", "missing required property '\(name)'")
            }
            return valid

        case .propertyNames(let node):
            guard case .object(let object) = instance else { return true }
            var valid = true
            for key in object.keys where !check(node, .string(key), collect: false) {
                valid = false
                if !collect { return false }
                let start = violations.count
                _ = check(node, .string(key), collect: true)
                let details = violations[start...].map(\.message)
                violations.removeSubrange(start...)
                report("propertyNames", "invalid property name '\(key)': " + details.joined(separator: "; "))
            }
            return valid

        case .minProperties(let limit):
            guard case .object(let object) = instance, object.count < limit else { return true }
            if collect {
                report(
                    "minProperties", "expected at least \(_SchemaText.count(limit, "property")), got \(object.count)")
            }
            return false

        case .maxProperties(let limit):
            guard case .object(let object) = instance, object.count > limit else { return true }
            if collect {
                report("maxProperties", "expected at most \(_SchemaText.count(limit, "property")), got \(object.count)")
            }
            return false

        case .enumeration(let values):
            if values.contains(instance) { return true }
            if collect { report("enum", enumMessage(values, instance)) }
            return false

        case .constant(let value):
            if value == instance { return true }
            if collect { report("const", enumMessage([value], instance)) }
            return false

        case .minimum(let limit):
            guard case .number(let number) = instance, number < limit else { return true }
            if collect { report("minimum", "expected a number >= \(limit), got \(number)") }
            return false

        case .maximum(let limit):
            guard case .number(let number) = instance, limit < number else { return true }
            if collect { report("maximum", "expected a number <= \(limit), got \(number)") }
            return false

        case .exclusiveMinimum(let limit):
            guard case .number(let number) = instance, !(limit < number) else { return true }
            if collect { report("exclusiveMinimum", "expected a number > \(limit), got \(number)") }
            return false

        case .exclusiveMaximum(let limit):
            guard case .number(let number) = instance, !(number < limit) else { return true }
            if collect { report("exclusiveMaximum", "expected a number < \(limit), got \(number)") }
            return false

        case .multipleOf(let divisor):
            guard case .number(let number) = instance, !Self.isMultiple(number, of: divisor) else { return true }
            if collect { report("multipleOf", "expected a multiple of \(divisor), got \(number)") }
            return false

        case .minLength(let limit):
            guard case .string(let text) = instance else { return true }
            let length = text.unicodeScalars.count
            if length >= limit { return true }
            if collect {
                report(
                    "minLength",
                    "expected a string of at least \(_SchemaText.count(limit, "character")), got \(_SchemaText.short(instance)) (\(length))"
                )
            }
            return false

        case .maxLength(let limit):
            guard case .string(let text) = instance else { return true }
            if text.utf8.count <= limit { return true }  // scalars never outnumber bytes
            let length = text.unicodeScalars.count
            if length <= limit { return true }
            if collect {
                report(
                    "maxLength",
                    "expected a string of at most \(_SchemaText.count(limit, "character")), got \(_SchemaText.short(instance)) (\(length))"
                )
            }
            return false

        case .pattern(let pattern):
            guard case .string(let text) = instance, !pattern.matches(text) else { return true }
            if collect {
                report("pattern", "expected a string matching /\(pattern.source)/, got \(_SchemaText.short(instance))")
            }
            return false

        case .items(let prefix, let rest):
            guard case .array(let elements) = instance else { return true }
            return checkItems(prefix: prefix, rest: rest, elements, collect: collect)

        case .minItems(let limit):
            guard case .array(let elements) = instance, elements.count < limit else { return true }
            if collect {
                report("minItems", "expected at least \(_SchemaText.count(limit, "item")), got \(elements.count)")
            }
            return false

        case .maxItems(let limit):
            guard case .array(let elements) = instance, elements.count > limit else { return true }
            if collect {
                report("maxItems", "expected at most \(_SchemaText.count(limit, "item")), got \(elements.count)")
            }
            return false

        case .uniqueItems:
            guard case .array(let elements) = instance else { return true }
            return checkUnique(elements, collect: collect)

        case .contains(let node, let minimum, let maximum):
            guard case .array(let elements) = instance else { return true }
            var matches = 0
            for element in elements where check(node, element, collect: false) { matches += 1 }
            if matches < minimum {
                if collect {
                    report(
                        "contains",
                        "expected at least \(_SchemaText.count(minimum, "item")) matching the 'contains' schema, found \(matches)"
                    )
                }
                return false
            }
            if let maximum, matches > maximum {
                if collect {
                    report(
                        "maxContains",
                        "expected at most \(_SchemaText.count(maximum, "item")) matching the 'contains' schema, found \(matches)"
                    )
                }
                return false
            }
            return true

        case .allOf(let branches):
            var valid = true
            for branch in branches where !check(branch, instance, collect: collect) {
                valid = false
                if !collect { return false }
            }
            return valid

        case .anyOf(let branches, let discriminator):
            for branch in branches where check(branch, instance, collect: false) { return true }
            if collect { reportNoMatch(branches, discriminator, instance, keyword: "anyOf") }
            return false

        case .oneOf(let branches, let discriminator):
            var matched: [Int] = []
            var firstMatch: Int?
            var matchCount = 0
            for (position, branch) in branches.enumerated() where check(branch, instance, collect: false) {
                matchCount += 1
                if firstMatch == nil {
                    firstMatch = position
                } else if !collect {
                    return false
                }
                if collect { matched.append(position) }
            }
            if matchCount == 1 { return true }
            if collect {
                if matchCount == 0 {
                    reportNoMatch(branches, discriminator, instance, keyword: "oneOf")
                } else {
                    let list = matched.map { "#\($0)" }
                    let joined = list.dropLast().joined(separator: ", ") + " and " + (list.last ?? "")
                    report(
                        "oneOf",
                        "matches \(matchCount) of the \(branches.count) alternatives (\(joined)); expected exactly one")
                }
            }
            return false

        case .not(let node):
            if !check(node, instance, collect: false) { return true }
            if collect {
                report("not", "expected a value not matching the 'not' schema, got \(_SchemaText.described(instance))")
            }
            return false

        case .conditional(let condition, let then, let otherwise):
            let next = check(condition, instance, collect: false) ? then : otherwise
            guard let next else { return true }
            return check(next, instance, collect: collect)

        case .ref(let target):
            return check(target, instance, collect: collect)
        }
    }

    // MARK: Objects

    mutating func checkMembers(_ members: _ObjectMembers, _ object: JSONObject, collect: Bool) -> Bool {
        var valid = true
        var declaredPresent = 0
        for property in members.properties {
            guard let value = object[property.name] else { continue }
            declaredPresent += 1
            if !at(.key(property.name), collect: collect, { $0.check(property.node, value, collect: collect) }) {
                valid = false
                if !collect { return false }
            }
        }
        if members.patternProperties.isEmpty && members.additional == nil { return valid }
        // Every key is a declared property: nothing is left for the other keywords.
        if members.namesAreUnique && declaredPresent == object.count { return valid }
        for (position, key) in object.keys.enumerated() {
            if members.declaredNode(for: key) != nil { continue }
            let value = object.values[position]
            var matchedPattern = false
            for (pattern, node) in members.patternProperties where pattern.matches(key) {
                matchedPattern = true
                if !at(.key(key), collect: collect, { $0.check(node, value, collect: collect) }) {
                    valid = false
                    if !collect { return false }
                }
            }
            guard !matchedPattern, let additional = members.additional else { continue }
            if nodes[additional].boolean == false {
                valid = false
                if !collect { return false }
                var message = "unexpected property '\(key)'"
                let missing = members.properties.lazy.map(\.name).filter { object[$0] == nil }
                if let suggestion = closestMatch(to: key, among: missing) {
                    message += " (did you mean '\(suggestion)'?)"
                }
                report("additionalProperties", message)
            } else if !at(.key(key), collect: collect, { $0.check(additional, value, collect: collect) }) {
                valid = false
                if !collect { return false }
            }
        }
        return valid
    }

    // MARK: Arrays

    mutating func checkItems(prefix: [Int], rest: Int?, _ elements: [JSON], collect: Bool) -> Bool {
        var valid = true
        for (position, element) in elements.enumerated() {
            let node: Int
            if position < prefix.count {
                node = prefix[position]
            } else if let rest {
                if nodes[rest].boolean == false {
                    if collect {
                        report(
                            "items",
                            "expected at most \(_SchemaText.count(prefix.count, "item")), got \(elements.count)")
                    }
                    return false
                }
                node = rest
            } else {
                break
            }
            if !at(.index(position), collect: collect, { $0.check(node, element, collect: collect) }) {
                valid = false
                if !collect { return false }
            }
        }
        return valid
    }

    mutating func checkUnique(_ elements: [JSON], collect: Bool) -> Bool {
        var valid = true
        if elements.count <= 32 {
            for later in elements.indices {
                for earlier in 0..<later where elements[earlier] == elements[later] {
                    valid = false
                    if !collect { return false }
                    reportDuplicate(earlier, later, elements[later])
                    break
                }
            }
        } else {
            var firstIndex: [JSON: Int] = [:]
            for (position, element) in elements.enumerated() {
                if let earlier = firstIndex[element] {
                    valid = false
                    if !collect { return false }
                    reportDuplicate(earlier, position, element)
                } else {
                    firstIndex[element] = position
                }
            }
        }
        return valid
    }

    mutating func reportDuplicate(_ earlier: Int, _ later: Int, _ value: JSON) {
        report(
            "uniqueItems",
            "expected unique items, but items [\(earlier)] and [\(later)] are equal (\(_SchemaText.short(value)))")
    }

    // MARK: Numbers

    static func isMultiple(_ number: JSONNumber, of divisor: JSONNumber) -> Bool {
        if case .integer(let value) = number, case .integer(let step) = divisor, step != 0 {
            return value % step == 0
        }
        let quotient = number.doubleValue / divisor.doubleValue
        guard quotient.isFinite else { return false }
        return abs(quotient - quotient.rounded()) <= 1e-9 * max(1, abs(quotient))
    }

    // MARK: Alternatives

    func enumMessage(_ values: [JSON], _ instance: JSON) -> String {
        if values.isEmpty {
            return "no value is allowed here (the enum is empty), got \(_SchemaText.described(instance))"
        }
        var message =
            values.count == 1
            ? "expected \(_SchemaText.literal(values[0])), got \(_SchemaText.literal(instance))"
            : "expected one of \(_SchemaText.listing(values)), got \(_SchemaText.literal(instance))"
        if case .string(let text) = instance,
            let suggestion = closestMatch(to: text, among: values.lazy.compactMap(\.stringValue))
        {
            message += " (did you mean '\(suggestion)'?)"
        }
        return message
    }

    /// Reports why no branch of a `oneOf`/`anyOf` matched, as readably as possible: by the
    /// discriminating property when there is one, else by the branch that came closest, else
    /// as a single summary.
    mutating func reportNoMatch(_ branches: [Int], _ discriminator: _Discriminator?, _ instance: JSON, keyword: String)
    {
        if let discriminator, case .object(let object) = instance, let tag = object[discriminator.property] {
            let selected = branches.indices.filter { discriminator.values[$0].contains(tag) }
            if selected.isEmpty {
                path.append(.key(discriminator.property))
                report(keyword, enumMessage(discriminator.values.flatMap { $0 }, tag))
                path.removeLast()
                return
            }
            if selected.count == 1 {
                _ = check(branches[selected[0]], instance, collect: true)
                return
            }
        }
        let here = currentPath
        var best: (violations: [JSONSchemaViolation], score: Int)?
        var tied = false
        var allWrongType = true
        for branch in branches {
            let start = violations.count
            _ = check(branch, instance, collect: true)
            let found = Array(violations[start...])
            violations.removeSubrange(start...)
            var score = 0
            var wrongType = false
            for violation in found {
                if violation.path == here && violation.keyword == "type" {
                    score += 1000
                    wrongType = true
                } else {
                    score += violation.path == here ? 10 : 1
                }
            }
            if !wrongType { allWrongType = false }
            if let current = best, score >= current.score {
                if score == current.score { tied = true }
                continue
            }
            best = (found, score)
            tied = false
        }
        var types: _TypeSet = []
        for branch in branches {
            types.formUnion(nodes[_SchemaCompiler.resolved(branch, in: nodes)].types ?? [])
        }
        if allWrongType && !types.isEmpty {
            report(keyword, "expected \(types.listing), got \(_SchemaText.described(instance))")
        } else if let best, !tied {
            violations += best.violations
        } else {
            report(
                keyword,
                "matches none of the \(branches.count) alternatives allowed here, got \(_SchemaText.described(instance))"
            )
        }
    }
}
