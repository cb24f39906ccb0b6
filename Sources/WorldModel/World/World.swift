/// A compiled, immutable world: the specification plus the lookup tables the transition needs.
///
/// `World` is the step function's home: `step(_:tool:arguments:seed:)` advances a `WorldState`
/// by one tool call and returns what the agent observes. It is pure: the same state, call and
/// seed always give the same next state and observation.
package struct World: Sendable {
    /// The specification this world was compiled from.
    package let spec: WorldSpec
    /// The state every episode starts from.
    package let initialState: WorldState

    let toolIndex: [String: Int]
    let serviceOfTool: [Int]
    /// Per tool: the indices of fault rules that select it, in declaration order.
    let faultsOfTool: [[Int]]
    /// Per service: what the transition reads, behind one reference (copying it out of the
    /// table on every step costs one retain instead of one per field).
    let serviceEntries: [ServiceEntry]
    /// Per tool: its specification behind one reference (a `ToolSpec` is large; copying it out
    /// of `spec.tools` on every step retained and released every field).
    let toolEntries: [ToolEntry]

    /// Whether the step takes its hot-path shortcuts (`WorldShortcuts`); always on, except in the
    /// tests that compare them with the general paths.
    package let shortcuts: WorldShortcuts

    /// Compiles `spec`; fails if a tool names an unknown service.
    package init(_ spec: WorldSpec) throws(WorldError) {
        try self.init(spec, shortcuts: .enabled)
    }

    /// Compiles `spec` with the hot-path shortcuts on or off (`WorldShortcuts`).
    package init(_ spec: WorldSpec, shortcuts: WorldShortcuts) throws(WorldError) {
        self.spec = spec
        self.shortcuts = shortcuts
        var toolIndex: [String: Int] = [:]
        var serviceIndex: [String: Int] = [:]
        for (index, service) in spec.services.enumerated() { serviceIndex[service.name] = index }
        var serviceOfTool: [Int] = []
        for (index, tool) in spec.tools.enumerated() {
            guard toolIndex[tool.name] == nil else { throw .duplicateTool(tool.name) }
            guard let service = serviceIndex[tool.service] else {
                throw .unknownService(tool: tool.name, service: tool.service)
            }
            toolIndex[tool.name] = index
            serviceOfTool.append(service)
        }
        self.toolIndex = toolIndex
        self.serviceOfTool = serviceOfTool
        faultsOfTool = spec.tools.indices.map { tool in
            spec.faults.indices.filter { rule in
                spec.faults[rule].target.selects(
                    tool: spec.tools[tool].name, service: spec.services[serviceOfTool[tool]].name)
            }
        }
        serviceEntries = spec.services.map { ServiceEntry($0, shortcuts: shortcuts) }
        toolEntries = spec.tools.map { ToolEntry($0, data: spec.initialData, shortcuts: shortcuts) }
        // Row history serves `stale_read` alone: only the collections such a rule can read keep it.
        var staleReadable: Set<String> = []
        for rule in spec.faults where rule.kind == .staleRead {
            for (index, tool) in spec.tools.enumerated()
            where rule.target.selects(tool: tool.name, service: spec.services[serviceOfTool[index]].name) {
                if let collection = tool.operation.collection { staleReadable.insert(collection) }
            }
        }
        var data = spec.initialData
        for index in data.collections.indices {
            // Set both ways: a store may come from another world (`idealized()` reuses its own).
            data[index: index].keepsHistory = staleReadable.contains(data.collections[index].name)
        }
        if shortcuts.isEnabled {
            // The fields list filters compare with an argument get an index (`EqualityFilter`).
            for entry in toolEntries {
                guard let filter = entry.equalityFilter, case .list(let collection, _, _, _) = entry.operation,
                    let index = data.index(of: collection)
                else { continue }
                data[index: index].index(field: filter.field)
            }
        }
        initialState = WorldState(
            data: data,
            services: spec.services.map { ServiceState(regime: $0.regimes.initial, bucket: $0.rateLimit) },
            toolCalls: Array(repeating: 0, count: spec.tools.count))
    }

    /// The tools, in declaration order.
    package var tools: [ToolSpec] { spec.tools }

    /// The tool named `name`.
    package func tool(named name: String) -> ToolSpec? {
        toolIndex[name].map { spec.tools[$0] }
    }

    /// The scope and `ends_episode` of the tool named `name`: what an episode's policy reads on
    /// every call, without copying the tool's whole `ToolSpec` out of the table as `tool(named:)`
    /// does (a retain and release per field).
    package func scopeAndEnding(ofTool name: String) -> (scope: String?, endsEpisode: Bool)? {
        guard let index = toolIndex[name] else { return nil }
        let entry = toolEntries[index]
        return (entry.spec.scope, entry.spec.endsEpisode)
    }

    /// The name of the current regime of every service, in declaration order.
    package func regimes(in state: WorldState) -> [(service: String, regime: String)] {
        spec.services.indices.map {
            (spec.services[$0].name, spec.services[$0].regimes.regimes[state.services[$0].regime].name)
        }
    }

    /// The same world with other fault rules (an overlay applied, or none at all).
    package func replacingFaults(_ faults: [FaultRule]) throws(WorldError) -> World {
        var spec = spec
        spec.faults = faults
        return try World(spec, shortcuts: shortcuts)
    }

    /// The same world with its hot-path shortcuts on or off (`WorldShortcuts`).
    package func with(shortcuts: WorldShortcuts) -> World {
        do throws(WorldError) {
            return try World(spec, shortcuts: shortcuts)
        } catch {
            preconditionFailure("a compiled world's specification was rejected: \(error)")
        }
    }
}

