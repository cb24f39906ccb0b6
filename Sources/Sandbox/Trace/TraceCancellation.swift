import WorldModel

/// A call whose answer the agent abandoned: the client sent `notifications/cancelled` for it
/// while a `--realtime` server was holding the answer back.
///
/// The call itself was made and is the step it names (its effects stand, as on a real
/// service); the agent never read the answer. Like think time, it is something the agent did,
/// so the trace records it, in a line of its own after the step it names:
/// `{"type":"cancelled","step":N}`. Replay carries it over: it changes nothing in the world,
/// so the replayed steps and verdict are compared as usual.
public struct TraceCancellation: Sendable, Hashable {
    /// The index of the step whose answer was abandoned.
    public var step: Int
    /// How many steps precede the line in the file (the step it names, or later ones when other
    /// sessions made calls while the answer was held): where the line goes when the trace is
    /// written again. Not part of the line itself.
    public var precedingSteps: Int

    /// A cancellation of `step`, written after `precedingSteps` steps (by default right after it).
    package init(step: Int, precedingSteps: Int? = nil) {
        self.step = step
        self.precedingSteps = precedingSteps ?? step
    }

    /// The JSON form, including `"type":"cancelled"`.
    package var json: JSON {
        ["type": "cancelled", "step": .int(step)]
    }

    /// Decodes the JSON form; `precedingSteps` is the number of steps read before it.
    package init(json: JSON, precedingSteps: Int) throws(RecordDecodingError) {
        var reader = try _RecordReader(json, path: "cancelled")
        _ = try reader.string("type")
        step = try reader.int("step", minimum: 1)
        try reader.finish()
        self.precedingSteps = precedingSteps
    }
}
