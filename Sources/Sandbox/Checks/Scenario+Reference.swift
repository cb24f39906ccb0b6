import Scenarios
import WorldModel

extension Scenario {
    /// The data the scripted reference solution reaches in the idealized world on the
    /// validation seed: what `{"state": "solution"}` checks compare with. Computed once per
    /// loaded scenario and shared by its episodes (see `ReferenceOutcome`).
    package var referenceData: EntityStore {
        referenceOutcome.data {
            var engine = EpisodeEngine(
                scenario: idealized(), seed: ScenarioValidator.solutionSeed, recordsStateHashes: false)
            _ = SolutionFollower(style: .scripted).play(&engine)
            return engine.state.data
        }
    }
}
