// swift-tools-version:6.0
// An agent test suite that embeds simrun exactly as a user's package does: a separate package
// that depends on simrun by path and imports only `Sandbox` (with Foundation and Testing). A test
// target inside simrun's own package would see its `package` declarations; this one sees only the
// public API, so it proves that what docs/embedding.md shows compiles and works, and that
// `import Sandbox` leaves an embedder's own names (`Decoder`, `Expression`, …) alone.
//
// Run from the repository root: `swift test --package-path Examples/EmbeddingTests` (`.ci/run`
// does, in a scratch directory of its own).
import PackageDescription

// A path dependency's identity is the last component of its path: the checkout's folder name,
// whatever it is (`simrun` in a fresh clone, something else in a worktree).
let simrunIdentity = String(
    Context.packageDirectory.split(separator: "/").dropLast(2).last ?? "simrun"
).lowercased()

let package = Package(
    name: "EmbeddingTests",
    dependencies: [
        .package(path: "../..")
    ],
    targets: [
        .testTarget(
            name: "EmbeddingTests",
            dependencies: [.product(name: "Sandbox", package: simrunIdentity)]
        )
    ],
    swiftLanguageModes: [.v6]
)
