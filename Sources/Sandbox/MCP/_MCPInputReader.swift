import Foundation
import WorldModel

/// The stdio server's view of its input: events in order, with a queue for events read early.
///
/// While a `--realtime` answer is held back, the server keeps reading so that a
/// `notifications/cancelled` naming the held request can end the wait; other events read then
/// are queued and served afterwards, in order. A read started during a wait may still be in
/// progress when the wait ends; the next `next()` takes its result, so the input is never read
/// by two callers at once.
struct _MCPInputReader<Input: MCPInput> {
    private let input: Input
    private let maxLineBytes: Int
    private var queue: [MCPInputEvent] = []
    private var pending: Task<MCPInputEvent?, Never>?
    private var ended = false

    init(input: Input, maxLineBytes: Int) {
        self.input = input
        self.maxLineBytes = maxLineBytes
    }

    /// Whether the next event is already at hand (so answers can wait to be flushed together).
    /// A read in progress is not: the input is not touched while it runs.
    var hasBufferedMessage: Bool {
        !queue.isEmpty || (pending == nil && !ended && input.hasBufferedMessage)
    }

    /// The next event, or `nil` at end of input.
    mutating func next() async -> MCPInputEvent? {
        if !queue.isEmpty { return queue.removeFirst() }
        if let read = pending {
            pending = nil
            let event = await read.value
            if event == nil { ended = true }
            return event
        }
        if ended { return nil }
        let event = await input.next(maxLineBytes: maxLineBytes)
        if event == nil { ended = true }
        return event
    }

    /// Runs `sleep(nanoseconds)` once and waits for it while reading input; returns `true` (and
    /// cancels the sleep) as soon as a `notifications/cancelled` whose `requestId` is `requestID`
    /// arrives. That notification is consumed; every other event is queued.
    mutating func wait(
        sleeping nanoseconds: UInt64, with sleep: @escaping @Sendable (UInt64) async -> Void,
        unlessCancelling requestID: JSON?
    ) async -> Bool {
        let sleeper = Task { await sleep(nanoseconds) }
        guard let requestID else {
            await sleeper.value
            return false
        }
        while true {
            if pending == nil, !ended {
                let (input, limit) = (input, maxLineBytes)
                pending = Task { await input.next(maxLineBytes: limit) }
            }
            guard let read = pending else {
                await sleeper.value
                return false
            }
            guard case .event(let event) = await Self.first(sleeper, read) else { return false }
            pending = nil
            guard let event else {
                ended = true
                continue
            }
            if Self.cancels(event, requestID: requestID) {
                sleeper.cancel()
                await sleeper.value  // a cancelled sleep returns at once; nothing is left running
                return true
            }
            queue.append(event)
        }
    }

    private enum Outcome: Sendable {
        case slept
        case event(MCPInputEvent?)
    }

    /// Whichever finishes first: the sleep or the read (the other goes on).
    private static func first(_ sleeper: Task<Void, Never>, _ read: Task<MCPInputEvent?, Never>) async -> Outcome {
        await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let gate = _OnceGate()
            Task {
                await sleeper.value
                if gate.claim() { continuation.resume(returning: .slept) }
            }
            Task {
                let event = await read.value
                if gate.claim() { continuation.resume(returning: .event(event)) }
            }
        }
    }

    /// Whether `event` is `notifications/cancelled` for `requestID`.
    static func cancels(_ event: MCPInputEvent, requestID: JSON) -> Bool {
        guard case .line(let bytes) = event, let message = try? JSON(parsing: bytes),
            message["method"] == "notifications/cancelled", message["id"] == nil,
            let named = message["params"]?["requestId"]
        else { return false }
        return named.canonicalText == requestID.canonicalText
    }
}

/// Lets exactly one of several racers through.
private final class _OnceGate: @unchecked Sendable {
    private let lock = NSLock()
    private var claimed = false

    func claim() -> Bool {
        lock.withLock {
            defer { claimed = true }
            return !claimed
        }
    }
}
