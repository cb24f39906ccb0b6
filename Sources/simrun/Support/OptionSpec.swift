/// One option a command accepts: how the parser reads it and how its help shows it.
///
/// Every command's options are an `OptionTable` of these; the table both parses the arguments
/// and writes the usage line and options section of the command's help, so the two cannot
/// disagree.
struct OptionSpec: Sendable {
    /// What an option takes.
    enum Kind: Sendable {
        /// Nothing: `--show`.
        case flag
        /// A value: `--trace FILE` or `--trace=FILE`.
        case value
        /// One of fixed names (an enum's cases): `--format text|json`.
        case choice([String])
        /// A whole number in a range: `--trials K`.
        case integer(ClosedRange<Int64>)
        /// Nothing, or a value after `=`: `--realtime[=SCALE]`.
        case optionalValue
    }

    /// The option's name with its dashes, e.g. `--seed`.
    var name: String
    /// The value's placeholder in help (`N`, `FILE`); empty for flags.
    var placeholder: String
    /// What the option does; `\n` starts a new line of help.
    var help: String
    /// What it takes.
    var kind: Kind

    static func flag(_ name: String, help: String) -> OptionSpec {
        OptionSpec(name: name, placeholder: "", help: help, kind: .flag)
    }

    static func value(_ name: String, _ placeholder: String, help: String) -> OptionSpec {
        OptionSpec(name: name, placeholder: placeholder, help: help, kind: .value)
    }

    static func integer(_ name: String, _ placeholder: String, range: ClosedRange<Int64>, help: String) -> OptionSpec {
        OptionSpec(name: name, placeholder: placeholder, help: help, kind: .integer(range))
    }

    /// An option whose values are the raw values of `choices`, in that order.
    static func choice<Choice: RawRepresentable>(
        _ name: String, _ placeholder: String, _ choices: [Choice], help: String
    ) -> OptionSpec where Choice.RawValue == String {
        OptionSpec(name: name, placeholder: placeholder, help: help, kind: .choice(choices.map(\.rawValue)))
    }

    /// How the option appears in the usage line: `--seed N`, `--format text|json`, `--show`.
    var usage: String {
        switch kind {
        case .flag: name
        case .value, .integer: "\(name) \(placeholder)"
        case .choice(let names): "\(name) \(names.joined(separator: "|"))"
        case .optionalValue: "\(name)[=\(placeholder)]"
        }
    }

    /// How the option is labelled in the options section: `--seed N`, `--format FORMAT`.
    var label: String {
        switch kind {
        case .flag: name
        case .value, .integer, .choice: "\(name) \(placeholder)"
        case .optionalValue: "\(name)[=\(placeholder)]"
        }
    }
}

/// The formats `--format` offers.
enum OutputFormat: String, CaseIterable {
    /// For people.
    case text
    /// For programs.
    case json
}
