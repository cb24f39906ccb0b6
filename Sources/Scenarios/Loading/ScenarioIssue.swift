import WorldModel

/// One mistake in a scenario file or fault overlay: the file, the JSON path and what is wrong.
///
/// A `Diagnostic`, the one shape every simrun format reports problems in, e.g.
/// `billing-outage.json: tools[2].op: expected one of get, list, …, found "lst" (did you mean "list"?)`.
public typealias ScenarioIssue = Diagnostic

extension Diagnostic {
    /// An issue in `file` at the dotted JSON `path` (`tools[2].effects[0].set.status`, empty for
    /// the document itself), stated in words: what was expected and what was found, with a
    /// suggestion when a name is close.
    public init(file: String, path: String, message: String) {
        self.init(file: file, at: JSONPath(rendered: path), message)
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
