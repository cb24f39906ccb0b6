import Foundation
import Sandbox
import Scenarios
import Testing
import WorldModel

/// The trace's step line is encoded directly (`TraceStep.writeCanonical(into:)`, a fixed member
/// order) and strings are escaped in two passes; the general canonical encoder of `TraceStep.json`
/// and a byte-by-byte escaper are the references they must equal.
@Suite("Trace line encoding")
struct TraceLineDifferentialTests {
    /// Random values for the comparisons, from a fixed seed.
    struct Generator {
        var random: RandomStream

        init(seed: UInt64) { random = RandomStream(seed: seed, "trace-line-test") }

        /// Characters that exercise escaping and UTF-8: every control character, the two that
        /// need a backslash, DEL, multi-byte scalars, a combining mark, an emoji with a joiner.
        static let alphabet: [String] =
            (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + [
                "\"", "\\", "/", "\u{7F}", "a", "Z", "0", " ", "é", "e\u{301}", "ß", "€", "中", "𝄞", "👩‍💻",
                "\u{2028}", "\u{FEFF}", "{", "}", ":", ",", "[", "]", "-",
            ]

        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + random.nextInt(below: range.count) }

        mutating func string(maximumLength: Int = 12) -> String {
            var text = ""
            for _ in 0..<int(0...maximumLength) {
                // Mostly plain letters (long unescaped runs), sometimes anything in the alphabet.
                text +=
                    random.nextInt(below: 3) == 0
                    ? Self.alphabet[random.nextInt(below: Self.alphabet.count)]
                    : String(UnicodeScalar(UInt8(ascii: "a") + UInt8(random.nextInt(below: 26))))
            }
            return text
        }

        mutating func number() -> JSONNumber {
            switch random.nextInt(below: 9) {
            case 0: return .integer([0, 1, -1, 9, 10, -10, .max, .min][random.nextInt(below: 8)])
            case 1: return .integer(Int64(bitPattern: random.next()))
            case 2: return .integer(Int64(int(-1_000_000...1_000_000)))
            case 3:
                return .double([0.0, -0.0, 1.0, -2.0, 0.1, 1e-7, 1.5e300, -3.25, 9_007_199_254_740_993.0][int(0...8)])
            case 4: return .double(Double(int(-100_000...100_000)))
            case 5: return .double(Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF))
            case 6: return .double((random.nextDouble() - 0.5) * 1e6)
            case 7:
                return .bigInteger(
                    ["18446744073709551616", "-9223372036854775809", "123456789012345678901234567890"][int(0...2)])
            default: return .double(random.nextDouble())
            }
        }

        mutating func json(depth: Int = 0) -> JSON {
            switch random.nextInt(below: depth > 2 ? 4 : 7) {
            case 0: return .null
            case 1: return .bool(random.nextInt(below: 2) == 0)
            case 2: return .number(number())
            case 3: return .string(string())
            case 4: return .array((0..<int(0...5)).map { _ in json(depth: depth + 1) })
            default: return .object(object(depth: depth + 1))
            }
        }

        /// An object of up to 40 members in random order: small ones, ones past the key index
        /// threshold, and ones past the encoder's on-stack sort.
        mutating func object(depth: Int) -> JSONObject {
            var members = JSONObject()
            let count = [int(0...4), int(0...15), int(30...40)][random.nextInt(below: depth > 1 ? 2 : 3)]
            for _ in 0..<count { members[string(maximumLength: 6)] = json(depth: depth) }
            return members
        }

