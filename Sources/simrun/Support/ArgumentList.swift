import WorldModel

/// The arguments of one command, consumed as options and positionals are read.
///
/// Options take the forms `--name value` and `--name=value`; whatever is left unread at the
/// end is a usage error, so a typo never goes unnoticed.
struct ArgumentList {
    private var remaining: [String]
    let command: String

    init(command: String, _ arguments: some Sequence<String>) {
        self.command = command
        remaining = Array(arguments)
    }

    /// Whether `--help` or `-h` was given.
    mutating func wantsHelp() -> Bool {
        flag("--help") || flag("-h")
    }

    /// Consumes a flag; true if it was present.
    mutating func flag(_ name: String) -> Bool {
        guard let index = remaining.firstIndex(of: name) else { return false }
        remaining.remove(at: index)
        return true
    }

    /// Consumes `--name value` or `--name=value`; the last occurrence wins.
    mutating func option(_ name: String) throws(UsageError) -> String? {
        var value: String?
        while let index = remaining.firstIndex(where: { $0 == name || $0.hasPrefix(name + "=") }) {
            let argument = remaining.remove(at: index)
            if argument.hasPrefix(name + "=") {
                value = String(argument.dropFirst(name.count + 1))
            } else {
                guard index < remaining.count, !remaining[index].hasPrefix("--") else {
                    throw UsageError(command: command, message: "\(name) needs a value")
                }
                value = remaining.remove(at: index)
            }
        }
        return value
    }

    /// Consumes an option whose value must be one of `choices`.
    mutating func choice(_ name: String, _ choices: [String]) throws(UsageError) -> String? {
        guard let value = try option(name) else { return nil }
        guard choices.contains(value) else {
            throw UsageError(
                command: command, message: "\(name) must be one of \(choices.joined(separator: ", ")), not '\(value)'")
        }
        return value
    }

    /// Consumes an option whose value must be a whole number.
    mutating func integer(_ name: String, range: ClosedRange<Int64> = Int64.min...Int64.max) throws(UsageError)
        -> Int64?
    {
        guard let text = try option(name) else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw UsageError(
                command: command,
                message: "\(name) takes a whole number in \(range.lowerBound)...\(range.upperBound), not '\(text)'")
        }
        return value
    }

    /// Consumes all remaining positional arguments; an unknown option is a usage error.
    mutating func positionals() throws(UsageError) -> [String] {
        if let unknown = remaining.first(where: { $0.hasPrefix("-") && $0 != "-" }) {
            throw UsageError(command: command, message: "unknown option '\(unknown)'")
        }
        defer { remaining = [] }
        return remaining
    }

    /// Fails if anything is left unread.
    func finish() throws(UsageError) {
        if let first = remaining.first {
            throw UsageError(
                command: command,
                message: first.hasPrefix("-") ? "unknown option '\(first)'" : "unexpected argument '\(first)'")
        }
    }
}

/// A mistake in how a command was called; exits 2 with the message and a pointer to help.
struct UsageError: Error, CustomStringConvertible {
    let command: String
    let message: String

    var description: String {
        "simrun \(command): \(message)\nRun 'simrun \(command) --help' for usage."
    }
}
