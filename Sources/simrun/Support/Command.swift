/// One `simrun` subcommand: its options, its help text and what it does with its arguments.
protocol Command: Sendable {
    /// The subcommand's name, e.g. `run`.
    static var name: String { get }
    /// One line for the command list.
    static var abstract: String { get }
    /// The options and positionals: they parse the arguments and make the usage line and
    /// options section of the help.
    static var options: OptionTable { get }
    /// The help's paragraph after the usage line.
    static var about: String { get }
    /// The help after the options section (exit status, examples); may be empty.
    static var epilogue: String { get }
    /// Runs with the arguments after the subcommand name, as `options` parsed them.
    static func run(_ arguments: ParsedArguments) async throws -> ExitCode
}

extension Command {
    static var epilogue: String { "" }

    /// The full help text: usage, description, options, epilogue.
    static var help: String { options.help(command: name, description: about, epilogue: epilogue) }
}
