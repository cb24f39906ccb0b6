/// Whether a world takes its hot-path shortcuts: each one computes, faster, exactly what a general
/// path computes, and sits next to it.
///
/// | shortcut | general path it must equal |
/// | --- | --- |
/// | `flatSchema`: `_FlatObjectSchema`, and `isValid` before collecting violations | `_SchemaValidator` collecting every violation |
/// | `targetRow`: `TargetRowPlan` (one lookup of a keyed call's row, preconditions bound to it by `ExpressionRowBinding`) | the tool's own preconditions and operation, looking rows up by name |
/// | `directCondition`: `_DirectCondition`, `TargetRow.existence` | evaluating the condition in a `StepContext` |
/// | `inPlaceUpdate`: operations run on the state's own store, flat immediate updates written into the row, changed rows recognised without comparing them whole | a draft store that the state takes only when the whole operation succeeded and changed something |
/// | `idLookup`: `row.id == E` quantifiers looking the row up (`ExpressionContext.rowsAreIndexedByID`), and update and delete selectors `where: row.id == E [&& …]` (`RowSelector.matchingID`) | scanning every row |
/// | `immediateValues`: constants and `args.x` read without an evaluation frame or context | evaluating the compiled expression |
/// | `fieldIndex`: list filters `row.f == args.x` (alone or leftmost in `&&`) answered from the collection's `FieldIndex` (`EqualityFilter`) | scanning every row |
/// | `certainDraws`: no draw for a decision whose outcome is certain, lognormal parameters worked out once | drawing every decision, parameters computed per call |
///
/// Beside them, without a case of its own: an `always` check is evaluated again only after a
/// step that may have changed what its last evaluation read (`WorldReads`); the general path
/// evaluates it after every step. And an episode's trace writes each step's line directly in its
/// canonical member order (Sandbox's `TraceStep.writeCanonical(into:)`); the general path builds
/// the step's `JSON` and serializes it, sorting its keys.
///
/// `.disabled` turns every one of them off, so the general paths run alone; the differential
/// tests step a world with and without them and compare every observation and state.
package struct WorldShortcuts: Sendable, Hashable {
    /// Whether the shortcuts run.
    package var isEnabled: Bool
    /// For tests only: one shortcut that answers wrongly on purpose, to prove that the
    /// differential comparison notices (nil in every real world).
    package var broken: Shortcut?

    /// The shortcuts on: what every world built by `World.init(_:)` runs.
    package static let enabled = WorldShortcuts(isEnabled: true, broken: nil)
    /// The general paths alone.
    package static let disabled = WorldShortcuts(isEnabled: false, broken: nil)

    /// The shortcuts on, with `shortcut` giving a wrong answer (tests of the tests).
    package static func broken(_ shortcut: Shortcut) -> WorldShortcuts {
        WorldShortcuts(isEnabled: true, broken: shortcut)
    }

    /// One shortcut, by the general path it stands in for (see the table above).
    package enum Shortcut: String, Sendable, Hashable, CaseIterable {
        case flatSchema
        case targetRow
        case directCondition
        case inPlaceUpdate
        case idLookup
        case immediateValues
        case certainDraws
        case fieldIndex
    }

    /// Whether `shortcut` is on and broken on purpose.
    func breaks(_ shortcut: Shortcut) -> Bool { broken == shortcut }
}
