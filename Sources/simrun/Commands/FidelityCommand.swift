import Sandbox
import Scenarios
import WorldModel

/// `simrun fidelity`: replays recorded traffic against a scenario over seeds and tests, per
/// service and tool, whether the simulation behaves like the recording.
enum FidelityCommand: Command {
    static let name = "fidelity"
    static let abstract = "replay recordings against a scenario and test latency, error rates, bursts, schemas, bodies"
    static let options = OptionTable(
        positionals: "SCENARIO RECORDING…",
        options: [
            .integer(
                "--seeds", "N", range: 1...100_000,
                help: "replay each recorded sequence with N seeds (default \(FidelityCheck.defaultSeedCount))"),
            .value("--first-seed", "S", help: "the first of the N consecutive seeds (default 1)"),
            .choice(
                "--timing", "WHEN", FidelityCheck.Timing.allCases,
                help: "times (default): each call at its recorded time since the session began (at once "
                    + "when the simulation is behind); gaps: after the recorded gap since the previous answer"),
            .choice(
                "--retries", "HOW", FidelityCheck.Retries.allCases,
                help: "replay (default): every recorded call is made, whatever the simulation answered; follow: "
                    + "a recorded retry (the same call right after an error of it) only when the simulated attempt "
                    + "failed too, and retries added after simulated errors as the recording retried them, each "
                    + "after the recorded backoff (by retry number and error class, and by Retry-After)"),
            .choice("--format", "FORMAT", OutputFormat.allCases, help: "text (default): tables; json: one document"),
            .value(
                "--alpha", "A",
                help: "significance level, 0 < A < 1 (default 0.05): of all tested figures together under "
                    + "--correction holm, of each one with none; also of the KS critical values and rate intervals shown"
            ),
            .choice(
                "--correction", "HOW", FidelityCorrection.allCases,
                help: "holm (default): the KS figures and rates of the run held to family-wise level A by Holm's "
                    + "step-down on their p-values; none: each figure at A on its own (more false alarms)"),
            .value(
                "--max-error-rate-diff", "D",
                help: "tolerated difference of an outcome class's share: a rate's p-value is of a difference "
                    + "beyond ±D, at most A exactly when its whole interval lies beyond ±D (default 0.03)"),
            .value(
                "--min-schema-agreement", "S",
                help:
                    "least share of successful bodies matching the recorded schema (default 0.95); when the lower of the simulated and the recorded share is below it, the figure fails if the two differ by more than --max-error-rate-diff, in whole answers or in one field's rows"
            ),
            .value(
                "--min-body-agreement", "B",
                help:
                    "least share of comparable read calls answered with the recorded body, and of write calls (clock fields aside) (default 0.95); below it, the figure fails only when also below the scenario's agreement with itself between seeds by more than --max-error-rate-diff"
            ),
            .integer(
                "--min-samples", "N", range: 1...1_000_000,
                help: "observations each side of a figure needs before it is computed (default 20)"),
        ])
    static let about = """
        Reads each RECORDING (a simrun recording, a simrun trace or a HAR 1.2 file, as simrun
        learn reads them) and replays every recorded call sequence (a recording session, a trace,
        a HAR file) against SCENARIO (a path or a shipped scenario's name) with N seeds: the same
        tools and arguments, each call at its recorded time since the session began (at once when
        the simulated answers so far were slower; --timing gaps keeps the recorded gap between an
        answer and the next call instead). With --retries follow, a recorded retry (the same tool
        and arguments right after an error of that call) is made only when the simulated attempt
        before it failed too, and where a simulated call failed unlike the recorded one, retries
        are added as the recording shows the agent retrying such errors, each after the wait the
        recorded agent left before its retries of that number and error class (or as it treated a
        Retry-After, when the simulated answer carried one); skipped calls are
        compared in no figure, added ones in latency, rates and schemas. Recorded tools match the scenario's by name, or by
        the name simrun learn gives them (GET /orders/{id} → get_orders_id); calls of tools the
        scenario lacks are left out and listed. Then it compares, per service and per tool:
          latency          latencies the service answered (not timeouts or 429s): two-sample
                           Kolmogorov–Smirnov D beside its critical value at level A, taken
                           from 199 (at A = 0.05) random permutations of whole sequences
                           between the two sides, so calls of one sequence, which share its
                           regimes, and tied values count as they are; its p-value is the
                           share of permuted D reaching D (more permutations are drawn while
                           D is above the critical value, so a small p-value is resolved);
          rate CLASS       the share of ok, client_error, server_error, timeout, rate_limited
                           calls: simulated − recorded with a normal-approximation interval
                           (1 − A) whose variance treats each sequence, with its calls, as one
                           observation (cluster-robust); p-value of a difference beyond ±D
                           (below A exactly when the whole interval lies beyond ±D);
          error bursts     lengths of runs of consecutive errors (per service): KS as above;
          regime dwell     lengths of runs in the most probable regime of the hidden Markov model
                           simrun learn fits to the recording (per service): KS as above;
          response schema  share of simulated successful answers matching the JSON Schema
                           inferred from the recorded successful bodies, beside the recorded
                           answers' own share, and per field the share of rows with it as the
                           schema expects; fails either way (per tool);
          exact body       share of read calls (get, list) answered with the recorded body
                           (canonical JSON), where every earlier call of a world-changing tool had
                           the same outcome class, so the state determines the answer (per tool);
          recorded body    the same share for a tool with op recorded, whose answer depends on
                           its arguments, not the state (per tool);
          write body       share of calls of a world-changing tool (create, update, delete,
                           custom) answered with the recorded body, as exact body, except the
                           fields its ops set from now(): those by their offset from the time of
                           the call that set them (per tool).
        The KS figures and rates are the tested figures: with --correction holm (the default) a
        run's tested figures, sorted by p-value, are held to A/k, A/(k−1), … (Holm's step-down, k
        the number tested), so a faithful scenario fails any of them with probability at most A;
        a figure fails when its p-value is at most its level (the table's 'p vs level'). With
        none, each is held to A, which fails when D is above the critical value or the interval
        beyond ±D. The agreements (response schema, bodies) are not tested that way: they keep
        their minimums.
        Statistics and limits are compared to 9 decimals and printed with as many digits as it
        takes to show that comparison. A figure with fewer than --min-samples observations a side is shown as n/a and does not
        fail the check. The same inputs always give byte-identical output. See docs/learning.md.
        """
    static let epilogue = """
        exit status: 0 every computed figure within its threshold; 1 one or more outside; 2 on
        usage errors, an unreadable recording (the file, line or JSON path), an invalid scenario,
        or recordings with no call of the scenario's tools
        examples:
          simrun fidelity learned.json heldout/*.jsonl
          simrun fidelity scenarios/billing-outage.json rec.jsonl --seeds 50 --format json
          simrun fidelity billing-outage rec.jsonl --correction none    # every figure at 0.05 on its own
        """

