import WorldModel

/// One mistake in a scenario file: where (file and JSON path) and what.
public struct ScenarioIssue: Sendable, Hashable, CustomStringConvertible {
    /// The file, as the user named it.
    public var file: String
    /// The JSON path, e.g. `tools[2].effects[0].set.status`; empty for the document itself.
    public var path: String
    /// What was expected and what was found, with a suggestion when a name is close.
    public var message: String

    /// Creates an issue.
    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `billing-outage.json: tools[2].op: expected one of get, list, …, found "lst" (did you mean "list"?)`.
    /// Control characters in the file name are escaped.
    public var description: String {
        path.isEmpty ? "\(file.printable): \(message)" : "\(file.printable): \(path): \(message)"
    }
}

/// A scenario (or fault overlay) that cannot be loaded, with every issue found, in file order.
public struct ScenarioLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// All issues found; never empty.
    public var issues: [ScenarioIssue]

    /// Creates an error from issues.
    public init(issues: [ScenarioIssue]) { self.issues = issues }

    /// One issue per line.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