        mutating func step(index: Int) -> TraceStep {
            let policies = TraceStep.PolicyDecision.allCases
            var step = TraceStep(
                index: index, thinkMs: Int64(int(0...1_000_000)),
                atMs: random.nextInt(below: 4) == 0 ? WorldState.maximumNowMs : Int64(int(0...1_000_000_000)),
                tool: string(), arguments: random.nextInt(below: 5) == 0 ? json() : .object(object(depth: 1)),
                policy: policies[random.nextInt(below: policies.count)],
                faults: (0..<int(0...3)).map { _ in string() }, status: [200, 201, 404, 429, 500, 503][int(0...5)],
                latencyMs: Int64(int(0...60_000)),
                headers: (0..<int(0...3)).map { _ in ResponseHeader(string(), string()) },
                body: random.nextInt(below: 2) == 0 ? json().canonicalText : string(maximumLength: 300),
                committed: random.nextInt(below: 2) == 0, regime: string(),
                stateHash: random.nextInt(below: 4) == 0 ? "" : String(repeating: "0123456789abcdef", count: 4))
            step.scenarioError = random.nextInt(below: 4) == 0
            return step
        }
    }

    /// JSON string escaping written out byte by byte, as docs/trace-format.md states it.
    static func referenceEscaped(_ text: String) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): output += Array(#"\\"#.utf8)
            case 0x08: output += Array(#"\b"#.utf8)
            case 0x0C: output += Array(#"\f"#.utf8)
            case 0x0A: output += Array(#"\n"#.utf8)
            case 0x0D: output += Array(#"\r"#.utf8)
            case 0x09: output += Array(#"\t"#.utf8)
            case ..<0x20: output += Array(String(format: "\\u%04x", Int(byte)).utf8)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
        return output
    }

    @Test("a step line encoded directly is the general encoding of its JSON, byte for byte")
    func directStepLineEqualsGeneral() throws {
        var generator = Generator(seed: 16)
        var scenarioErrors = 0
        for index in 1...1_000 {
            let step = generator.step(index: index)
            if step.scenarioError { scenarioErrors += 1 }
            let general = step.json.canonicalBytes + [0x0A]
            let direct = TraceRecord.step(step).line
            #expect(direct == general, "step \(index): \(String(decoding: general, as: UTF8.self))")
            var viaGeneral: [UInt8] = [1, 2]
            TraceRecord.step(step).writeLine(into: &viaGeneral, directSteps: false)
            #expect(viaGeneral == [1, 2] + general)
            // The line reads back as the step it was written from (a step without a state hash,
            // from an episode that records none, is never read).
            if !step.stateHash.isEmpty {
                let reread = try TraceStep(json: JSON(parsing: direct.dropLast()))
                #expect(reread == step)
            }
            if direct != general { return }
        }
        #expect(scenarioErrors > 0 && scenarioErrors < 1_000)
    }

    @Test("strings are escaped as the byte-by-byte definition says, whatever they hold")
    func escapingEqualsReference() {
        var generator = Generator(seed: 1_616)
        var samples = Generator.alphabet + ["", String(repeating: "plain", count: 100)]
        for _ in 0..<3_000 { samples.append(generator.string(maximumLength: generator.int(0...2) == 0 ? 400 : 20)) }
        for text in samples {
            let expected = Self.referenceEscaped(text)
            #expect(JSON.string(text).canonicalBytes == expected, "\(Array(text.utf8))")
            // Inside an object, after other output, as a key and as a value.
            let object = JSON.object(JSONObject([(text, .string(text))]))
            #expect(
                object.canonicalBytes == [UInt8(ascii: "{")] + expected + [UInt8(ascii: ":")] + expected + [
                    UInt8(ascii: "}")
                ])
        }
    }

    @Test("a traced episode's file is the same bytes with the world's shortcuts on and off")
    func tracedEpisodeWithAndWithoutShortcuts() throws {
        let scenario = try loadScenario("crm-refund")
        var general = scenario
        general.world = scenario.world.with(shortcuts: .disabled)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("simrun-line16-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let calls: [(String, JSON)] = [
            ("crm_get_customer", ["customer_id": "C-1042"]),
            ("crm_get_ticket", ["ticket_id": "T-7031"]),
            ("crm_add_ticket_note", ["ticket_id": "T-7031", "body": "Refund \"approved\"\n\tby Zoë — 返金 👍 \u{1}"]),
            ("billing_list_charges", ["customer_id": "C-1042"]),
            (
                "billing_refund",
                ["charge_id": "CH-54210", "amount": 12.25, "reason": "damaged", "idempotency_key": "k1"]
            ),
            (
                "billing_refund",
                ["charge_id": "CH-54210", "amount": 12.25, "reason": "damaged", "idempotency_key": "k1"]
            ),
            ("crm_get_customer", ["customer_id": 42]),
            ("no_such_tool", ["x": [1, 2.5, "three", nil, ["nested": true]]]),
            ("crm_delete_customer", ["customer_id": "C-2210"]),
            ("crm_get_customer", ["customer_id": "C-2210"]),
        ]
        var files: [[UInt8]] = []
        for (name, played) in [("shortcuts", scenario), ("general", general)] {
            let path = directory.appendingPathComponent("\(name).jsonl").path
            var engine = EpisodeEngine(scenario: played, seed: 11)
            let header = TraceHeader(
                scenario: played, seed: 11, agent: .embedded, trial: 1, policy: .permissive, thinkTime: .explicit)
            engine.traceWriter = try TraceWriter(path: path, header: header)
            for (position, (tool, arguments)) in calls.enumerated() {
                _ = engine.call(tool, arguments: arguments, thinkMs: Int64(position * 250), approved: true)
            }
            _ = engine.finish(answer: "refunded")
            #expect(engine.traceError == nil)
            files.append([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        }
        #expect(files[0] == files[1])
        // Every line is the general encoding of the record read back from it.
        let trace = try Trace(bytes: files[0])
        #expect(trace.steps.count == calls.count)
        let reference: [UInt8] = trace.records.flatMap { record -> [UInt8] in record.json.canonicalBytes + [0x0A] }
        #expect(reference == files[0])
        #expect(trace.bytes == files[0])
    }
}
