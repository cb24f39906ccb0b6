import Foundation
import Testing

/// docs/embedding.md shows the test that `Examples/EmbeddingTests` runs (a package of its own, so
/// it sees only the public API; `.ci/run` builds and runs it). This keeps the two the same.
@Suite("docs/embedding.md and the embedding example")
struct EmbeddingDocTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("the example in docs/embedding.md is the code Examples/EmbeddingTests compiles and runs")
    func exampleMatches() throws {
        let doc = try String(contentsOf: Self.root.appendingPathComponent("docs/embedding.md"), encoding: .utf8)
        let example = try String(
            contentsOf: Self.root.appendingPathComponent(
                "Examples/EmbeddingTests/Tests/EmbeddingTests/EmbeddingExampleTests.swift"),
            encoding: .utf8)
        let marker = "/// The agent under test"
        let exampleBody = try #require(example.range(of: marker).map { String(example[$0.lowerBound...]) })
        let block = try #require(
            doc.range(of: "```swift\nimport Foundation\nimport Sandbox\nimport Testing\n").map {
                String(doc[$0.upperBound...])
            })
        let code = try #require(block.range(of: "\n```\n").map { String(block[..<$0.lowerBound]) + "\n" })
        let docBody = try #require(code.range(of: marker).map { String(code[$0.lowerBound...]) })
        #expect(docBody == exampleBody)
    }
}
