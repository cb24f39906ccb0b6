/// A mistake in how a command was called; exits 2 with the message and a pointer to help.
struct UsageError: Error, CustomStringConvertible {
    let command: String
    let message: String

    var description: String {
        "simrun \(command): \(message)\nRun 'simrun \(command) --help' for usage."
    }
}
