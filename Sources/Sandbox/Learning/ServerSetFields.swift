import WorldModel

/// Values a server sets itself rather than taking from the arguments: the call's time (a
/// scenario's `now()`) and ids from a counter (`CR-1`, `CR-2`, …, a collection's generated ids).
///
/// *The call's time*: a server stamps a row at some moment between receiving the request and
/// sending the answer, which the recording sees within the call's interval: from the time the
/// call was made (`atMs`, the milliseconds since its session began in which `now()` counts,
/// after `--time-scale`) to that plus its latency. One millisecond either side allows for a
/// server's clock in whole milliseconds. A simrun trace's `now()` is exactly the call's `atMs`.
/// A call whose answer was lost (a timeout, a failure after the write) may have written a row
/// that a retry answers (an idempotent retry answers the first result): so the intervals of the
/// tool's failed calls since its previous successful call in the sequence count too (a failed
/// call without a latency lasts until the sequence's next call).
enum ServerSetFields {
    /// How far outside a call's interval a stamped time may be: the rounding of a clock in whole
    /// milliseconds.
    static let toleranceMs = 1.0

    /// The interval of virtual time in which a call's server may have stamped it.
    static func interval(of call: RecordedCall, until next: Double?) -> ClosedRange<Double> {
        let end = call.atMs + (call.latencyMs ?? max(0, (next ?? call.atMs) - call.atMs))
        return (call.atMs - toleranceMs)...(end + toleranceMs)
    }

    /// Whether `value` is a number within one of `intervals`.
    static func isTime(_ value: JSON, within intervals: [ClosedRange<Double>]) -> Bool {
        guard case .number(let number) = value else { return false }
        return intervals.contains { $0.contains(number.doubleValue) }
    }

    /// An id of a counter scheme split into its prefix and number: `CR-12` → (`CR`, 12). The
    /// prefix is upper-case ASCII letters; the number has no leading zero.
    static func counterID(_ id: String) -> (prefix: String, number: Int)? {
        guard let dash = id.firstIndex(of: "-") else { return nil }
        let prefix = id[..<dash]
        let digits = id[id.index(after: dash)...]
        guard !prefix.isEmpty, prefix.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }),
            !digits.isEmpty, digits.count <= 15, digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }),
            digits.first != "0", let number = Int(digits)
        else { return nil }
        return (String(prefix), number)
    }

    /// A collection name whose generated ids have `prefix` (`EntityCollection.idPrefix(of:)`),
    /// for a collection now named `current` and written by `tool`: `current` when it already
    /// has it; else the last word of the tool's or the collection's name that has it, made plural
    /// (`billing_issue_credit` and `CR` → `credits`); else the prefix in lower case (`cr`). Nil
    /// when no name has it: the scenario language makes only prefixes of one letter, or of two
    /// whose second is a consonant.
    static func collectionName(prefix: String, current: String, tool: String) -> String? {
        if EntityCollection.idPrefix(of: current) == prefix { return current }
        let words = (tool.split(separator: "_") + current.split(separator: "_")).map(String.init).reversed()
        if let word = words.first(where: { EntityCollection.idPrefix(of: $0) == prefix && $0.first!.isLetter }) {
            let plural = word.hasSuffix("s") ? word : word + "s"
            return EntityCollection.idPrefix(of: plural) == prefix ? plural : word
        }
        let lower = prefix.lowercased()
        return EntityCollection.idPrefix(of: lower) == prefix ? lower : nil
    }
}

/// A field a learned op leaves to the server, for the report: the call's time (`now()`) or the
/// collection's id counter, and how many of the answers checked it held in.
package struct ServerSetField: Sendable, Hashable {
    /// What sets the field.
    package enum Source: Sendable, Hashable {
        /// The call's time: `now()`.
        case time
        /// The collection's counter (`CR-1`, `CR-2`, …); whether every sequence's ids continue it
        /// from the rows the data starts with, as the scenario's counter does in every episode.
        case counter(prefix: String, first: Int, restartsWithSequences: Bool)
    }

    /// The field (`issued_at`, `id`).
    package var field: String
    /// What sets it.
    package var source: Source
    /// The answers it held in.
    package var calls: Int
    /// The answers checked (new rows for a create, successful calls for an update).
    package var of: Int
    /// For a counter that does not restart with each sequence: where it did not.
    package var mismatch: String? = nil

    /// The report's note: `server-set: issued_at = now(), the call's time, in 480 of 480 new rows`.
    func note(unit: String) -> String {
        switch source {
        case .time:
            return "server-set: \(field) = now(), the call's time, in \(calls) of \(of) \(unit)"
        case .counter(let prefix, let first, true):
            return
                "server-set: \(field) = \(prefix)-n, the collection's counter continuing from the rows seen (from \(prefix)-\(first) in each sequence), in \(calls) of \(of) \(unit)"
        case .counter(let prefix, _, false):
            return
                "server-set: \(field) = \(prefix)-n, counting up in each sequence but not as a counter restarting with each (\(mismatch ?? "")): the scenario's counter restarts with each episode, so rows it creates may get other ids than the real system gave"
        }
    }

    /// The report's JSON: `field`, `source` (`now()` or `counter`), `prefix`, `first` and
    /// `restarts_with_sequences` for a counter, `calls`, `of`.
    var json: JSON {
        var object: JSONObject = ["field": .string(field)]
        switch source {
        case .time:
            _ = object.updateValue("now()", forKey: "source")
        case .counter(let prefix, let first, let restarts):
            _ = object.updateValue("counter", forKey: "source")
            _ = object.updateValue(.string(prefix), forKey: "prefix")
            _ = object.updateValue(.int(first), forKey: "first")
            _ = object.updateValue(.bool(restarts), forKey: "restarts_with_sequences")
        }
        _ = object.updateValue(.int(calls), forKey: "calls")
        _ = object.updateValue(.int(of), forKey: "of")
        return .object(object)
    }
}
