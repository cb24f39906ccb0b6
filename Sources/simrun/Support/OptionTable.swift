/// A command's options in help order, the positional arguments it takes, and which options
/// exclude each other: the one source of its parser and of its help's usage line and options
/// section.
struct OptionTable: Sendable {
    /// The positional part of the usage line, e.g. `FILE` or `[DIR]`.
    var positionals: String
    /// The options, in the order help lists them.
    var options: [OptionSpec]
    /// Groups of options of which at most one may be given; shown as `[--a X | --b Y]`.
    var exclusive: [[String]] = []
    /// What the arguments after `--` are, for a command that takes a command line of its own
    /// (`SERVER_CMD [ARGS…]`); `nil` when `--` is not accepted.
    var trailing: String? = nil

    /// The widest a help line gets.
    static let width = 100

    /// `usage: simrun COMMAND …` with every option, wrapped under the first argument.
    func usage(command: String) -> String {
        var items: [String] = positionals.isEmpty ? [] : [positionals]
        var shown: Set<String> = []
        for option in options where !shown.contains(option.name) {
            if let group = exclusive.first(where: { $0.contains(option.name) }) {
                let members = group.compactMap { name in options.first { $0.name == name } }
                items.append("[" + members.map(\.usage).joined(separator: " | ") + "]")
                shown.formUnion(group)
            } else {
                items.append("[\(option.usage)]")
                shown.insert(option.name)
            }
        }
        let lead = "usage: simrun \(command) "
        let indent = String(repeating: " ", count: lead.count)
        var lines: [String] = []
        var line = lead
        for item in items {
            if line.count > lead.count, line.count + item.count > Self.width {
                lines.append(String(line.dropLast()))
                line = indent
            }
            line += item + " "
        }
        if let trailing {
            let item = "-- " + trailing
            if line.count > lead.count, line.count + item.count > Self.width {
                lines.append(String(line.dropLast()))
                line = indent
            }
            line += item + " "
        }
        lines.append(String(line.dropLast()))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `options:` section: each label, then its help wrapped in a column; empty without options.
    var optionsSection: String {
        guard !options.isEmpty else { return "" }
        let column = min(21, (options.map(\.label.count).max() ?? 0) + 4)
        var text = "options:\n"
        for option in options {
            var lines: [String] = []
            for paragraph in option.help.split(separator: "\n", omittingEmptySubsequences: false) {
                lines += Self.wrap(String(paragraph), width: Self.width - column)
            }
            let label = "  " + option.label
            if label.count + 1 > column {
                text += label + "\n"
            } else {
                text += label.padding(toLength: column, withPad: " ", startingAt: 0) + (lines.first ?? "") + "\n"
                lines.removeFirst()
            }
            for line in lines { text += String(repeating: " ", count: column) + line + "\n" }
        }
        return text
    }

    /// The full help of `command`: usage, `description`, the options section, then `epilogue`.
    func help(command: String, description: String, epilogue: String = "") -> String {
        var text = usage(command: command) + "\n" + description
        if !text.hasSuffix("\n") { text += "\n" }
        if !options.isEmpty { text += "\n" + optionsSection }
        if !epilogue.isEmpty { text += "\n" + epilogue + (epilogue.hasSuffix("\n") ? "" : "\n") }
        return text + "\n"
    }

    /// Reads `arguments` by this table: options in the forms `--name value` and `--name=value`
    /// (the last occurrence wins), everything else positional. An option not in the table, a
    /// missing or malformed value, or two options of one exclusive group is a usage error.
    func parse(_ arguments: [String], command: String) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments(command: command, table: self)
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--", trailing != nil {
                parsed.trailing = Array(arguments[index...])
                break
            }
            guard argument.hasPrefix("-"), argument != "-" else {
                parsed.positionals.append(argument)
                continue
            }
            let equals = argument.firstIndex(of: "=")
            let name = equals.map { String(argument[..<$0]) } ?? argument
            var inline = equals.map { String(argument[argument.index(after: $0)...]) }
            guard let option = options.first(where: { $0.name == name }) else {
                throw UsageError(command: command, message: "unknown option '\(name)'")
            }
            switch option.kind {
            case .flag:
                if inline != nil { throw UsageError(command: command, message: "\(name) takes no value") }
                parsed.values[name] = .some(nil)
                continue
            case .optionalValue:
                parsed.values[name] = .some(inline)
                continue
            case .value, .choice, .integer:
                if inline == nil {
                    guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                        throw UsageError(command: command, message: "\(name) needs a value")
                    }
                    inline = arguments[index]
                    index += 1
                }
            }
            let value = inline ?? ""
            switch option.kind {
            case .choice(let names) where !names.contains(value):
                throw UsageError(
                    command: command, message: "\(name) must be one of \(names.joined(separator: ", ")), not '\(value)'"
                )
            case .integer(let range) where Int64(value).map(range.contains) != true:
                throw UsageError(
                    command: command,
                    message: "\(name) takes a whole number in \(range.lowerBound)...\(range.upperBound), not '\(value)'"
                )
            default:
                parsed.values[name] = .some(value)
            }
        }
        for group in exclusive {
            let given = group.filter { parsed.values[$0] != nil }
            if given.count > 1 {
                throw UsageError(command: command, message: "\(given.joined(separator: " and ")) exclude each other")
            }
        }
        return parsed
    }

    /// `text` in lines of at most `width` characters, broken at spaces.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        lines.append(line)
        return lines
    }
}

/// The arguments of one command as its `OptionTable` read them.
///
/// Asking for an option the table does not have is a programmer error and traps: every option
/// a command reads is one its help shows.
struct ParsedArguments {
    /// The command's name, for messages.
    let command: String
    let table: OptionTable
    /// The positional arguments, in order.
    var positionals: [String] = []
    /// The arguments after `--`, when the table accepts them and `--` was given.
    var trailing: [String]? = nil
    /// The options given: the value (`nil` for a flag or a bare optional value) by name.
    fileprivate(set) var values: [String: String?] = [:]

    init(command: String, table: OptionTable) {
        self.command = command
        self.table = table
    }

    private func spec(_ name: String) -> OptionSpec {
        guard let spec = table.options.first(where: { $0.name == name }) else {
            preconditionFailure("simrun \(command) reads \(name), which its option table does not have")
        }
        return spec
    }

    /// Whether the option was given at all.
    func has(_ name: String) -> Bool {
        _ = spec(name)
        return values[name] != nil
    }

    /// Whether the flag was given.
    func flag(_ name: String) -> Bool { has(name) }

    /// The option's value, if it was given with one.
    func value(_ name: String) -> String? {
        _ = spec(name)
        return values[name] ?? nil
    }

    /// The value of an integer option (already checked against its range).
    func integer(_ name: String) -> Int64? {
        value(name).flatMap { Int64($0) }
    }

    /// The value of a choice option as the enum it lists.
    func choice<Choice: RawRepresentable>(_ name: String, as _: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        value(name).flatMap(Choice.init(rawValue:))
    }
}