    static func run(_ arguments: ParsedArguments) async throws -> ExitCode {
        guard arguments.positionals.count >= 2 else {
            throw UsageError(
                command: name,
                message: arguments.positionals.isEmpty
                    ? "missing the SCENARIO and at least one RECORDING"
                    : "give at least one RECORDING (a recording, trace or HAR file) after the SCENARIO")
        }
        let count = Int(arguments.integer("--seeds") ?? Int64(FidelityCheck.defaultSeedCount))
        var first: UInt64 = 1
        if let text = arguments.value("--first-seed") {
            guard let value = UInt64(text), value <= UInt64.max - UInt64(count - 1) else {
                throw UsageError(
                    command: name,
                    message:
                        "--first-seed: expected a whole number from 0 with room for \(count) seeds, found '\(text.printable)'"
                )
            }
            first = value
        }
        let thresholds = FidelityThresholds(
            alpha: try fraction(arguments, "--alpha", default: 0.05, open: true),
            maximumErrorRateDifference: try fraction(arguments, "--max-error-rate-diff", default: 0.03),
            minimumSchemaAgreement: try fraction(arguments, "--min-schema-agreement", default: 0.95),
            minimumBodyAgreement: try fraction(arguments, "--min-body-agreement", default: 0.95),
            minimumSamples: Int(arguments.integer("--min-samples") ?? 20),
            correction: arguments.choice("--correction", as: FidelityCorrection.self) ?? .holm)
        let scenario = try ScenarioLoader.load(contentsOf: ScenarioLoader.resolve(arguments.positionals[0]))
        var traffic: [RecordedTraffic] = []
        for file in arguments.positionals.dropFirst() {
            do throws(TrafficReadError) {
                traffic.append(try RecordedTraffic(contentsOfFile: file))
            } catch {
                throw CommandFailure.badInput("simrun fidelity: \(error)")
            }
        }
        let check = FidelityCheck(
            scenario: scenario, seeds: (0..<UInt64(count)).map { first + $0 }, thresholds: thresholds,
            timing: arguments.choice("--timing", as: FidelityCheck.Timing.self) ?? .recordedTimes,
            retries: arguments.choice("--retries", as: FidelityCheck.Retries.self) ?? .replay)
        let report: FidelityReport
        do throws(FidelityCheck.Failure) {
            report = try check.check(traffic)
        } catch {
            throw CommandFailure.badInput("simrun fidelity: \(error)")
        }
        let json = arguments.choice("--format", as: OutputFormat.self) == .json
        Terminal.out(json ? report.json.prettyText + "\n" : report.text)
        return report.passed ? .success : .failure
    }

    /// The option `name` as a number in [0, 1] (in (0, 1) when `open`), or `fallback`.
    private static func fraction(
        _ arguments: ParsedArguments, _ option: String, default fallback: Double, open: Bool = false
    ) throws(UsageError) -> Double {
        guard let text = arguments.value(option) else { return fallback }
        guard let value = Double(text), value.isFinite, open ? (value > 0 && value < 1) : (value >= 0 && value <= 1)
        else {
            let range = open ? "0 < value < 1" : "0 ≤ value ≤ 1"
            throw UsageError(command: name, message: "\(option): expected a number \(range), found '\(text.printable)'")
        }
        return value
    }
}
