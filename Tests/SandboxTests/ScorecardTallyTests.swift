import Sandbox
import Testing
import WorldModel

@Suite("Scorecard tallies")
struct ScorecardTallyTests {
    /// `ScorecardTests.sample` with distinct latencies, so the percentiles depend on every call.
    static var episodes: [EpisodeSummary] {
        ScorecardTests.sample.enumerated().map { index, episode in
            var episode = episode
            episode.callLatenciesMs = [Int64(index * 37 % 11), 5, Int64(100 + index)]
            return episode
        }
    }

    @Test("a tally that keeps every episode builds the scorecard Scorecard(episodes:) builds")
    func keepingEverything() {
        var tally = Scorecard.Tally(keepsPassingEpisodes: true)
        for episode in Self.episodes { tally.add(episode) }
        let card = Scorecard(tally)
        #expect(card == Scorecard(episodes: Self.episodes.reversed()))
        #expect(card.callCount == 36)
        #expect(
            card.latencyP50Ms == Scorecard.nearestRank(Self.episodes.flatMap(\.callLatenciesMs).sorted(), percent: 50))
        #expect(
            card.latencyP99Ms == Scorecard.nearestRank(Self.episodes.flatMap(\.callLatenciesMs).sorted(), percent: 99))
    }

    @Test("a tally that keeps aggregates prints the same report and keeps only the failing episodes")
    func aggregatesOnly() {
        var tally = Scorecard.Tally(keepsPassingEpisodes: false)
        for episode in Self.episodes { tally.add(episode) }
        let card = Scorecard(tally)
        let full = Scorecard(episodes: Self.episodes)
        #expect(card.text == full.text)
        #expect(card.episodeCount == 12)
        #expect(card.episodes == full.failingEpisodes)
        #expect(card.failingEpisodes.allSatisfy { !$0.replayCommand.isEmpty })
        #expect(card.passHat(2) == full.passHat(2))
        #expect(card.passRate == full.passRate)
    }

    @Test("an archive that could not be written takes back the kept episodes' trace and replay command")
    func archiveFailed() {
        var tally = Scorecard.Tally(keepsPassingEpisodes: true)
        var archived = ScorecardTests.episode(1, 1)
        archived.tracePath = "d/passed.jsonl"
        tally.add(archived)
        tally.add(ScorecardTests.episode(2, 1, ["a"]))
        tally.archiveFailed(path: "d/passed.jsonl")
        let card = Scorecard(tally)
        #expect(card.episodes[0].tracePath == nil && card.episodes[0].replayCommand.isEmpty)
        #expect(card.episodes[1].tracePath != nil && !card.episodes[1].replayCommand.isEmpty)
    }
}
