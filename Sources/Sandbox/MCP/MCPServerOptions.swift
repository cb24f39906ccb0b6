import Foundation
import WorldModel

/// How `MCPServer` runs: think-time source, `--realtime` pacing and input limits.
public struct MCPServerOptions: Sendable {
    /// Where the agent's think time comes from (`--think-time measured|zero`).
    public var thinkTime: MCPThinkTime
    /// `--realtime[=SCALE]`: when set, each `tools/call` response is held back for the
    /// simulated `latency_ms × scale` of wall time, and measured think time is divided by
    /// `scale` (a scale of 0.1 runs the world ten times faster than the wall clock, so one
    /// wall second of thinking is ten virtual seconds). `nil` (the default) never sleeps.
    public var realtimeScale: Double?
    /// The longest accepted input line in bytes, without its newline; longer lines are
    /// skipped and answered with -32600. Default 4 MiB.
    public var maxLineBytes: Int
    /// Sleeps for the given number of nanoseconds; `--realtime` pacing goes through it so
    /// tests can observe it without waiting.
    public var sleep: @Sendable (UInt64) async -> Void
    /// Receives one human-readable diagnostic line per protocol error or lifecycle event;
    /// `nil` is silent. Never stdout: use `MCPServerOptions.standardErrorLog`.
    public var log: (@Sendable (String) -> Void)?

    /// Creates options; the defaults are `simrun serve`'s defaults.
    public init(
        thinkTime: MCPThinkTime = .measured,
        realtimeScale: Double? = nil,
        maxLineBytes: Int = 4 << 20,
        sleep: @escaping @Sendable (UInt64) async -> Void = { nanoseconds in
            try? await Task.sleep(nanoseconds: nanoseconds)
        },
        log: (@Sendable (String) -> Void)? = nil
    ) {
        self.thinkTime = thinkTime
        self.realtimeScale = realtimeScale
        self.maxLineBytes = maxLineBytes
        self.sleep = sleep
        self.log = log
    }

    /// A `log` that writes `simrun mcp: <line>` to standard error.
    public static let standardErrorLog: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data("simrun mcp: \(line)\n".utf8))
    }
}

/// The source of the agent's think time passed to `MCPSession.call`.
///
/// This is the one place in simrun where wall-clock time is read: the time an external
/// agent spends between a response and its next call is part of its action.
public enum MCPThinkTime: Sendable {
    /// Monotonic wall time between the last charged response and the next tools/call.
    case measured
    /// Always 0: episodes do not depend on how fast the agent is (`--think-time zero`).
    case zero
    /// A custom monotonic clock in nanoseconds, e.g. a fake in tests.
    case clock(@Sendable () -> UInt64)

    /// The current reading in nanoseconds, or `nil` when think time is not measured.
    func now() -> UInt64? {
        switch self {
        case .measured: DispatchTime.now().uptimeNanoseconds
        case .zero: nil
        case .clock(let read): read()
        }
    }
}
