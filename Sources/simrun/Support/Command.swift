import WorldModel

/// One `simrun` subcommand: its help text and what it does with its arguments.
protocol Command: Sendable {
    /// The subcommand's name, e.g. `run`.
    static var name: String { get }
    /// One line for the command list.
    static var abstract: String { get }
    /// The full help text (usage, options, examples).
    static var help: String { get }
    /// Runs with the arguments after the subcommand name.
    static func run(_ arguments: inout ArgumentList) async throws -> ExitCode
}
