/// What one evaluation of an expression read of the latent state: the collections it looked at,
/// and whether it read anything besides the entity data (the clock, a regime, a call count).
///
/// An expression is a pure function of what it reads, and what it reads depends only on what it
/// read before deciding to read it: so when none of the collections an evaluation read has
/// changed since, and it read nothing else, evaluating it again gives the same value. `always`
/// checks use this to skip evaluations after steps that did not write what they read
/// (`World.evaluate(_:in:recording:)`, `World.collectionsWritten(by:)`).
package struct WorldReads: Sendable, Hashable {
    /// The collections read (their rows, a row by id, or their most recent creation).
    package var collections: Set<String> = []
    /// Whether the evaluation read the clock, a service's regime or a tool's call count, which
    /// change without any collection changing.
    package var readsBeyondData = false

    /// Nothing read yet.
    package init() {}

    /// Whether a step that changed `written` (every collection, when nil) may have changed the
    /// value of the evaluation these reads come from.
    package func mayChange(written: Set<String>?) -> Bool {
        guard !readsBeyondData, let written else { return true }
        return !written.isDisjoint(with: collections)
    }
}

extension World {
    /// `evaluate(_:in:args:)` with no arguments, recording in `reads` what the evaluation read.
    package func evaluate(_ expression: CompiledExpression, in state: WorldState, recording reads: inout WorldReads)
        throws(ExpressionRuntimeError) -> JSON
    {
        let context = StepContext(world: self, state: state)
        let recorder = _RecordingContext(context)
        defer { reads = recorder.reads }
        return try expression.evaluate(
            recorder, ExpressionBindings(names: ["args", "row"]), budget: expression.budget(forRows: context.rowCount))
    }

    /// The collections a committed call of `tool` may have changed (empty for a read-only tool);
    /// nil when it may change any (an unknown tool).
    package func collectionsWritten(by tool: String) -> Set<String>? {
        toolIndex[tool].map { toolEntries[$0].writtenCollections }
    }
}

extension ToolOperation {
    /// The collections the operation may write (create, update or delete rows in).
    var writtenCollections: Set<String> {
        switch self {
        case .get, .list, .recorded: []
        case .create(let collection, _, _), .update(let collection, _, _, _), .delete(let collection, _): [collection]
        case .custom(let effects, _): effects.reduce(into: []) { $0.formUnion($1.writtenCollections) }
        }
    }
}

extension Effect {
    /// The collections the effect may write (create, update or delete rows in).
    var writtenCollections: Set<String> {
        switch self {
        case .create(let collection, _, _), .update(let collection, _, _, _), .delete(let collection, _): [collection]
        case .forEach(_, _, let body): body.reduce(into: []) { $0.formUnion($1.writtenCollections) }
        case .bind: []
        case .branch(_, let then, let otherwise):
            (then + otherwise).reduce(into: []) { $0.formUnion($1.writtenCollections) }
        }
    }
}

/// A step's expression context that notes what an evaluation reads (`WorldReads`).
private final class _RecordingContext: ExpressionContext {
    let context: StepContext
    var reads = WorldReads()

    init(_ context: StepContext) { self.context = context }

    func rows(in collection: String) -> [JSONObject]? {
        reads.collections.insert(collection)
        return context.rows(in: collection)
    }

    func entityRows(in collection: String) -> EntityRows? {
        reads.collections.insert(collection)
        return context.entityRows(in: collection)
    }

    func row(in collection: String, id: JSON) -> JSONObject? {
        reads.collections.insert(collection)
        return context.row(in: collection, id: id)
    }

    func lastCreated(in collection: String) -> JSONObject? {
        reads.collections.insert(collection)
        return context.lastCreated(in: collection)
    }

    var nowMilliseconds: Int64 {
        reads.readsBeyondData = true
        return context.nowMilliseconds
    }

    func regime(of service: String) -> String? {
        reads.readsBeyondData = true
        return context.regime(of: service)
    }

    func callCount(of tool: String) -> Int {
        reads.readsBeyondData = true
        return context.callCount(of: tool)
    }

    var rowsAreIndexedByID: Bool { context.rowsAreIndexedByID }
}
