import WorldModel

/// JUnit XML for CI systems: one `testsuite` per scenario, one `testcase` per seed and trial.
///
/// A test case is named `seed 7 trial 1` with the scenario name as its `classname`; a failed
/// episode has a `failure` whose `message` lists the failing checks and whose text gives each
/// check's evidence and the exact command that reproduces the episode. `time` attributes are
/// virtual seconds (the simulated duration), so the report is identical on every run. An
/// episode that failed because of the scenario (a `scenario_error`, see
/// `EpisodeSummary.scenarioAtFault`) is an `error` of type `scenario_error`, not a `failure`: the
/// test itself is broken, the agent is not to blame.
public enum JUnitReport {
    /// The XML document for `scorecard`, ending with a line feed.
    public static func xml(for scorecard: Scorecard, name: String = "simrun") -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = scorecard.episodes.count { !$0.passed && !$0.scenarioAtFault }
        let errors = scorecard.scenarioFaultCount
        let totalMs = scorecard.episodes.reduce(Int64(0)) { $0 &+ $1.virtualTimeMs }
        out += "<testsuites name=\"\(escapeAttribute(name))\" tests=\"\(scorecard.episodeCount)\""
        out +=
            " failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(_TextFormatting.seconds(milliseconds: totalMs))\">\n"
        for scenario in scorecard.scenarios {
            let cases = scorecard.episodes.filter { $0.scenario == scenario }
            let suiteFailures = cases.count { !$0.passed && !$0.scenarioAtFault }
            let suiteErrors = cases.count(where: \.scenarioAtFault)
            let suiteMs = cases.reduce(Int64(0)) { $0 &+ $1.virtualTimeMs }
            out += "  <testsuite name=\"\(escapeAttribute(scenario))\" tests=\"\(cases.count)\""
            out += " failures=\"\(suiteFailures)\" errors=\"\(suiteErrors)\" skipped=\"0\""
            out += " time=\"\(_TextFormatting.seconds(milliseconds: suiteMs))\">\n"
            for episode in cases {
                out += "    <testcase name=\"seed \(episode.seed) trial \(episode.trial)\""
                out += " classname=\"\(escapeAttribute(scenario))\""
                out += " time=\"\(_TextFormatting.seconds(milliseconds: episode.virtualTimeMs))\""
                if episode.passed {
                    out += "/>\n"
                    continue
                }
                out += ">\n"
                let message =
                    episode.failedChecks.isEmpty
                    ? "verdict failed" : "failed: " + episode.failedCheckNames.joined(separator: "; ")
                var body: [String] = []
                for check in episode.failedChecks {
                    let blame = check.attribution.map { " [\($0.rawValue)]" } ?? ""
                    body.append(
                        check.evidence.isEmpty ? "\(check.name)\(blame)" : "\(check.name)\(blame): \(check.evidence)")
                }
                if let trace = episode.tracePath { body.append("trace: \(trace)") }
                if !episode.replayCommand.isEmpty { body.append("replay: \(episode.replayCommand)") }
                let element = episode.scenarioAtFault ? "error" : "failure"
                let type = episode.scenarioAtFault ? "scenario_error" : "verdict"
                out += "      <\(element) message=\"\(escapeAttribute(message))\" type=\"\(type)\">"
                out += escapeText(body.joined(separator: "\n"))
                out += "</\(element)>\n"
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// Escapes text content: `&`, `<`, `>`, carriage return as `&#13;`, and characters XML 1.0
    /// cannot carry at all (other C0 controls, U+FFFE, U+FFFF) as visible `\u001B`-style text.
    package static func escapeText(_ text: String) -> String {
        escape(text, inAttribute: false)
    }

    /// Escapes an attribute value: as `escapeText`, plus `"` and `'`, and tab and line feed as
    /// character references so attribute normalization keeps them.
    package static func escapeAttribute(_ text: String) -> String {
        escape(text, inAttribute: true)
    }

    private static func escape(_ text: String, inAttribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where inAttribute: out += "&quot;"
            case "'" where inAttribute: out += "&apos;"
            case "\t" where inAttribute: out += "&#9;"
            case "\n" where inAttribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}":
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