/// A world specification that cannot be compiled.
package enum WorldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Two tools share a name.
    case duplicateTool(String)
    /// A tool names a service that does not exist.
    case unknownService(tool: String, service: String)

    package var description: String {
        switch self {
        case .duplicateTool(let name): "two tools are named '\(name)'"
        case .unknownService(let tool, let service): "tool '\(tool)' names unknown service '\(service)'"
        }
    }
}

/// A tool's specification, shared by reference on the step path.
/// The fields the step path reads are stored apart, so reading one copies only that field.
final class ToolEntry: Sendable {
    let spec: ToolSpec
    let name: String
    let operation: ToolOperation
    let requires: [Precondition]
    let fields: [String]?
    let idempotencyKey: CompiledExpression?
    /// The tool's `let` names, evaluated before its preconditions.
    let bindings: [LetBinding]
    let isReadOnly: Bool
    let inputSchema: JSONSchema
    /// List tools also accept a `cursor` argument.
    let acceptsCursor: Bool
    /// For an operation on one row by `args.<field>`: how a step finds that row once.
    let target: TargetRowPlan?
    /// The preconditions a step checks: the target plan's (reading the bound row) if any.
    let preconditions: [Precondition]
    /// For an update by key: what its assignments allow (`UpdateShape`), worked out once.
    let updateShape: UpdateShape?
    /// `operation.failsOnlyBeforeWriting`, worked out once.
    let failsOnlyBeforeWriting: Bool
    /// For a list whose filter has the shape `EqualityFilter` recognises: that shape, answered
    /// from the field index (nil with shortcuts off).
    let equalityFilter: EqualityFilter?
    /// Whether a call needs a `StepContext`: false when every expression it evaluates is
    /// immediate (`EffectEvaluator.isImmediate`) or a direct condition, as for most keyed reads
    /// and updates, so the step builds none.
    let needsContext: Bool
    /// The collections a committed call may have changed (`World.collectionsWritten(by:)`).
    let writtenCollections: Set<String>

