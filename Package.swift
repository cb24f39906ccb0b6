// swift-tools-version:6.0
// simrun has zero package dependencies by design: it must embed into any agent test suite.
import PackageDescription

let package = Package(
    name: "simrun",
    products: [
        .library(name: "WorldModel", targets: ["WorldModel"]),
        .library(name: "Scenarios", targets: ["Scenarios"]),
        .library(name: "Sandbox", targets: ["Sandbox"]),
        .executable(name: "simrun", targets: ["simrun"]),
    ],
    targets: [
        // Pure: the standard library only (no Foundation, no libm; see DeterministicMath).
        .target(name: "WorldModel"),
        .target(name: "Scenarios", dependencies: ["WorldModel"]),
        .target(name: "Sandbox", dependencies: ["Scenarios", "WorldModel"]),
        // The benchmarks `simrun bench` runs: linked by the CLI only, not part of any product.
        .target(
            name: "SimrunBenchmarks", dependencies: ["Sandbox", "Scenarios", "WorldModel"],
            exclude: ["thresholds.json"]),
        .executableTarget(name: "simrun", dependencies: ["Sandbox", "Scenarios", "WorldModel", "SimrunBenchmarks"]),
        .testTarget(name: "WorldModelTests", dependencies: ["WorldModel"]),
        .testTarget(name: "ScenariosTests", dependencies: ["Scenarios", "WorldModel"]),
        .testTarget(name: "SandboxTests", dependencies: ["Sandbox", "Scenarios", "WorldModel"]),
        .testTarget(name: "SimrunBenchmarksTests", dependencies: ["SimrunBenchmarks", "Sandbox", "Scenarios", "WorldModel"]),
        .testTarget(name: "EndToEndTests", dependencies: ["simrun", "WorldModel"]),
    ],
    swiftLanguageModes: [.v6]
)
