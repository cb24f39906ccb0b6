import WorldModel

extension ScenarioReader {
    /// The answers of an `op: recorded` tool: `recorded`, an array of `{"arguments": {…},
    /// "result": any, "status": 200}` (status defaults to 200), and an optional `default` answer
    /// `{"result": any, "status": 200}` for arguments never recorded (without one they answer
    /// 404 `not_recorded`). The same canonical arguments recorded twice is an error.
    mutating func readRecordedAnswers(_ tool: JSONObject, path: String) -> RecordedAnswers? {
        let recordedPath = Self.join(path, "recorded")
        guard tool["recorded"] != nil else {
            report(
                path,
                "missing required key 'recorded' (op 'recorded' answers the recorded responses: an array of {\"arguments\": {…}, \"result\": …, \"status\": 200})"
            )
            return nil
        }
        guard let elements = array(tool["recorded"], recordedPath) else { return nil }
        var answers: [(arguments: JSON, answer: RecordedAnswers.Answer)] = []
        var firstIndex: [String: Int] = [:]
        var failed = false
        for (index, element) in elements.enumerated() {
            let entryPath = Self.join(recordedPath, index)
            guard
                let entry = object(
                    element, entryPath, allowed: ["arguments", "result", "status"], required: ["arguments", "result"])
            else {
                failed = true
                continue
            }
            guard let arguments = entry["arguments"] else {
                failed = true  // `object` reported it missing.
                continue
            }
            guard case .object = arguments else {
                report(
                    Self.join(entryPath, "arguments"),
                    "expected the call's arguments (an object), found \(Self.describe(arguments))")
                failed = true
                continue
            }
            guard let answer = readRecordedAnswer(entry, entryPath) else {
                failed = true
                continue
            }
            let key = RecordedAnswers.key(arguments)
            if let first = firstIndex[key] {
                report(
                    Self.join(entryPath, "arguments"),
                    "the same arguments as recorded[\(first)] (compared as canonical JSON); each arguments object is recorded once"
                )
                failed = true
                continue
            }
            firstIndex[key] = index
            answers.append((arguments, answer))
        }
        var fallback: RecordedAnswers.Answer?
        if let value = tool["default"] {
            let defaultPath = Self.join(path, "default")
            guard let entry = object(value, defaultPath, allowed: ["result", "status"], required: ["result"]),
                let answer = readRecordedAnswer(entry, defaultPath)
            else { return nil }
            fallback = answer
        }
        return failed ? nil : RecordedAnswers(answers: answers, fallback: fallback)
    }

    /// `result` and `status` (200 to 599, default 200) of a recorded answer or the default.
    private mutating func readRecordedAnswer(_ entry: JSONObject, _ path: String) -> RecordedAnswers.Answer? {
        var status = 200
        if entry["status"] != nil {
            guard let value = integer(entry["status"], Self.join(path, "status"), in: 200...599) else { return nil }
            status = Int(value)
        }
        guard let result = entry["result"] else { return nil }  // `object` reported it missing.
        return RecordedAnswers.Answer(status: status, body: result)
    }
}