    /// With `shortcuts` off, no target plan, no in-place writes and always a context: the
    /// general paths (`WorldShortcuts`).
    init(_ spec: ToolSpec, data: EntityStore, shortcuts: WorldShortcuts) {
        self.spec = spec
        name = spec.name
        operation = spec.operation
        requires = spec.requires
        fields = spec.fields
        idempotencyKey = spec.idempotencyKey
        bindings = spec.bindings
        isReadOnly = spec.isReadOnly
        inputSchema = spec.inputSchema
        acceptsCursor = spec.acceptsCursor
        // Preconditions that read `let` names are evaluated with them, not against a bound row.
        target = shortcuts.isEnabled && spec.bindings.isEmpty ? TargetRowPlan(spec, data: data) : nil
        preconditions = target?.requires ?? spec.requires
        failsOnlyBeforeWriting = shortcuts.isEnabled && spec.operation.failsOnlyBeforeWriting
        if shortcuts.isEnabled, case .update(_, .key, let set, let append) = spec.operation {
            updateShape = UpdateShape(set: set, append: append, inputSchema: spec.inputSchema)
        } else {
            updateShape = nil
        }
        if shortcuts.isEnabled, case .list(_, let filter?, _, _) = spec.operation {
            equalityFilter = EqualityFilter(source: filter.source)
        } else {
            equalityFilter = nil
        }
        let conditionsAreDirect = preconditions.allSatisfy { $0.expression.directCondition != nil }
        needsContext =
            !shortcuts.isEnabled || spec.idempotencyKey != nil || !conditionsAreDirect || !spec.bindings.isEmpty
            || spec.requires.contains { $0.messageTemplate != nil }
            || spec.operation.evaluatesOnlyImmediately == false
        writtenCollections = spec.operation.writtenCollections
    }
}

/// A service's static description, shared by reference on the step path.
final class ServiceEntry: Sendable {
    let name: String
    let timeoutMs: Int64
    let regimes: RegimeChain
    /// Each regime's `LatencyDistribution.lognormalParameters`, worked out once (they cost two
    /// logarithms per call otherwise); nil for regimes whose latency is not lognormal.
    let lognormalParameters: [(mu: Double, sigma: Double)?]
    /// Each regime's name and error rates (read on every call; copying a `Regime` out of the
    /// chain to read one field would retain all of them).
    let regimeNames: [String]
    let errorRates: [ServiceErrorRates]
    /// Per regime: whether a call can fail at all; when not, no error is drawn (the error
    /// stream is keyed to this decision alone, so skipping it changes no other draw).
    let regimeCanFail: [Bool]
    /// Whether the chain can never leave its initial regime (one regime, no schedules), so no
    /// regime is drawn.
    let regimeIsFixed: Bool
    /// The key parts of the service's per-call streams (`"regime"`, `"latency"`, `"error"`, each
    /// followed by the service's name), encoded once.
    let regimeKey: RandomStream.EncodedParts
    let latencyKey: RandomStream.EncodedParts
    let errorKey: RandomStream.EncodedParts

    /// With `shortcuts` off, every decision is drawn and lognormal parameters are computed per
    /// call (`WorldShortcuts.Shortcut.certainDraws`).
    init(_ spec: ServiceSpec, shortcuts: WorldShortcuts) {
        name = spec.name
        timeoutMs = spec.timeoutMs
        regimes = spec.regimes
        lognormalParameters =
            shortcuts.isEnabled
            ? spec.regimes.regimes.map(\.latency.lognormalParameters) : spec.regimes.regimes.map { _ in nil }
        regimeNames = spec.regimes.regimes.map(\.name)
        errorRates = spec.regimes.regimes.map(\.errors)
        regimeCanFail = errorRates.map { !shortcuts.isEnabled || $0.total > 0 }
        regimeIsFixed =
            shortcuts.isEnabled
            && (spec.regimes.regimes.count == 1 && spec.regimes.schedules.isEmpty || shortcuts.breaks(.certainDraws))
        regimeKey = RandomStream.EncodedParts("regime", spec.name)
        latencyKey = RandomStream.EncodedParts("latency", spec.name)
        errorKey = RandomStream.EncodedParts("error", spec.name)
    }

    /// A latency drawn from regime `regime`'s distribution: exactly what
    /// `LatencyDistribution.sample(using:)` draws, without recomputing lognormal parameters.
    func sampleLatency(regime: Int, using stream: inout RandomStream) -> Int64 {
        if let (mu, sigma) = lognormalParameters[regime] {
            return LatencyDistribution.wholeMilliseconds(stream.nextLognormal(mu: mu, sigma: sigma))
        }
        return regimes.regimes[regime].latency.sample(using: &stream)
    }
}
