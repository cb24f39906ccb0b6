import Foundation

/// Runs the built `simrun` binary and captures what it printed.
struct SimrunProcess {
    /// Exit status, standard output and standard error of one run.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root, found from this file's location.
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The `simrun` executable next to the test bundle (the build products directory), or in
    /// `.build/debug` as a fallback.
    static let executable: String? = {
        let bundle = Bundle.main.bundleURL
        let candidates = [
            bundle.appendingPathComponent("simrun").path,
            bundle.deletingLastPathComponent().appendingPathComponent("simrun").path,
            root + "/.build/debug/simrun",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Runs `simrun arguments…` in the package root; output goes through files so neither pipe can fill up.
    static func run(_ arguments: [String]) throws -> Result {
        guard let executable else { throw MissingBinary() }
        return try run(executable: executable, arguments)
    }

    /// Runs `script` with `/bin/sh -c` in the package root, with `$SIMRUN` naming the binary.
    static func shell(_ script: String) throws -> Result {
        guard let executable else { throw MissingBinary() }
        return try run(executable: "/bin/sh", ["-c", "SIMRUN='\(executable)'; " + script])
    }

    private static func run(executable: String, _ arguments: [String]) throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("simrun-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    struct MissingBinary: Error, CustomStringConvertible {
        var description: String { "the simrun binary was not found next to the tests or in .build/debug" }
    }
}

/// A temporary directory for corrupt scenario copies, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("simrun-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` inside the directory and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
