/// A compiled JSON Schema (a subset of draft 2020-12) that validates JSON values and reports
/// every violation with a precise path.
///
/// This is the encoder's gate: an agent's tool arguments are checked against the tool's
/// `input` schema before anything happens, and shipped scenario files against
/// `scenarios/schema.json`. Compile once, validate many times; the compiled form is immutable
/// and `Sendable`.
///
/// Supported keywords: `type`, `properties`, `required`, `additionalProperties`,
/// `patternProperties`, `propertyNames`, `minProperties`, `maxProperties`, `enum`, `const`,
/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`, `minLength`,
/// `maxLength` (Unicode scalars), `pattern` (unanchored), `items`, `prefixItems`, `minItems`,
/// `maxItems`, `uniqueItems`, `contains`, `minContains`, `maxContains`, `allOf`, `anyOf`,
/// `oneOf`, `not`, `if`/`then`/`else`, `$defs` and local `$ref` (`#`, `#/$defs/name`, any
/// JSON Pointer into the document), and boolean schemas. Annotations (`title`,
/// `description`, `default`, `examples`, `$schema`, `$id`, `$comment`, `format`,
/// `deprecated`, `readOnly`, `writeOnly`, `contentMediaType`, `x-…`) are accepted and
/// ignored; any other keyword is a compile error, so typos never pass silently.
///
/// When a value has the wrong `type` for a schema, that schema's other keywords are not
/// reported for it: the type mismatch says it all.
package struct JSONSchema: Sendable {
    let nodes: [_SchemaNode]
    let sources: [JSON]
    let rootIndex: Int
    /// The precompiled validator behind `isValid` when the schema is a flat object schema.
    let flat: _FlatObjectSchema?

    /// Compiles `schema`; throws the first problem found, with its path in the schema
    /// (`properties.amount.minimum: expected a number, found string "0"`).
    package init(_ schema: JSON) throws(JSONSchemaError) {
        var compiler = _SchemaCompiler(document: schema)
        rootIndex = try compiler.compileDocument()
        nodes = compiler.nodes
        sources = compiler.raw
        flat = _FlatObjectSchema(nodes: nodes, root: rootIndex)
    }

    private init(nodes: [_SchemaNode], sources: [JSON], rootIndex: Int) {
        self.nodes = nodes
        self.sources = sources
        self.rootIndex = rootIndex
        flat = nil
    }

    /// The schema text this was compiled from (for a subschema, its own part of the document).
    package var json: JSON { sources[rootIndex] }

    /// Every way `instance` fails the schema, in a deterministic order (schema order, then the
    /// instance's member order), each reported once; empty when it is valid. Paths start at `root`
    /// (`arguments.items[2].sku`).
    ///
    /// A valid instance is recognised by the allocation-free `isValid` pass first, so the
    /// common case costs no more than `isValid`.
    package func validate(_ instance: JSON, at root: String = "arguments") -> [JSONSchemaViolation] {
        if isValid(instance) { return [] }
        let violations = violationsByGeneralValidator(instance, at: root)
        // Unreachable in principle; never report "invalid" without saying why.
        return violations.isEmpty
            ? [JSONSchemaViolation(path: root, keyword: "schema", message: "does not match the schema")] : violations
    }

    /// `validate(_:at:)` by the general validator alone: no `isValid` pass first, no flat schema
    /// (the general path the shortcuts must equal; `WorldShortcuts`).
    func violationsByGeneralValidator(_ instance: JSON, at root: String) -> [JSONSchemaViolation] {
        var validator = _SchemaValidator(nodes: nodes, root: root)
        _ = validator.check(rootIndex, instance, collect: true)
        // Overlapping schemas (an `allOf` of two closed objects) can say the same thing twice.
        var seen: Set<JSONSchemaViolation> = []
        return validator.violations.filter { seen.insert($0).inserted }
    }

    /// Whether `instance` satisfies the schema; stops at the first failure.
    package func isValid(_ instance: JSON) -> Bool {
        if let flat, case .object(let object) = instance { return flat.isValid(object, ignoringCursor: false) }
        return isValidByGeneralValidator(instance)
    }

    /// `isValid(instance)`, but with `ignoringCursor` a member of an object keyed `cursor` is
    /// treated as absent (without copying the object when the schema is flat).
    func isValid(_ instance: JSON, ignoringCursor: Bool) -> Bool {
        if let flat, case .object(let object) = instance {
            return flat.isValid(object, ignoringCursor: ignoringCursor)
        }
        guard ignoringCursor, case .object(var object) = instance else { return isValidByGeneralValidator(instance) }
        object.removeValue(forKey: "cursor")
        return isValidByGeneralValidator(.object(object))
    }

    /// `isValid` by the general validator alone, whatever the schema's shape.
    func isValidByGeneralValidator(_ instance: JSON) -> Bool {
        var validator = _SchemaValidator(nodes: nodes, root: "")
        return validator.check(rootIndex, instance, collect: false)
    }

    // MARK: Introspection

    /// The node that describes the shape: pure `{"$ref": …}` schemas are followed.
    private var shapeNode: _SchemaNode { nodes[_SchemaCompiler.resolved(rootIndex, in: nodes)] }

    /// The types the `type` keyword allows, in the order `null, boolean, integer, number,
    /// string, array, object`; `nil` when the schema has no `type` keyword.
    package var types: [String]? {
        guard let types = shapeNode.types else { return nil }
        return _TypeSet.named.filter { types.contains($0.1) }.map(\.0)
    }

    /// The declared properties in declaration order, each with its single declared type
    /// (`nil` when the property schema has no `type` or allows several; see `property(_:)`
    /// for the full schema). Used to type-check expressions such as `args.amount`.
    package var propertyTypes: [(name: String, type: String?)] {
        guard let members = shapeNode.members else { return [] }
        return members.properties.map { property in
            let types = JSONSchema(nodes: nodes, sources: sources, rootIndex: property.node).types
            return (property.name, types?.count == 1 ? types?.first : nil)
        }
    }

    /// The declared property names, in declaration order.
    package var propertyNames: [String] {
        shapeNode.members?.properties.map(\.name) ?? []
    }

    /// The names listed in `required`, in the order written.
    package var requiredProperties: [String] { shapeNode.required }

    /// The schema of the declared property `name`, if declared.
    package func property(_ name: String) -> JSONSchema? {
        guard let node = shapeNode.members?.declaredNode(for: name) else { return nil }
        return JSONSchema(nodes: nodes, sources: sources, rootIndex: node)
    }

    /// The schema of array elements (`items`), if declared.
    package var itemSchema: JSONSchema? {
        guard let node = shapeNode.items else { return nil }
        return JSONSchema(nodes: nodes, sources: sources, rootIndex: node)
    }
}
