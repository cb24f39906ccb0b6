import Scenarios
import Testing

@testable import WorldModel

@Suite("Hot-path shortcuts equal the general paths")
struct ShortcutDifferentialTests {
    @Test("with shortcuts off, a world has no target plans, no in-place writes and always a context")
    func disabledMeansGeneral() throws {
        for file in ShortcutDifferential.worlds {
            let world = try TargetRowEquivalenceTests.world(file)
            #expect(world.toolEntries.contains { $0.target != nil }, "\(file) has no keyed tool")
            let general = world.with(shortcuts: .disabled)
            #expect(general.toolEntries.allSatisfy { $0.target == nil && $0.needsContext }, "\(file)")
            #expect(general.toolEntries.allSatisfy { !$0.failsOnlyBeforeWriting && $0.updateShape == nil }, "\(file)")
            #expect(general.serviceEntries.allSatisfy { !$0.regimeIsFixed && $0.regimeCanFail.allSatisfy { $0 } })
            #expect(!StepContext(world: general, state: general.initialState).rowsAreIndexedByID)
            #expect(StepContext(world: world, state: world.initialState).rowsAreIndexedByID)
            #expect(general.idealized().shortcuts == .disabled)
        }
    }

    @Test(
        "random calls give the same observations and states with and without shortcuts",
        arguments: ShortcutDifferential.worlds)
    func sameOnRandomCalls(file: String) throws {
        let (differential, successes, commits) = try ShortcutDifferential.run(file, count: 700)
        #expect(
            differential.mismatches.isEmpty, "\(file):\n\(differential.mismatches.prefix(5).joined(separator: "\n"))")
        // The calls must reach operations: most tools succeed at least once, and some write.
        let tools = try TargetRowEquivalenceTests.world(file).tools
        let succeeded = tools.filter { successes[$0.name, default: 0] > 0 }.count
        #expect(succeeded * 2 >= tools.count, "\(file): only \(successes) succeeded")
        // billing-outage writes only through billing_issue_credit, whose preconditions need a
        // credit request together with its own account: random arguments rarely pair them.
        let writes = tools.contains { !$0.isReadOnly } && file != "billing-outage.json"
        #expect(commits >= 1 || !writes, "\(file): no call committed")
    }

    /// The shortcuts a test can break on purpose (`WorldShortcuts.broken`); `idLookup` lives in
    /// the expression engine, which has no such hook.
    static let breakable: [WorldShortcuts.Shortcut] = WorldShortcuts.Shortcut.allCases.filter { $0 != .idLookup }

    @Test("a shortcut broken on purpose is caught by the comparison", arguments: breakable)
    func brokenShortcutIsCaught(shortcut: WorldShortcuts.Shortcut) throws {
        var found: [String] = []
        for file in ShortcutDifferential.worlds where found.isEmpty {
            let (differential, _, _) = try ShortcutDifferential.run(
                file, shortcuts: .broken(shortcut), count: 700, stopEarly: true)
            found += differential.mismatches.map { "\(file): \($0)" }
        }
        #expect(!found.isEmpty, "breaking \(shortcut) went unnoticed")
    }
}
