import WorldModel

/// simrun's exit codes, as documented in the README.
enum ExitCode: Int32 {
    /// Everything passed.
    case success = 0
    /// A verdict failed (or a replay diverged).
    case failure = 1
    /// Bad input or usage.
    case badInput = 2
    /// A bug in simrun.
    case internalError = 3
}
