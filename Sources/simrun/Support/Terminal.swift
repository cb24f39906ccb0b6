import Foundation
import Sandbox
import Scenarios
import WorldModel

/// Where the CLI writes: results to standard output, messages and progress to standard error.
enum Terminal {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether standard error is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Whether standard output is a terminal (Unicode marks are used only then).
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// The marks reports use on standard output: Unicode on a terminal, ASCII otherwise.
    static var reportSymbols: ReportSymbols { stdoutIsTerminal ? .unicode : .ascii }

    /// The running simrun executable, so an external agent's server is the same build.
    static var executablePath: String {
        ScenarioLoader.currentExecutablePath() ?? CommandLine.arguments[0]
    }
}

/// A failure that ends a command with an exit code and a message on standard error.
struct CommandFailure: Error {
    var code: ExitCode
    var message: String

    static func badInput(_ message: String) -> CommandFailure { CommandFailure(code: .badInput, message: message) }
}
