import Scenarios
import Testing
import WorldModel

/// One mistake a scenario author can make, applied to a copy of the shipped crm-refund scenario.
struct Corruption: Sendable, CustomTestStringConvertible {
    var mistake: String
    var edit: @Sendable (JSON) -> JSON
    /// The exact issues, rendered `file: path: message`, in file order.
    var expected: [String]

    var testDescription: String { mistake }

    init(_ mistake: String, _ expected: [String], edit: @escaping @Sendable (JSON) -> JSON) {
        self.mistake = mistake
        self.edit = edit
        self.expected = expected
    }

    init(_ mistake: String, _ expected: String, edit: @escaping @Sendable (JSON) -> JSON) {
        self.init(mistake, [expected], edit: edit)
    }
}

@Suite("Scenario loader: every class of author mistake gets one exact, path-precise message")
struct ScenarioLoaderErrorTests {
    static let corruptions: [Corruption] = [
        Corruption("wrong type", #"crm-refund.json: task.max_steps: expected a whole number, found string "40""#) {
            $0.with("/task/max_steps", "40")
        },
        Corruption(
            "unknown key, with a suggestion",
            "crm-refund.json: tools[4].page_sise: unknown key 'page_sise' (did you mean 'page_size'?)"
        ) {
            $0.renaming("/tools/4/page_size", to: "page_sise")
        },
        Corruption(
            "misspelt required key is one mistake, not two",
            "crm-refund.json: chekcs: unknown key 'chekcs' (did you mean 'checks'?)"
        ) {
            $0.renaming("/checks", to: "chekcs")
        },
        Corruption("missing required key", "crm-refund.json: tools[5]: missing required key 'description'") {
            $0.without("/tools/5/description")
        },
        Corruption(
            "bad expression, with its column and a caret",
            """
            crm-refund.json: checks[0].expect: column 32: unexpected '=' (use '==' to compare)
                count('refunds', row.charge_id = 'CH-55917') == 1
                                               ^
            """
        ) { $0.with("/checks/0/expect", "count('refunds', row.charge_id = 'CH-55917') == 1") },
        Corruption(
            "unknown field of a row",
            """
            crm-refund.json: tools[4].filter: column 44: unknown field 'stauts' of row (did you mean 'status'?)
                row.customer_id == args.customer_id && row.stauts == 'captured'
                                                           ^
            """
        ) { $0.with("/tools/4/filter", "row.customer_id == args.customer_id && row.stauts == 'captured'") },
        Corruption(
            "bare word where a string literal was meant",
            """
            crm-refund.json: tools[5].effects[0].set.status: column 1: unknown name 'refunded' (did you mean the string "'refunded'"?)
                refunded
                ^
            """
        ) { $0.with("/tools/5/effects/0/set/status", "refunded") },
        Corruption(
            "dangling tool name in a check",
            "crm-refund.json: checks[7].calls.tool: unknown tool 'crm_delete_customr' (did you mean 'crm_delete_customer'?)"
        ) { $0.with("/checks/7/calls/tool", "crm_delete_customr") },
        Corruption(
            "row outside a collection predicate",
            """
            crm-refund.json: checks[1].expect: column 5: unknown field 'status' of row
                row.status == 'refunded'
                    ^
            """
        ) { $0.with("/checks/1/expect", "row.status == 'refunded'") },
        Corruption(
            "filter that is not a condition",
            "crm-refund.json: tools[4].filter: expected a condition (true or false), but this gives string"
        ) {
            $0.with("/tools/4/filter", "args.customer_id")
        },
        Corruption(
            "expression written as a bare JSON value",
            #"crm-refund.json: tools[3].approval: expected an expression (a string), found boolean true; write it as "true""#
        ) { $0.with("/tools/3/approval", true) },
        Corruption(
            "computed argument the tool does not take",
            "crm-refund.json: solution[3].args_from.amout: 'billing_refund' has no argument 'amout' (did you mean 'amount'?)"
        ) { $0.with("/solution/3/args_from", ["amout": "120"]) },
        Corruption(
            "dangling tool name in a fault rule",
            "crm-refund.json: faults[0].tool: unknown tool 'billing_refnd' (did you mean 'billing_refund'?)"
        ) {
            $0.with("/faults/0/tool", "billing_refnd")
        },
        Corruption(
            "dangling tool name in a fault rule, nothing close",
            #"crm-refund.json: faults[0].tool: unknown tool 'zzzzzz'; give a tool's name, or "*" for every tool"#
        ) { $0.with("/faults/0/tool", "zzzzzz") },
        Corruption(
            "dangling tool name in a solution step",
            "crm-refund.json: solution[3].tool: unknown tool 'billing_refunds' (did you mean 'billing_refund'?)"
        ) {
            $0.with("/solution/3/tool", "billing_refunds")
        },
        Corruption(
            "unknown service of a tool",
            "crm-refund.json: tools[0].service: unknown service 'crn' (did you mean 'crm'?)"
        ) {
            $0.with("/tools/0/service", "crn")
        },
        Corruption(
            "unknown service of a fault rule",
            "crm-refund.json: faults[0].service: unknown service 'bill' (did you mean 'billing'?)"
        ) {
            $0.without("/faults/0/tool").with("/faults/0/service", "bill")
        },
        Corruption(
            "unknown collection (and no cascade from the tool it breaks)",
            "crm-refund.json: tools[4].collection: unknown collection 'charge' (did you mean 'charges'?); declare it under 'data' (an empty array is fine)"
        ) { $0.with("/tools/4/collection", "charge") },
        Corruption(
            "out-of-range fault probability",
            "crm-refund.json: faults[0].p: expected a probability in [0, 1], found 1.5"
        ) {
            $0.with("/faults/0/p", 1.5)
        },
        Corruption(
            "out-of-range error probability",
            "crm-refund.json: services.crm.regimes.healthy.errors.server_error: expected a probability in [0, 1], found -0.1"
        ) { $0.with("/services/crm/regimes/healthy/errors/server_error", -0.1) },
        Corruption(
            "transition row summing above 1 (reported once)",
            "crm-refund.json: services.billing.transitions.degraded: transition probabilities must sum to at most 1 (the rest is the chance to stay), found 1.2"
        ) { $0.with("/services/billing/transitions/degraded", ["healthy": 0.7, "outage": 0.5]) },
        // The world model reports where in its own terms (`ServiceModelLocation`); the loader
        // spells the file's path.
        Corruption(
            "lognormal p99 below its median",
            "crm-refund.json: services.billing.regimes.degraded.latency.p99_ms: expected a finite latency ≥ the median (2500.0), found 100.0"
        ) { $0.with("/services/billing/regimes/degraded/latency/p99_ms", 100) },
        Corruption(
            "uniform maximum below its minimum",
            "crm-refund.json: services.billing.regimes.outage.latency.max_ms: expected a latency ≥ the minimum (50), found 40"
        ) { $0.with("/services/billing/regimes/outage/latency", ["dist": "uniform", "min_ms": 50, "max_ms": 40]) },
        Corruption(
            "empirical quantiles out of order",
            "crm-refund.json: services.billing.regimes.outage.latency.quantiles[1]: expected a probability above the previous one (0.9), found 0.5"
        ) {
            $0.with(
                "/services/billing/regimes/outage/latency",
                ["dist": "empirical", "quantiles": [[0.9, 30], [0.5, 80]]])
        },
        Corruption(
            "unknown regime in a schedule",
            "crm-refund.json: services.billing.schedule[0].regime: unknown regime 'degarded' (did you mean 'degraded'?); regimes are healthy, degraded, outage"
        ) { $0.with("/services/billing/schedule/0/regime", "degarded") },
        Corruption(
            "unknown target regime in transitions",
            "crm-refund.json: services.billing.transitions.healthy.degarded: unknown regime 'degarded' (did you mean 'degraded'?); regimes are healthy, degraded, outage"
        ) { $0.with("/services/billing/transitions/healthy", ["degarded": 0.05]) },
        Corruption(
            "unknown source regime in transitions",
            "crm-refund.json: services.billing.transitions.outtage: unknown regime 'outtage' (did you mean 'outage'?); regimes are healthy, degraded, outage"
        ) { $0.renaming("/services/billing/transitions/outage", to: "outtage") },
        Corruption(
            "unknown initial regime",
            "crm-refund.json: services.billing.initial: unknown regime 'helthy' (did you mean 'healthy'?); regimes are healthy, degraded, outage"
        ) { $0.with("/services/billing/initial", "helthy") },
        Corruption(
            "duplicate tool name", "crm-refund.json: tools[6].name: another tool is already named 'crm_get_customer'"
        ) {
            $0.appending("/tools", $0["tools"]?[0] ?? nil)
        },
        Corruption(
            "duplicate fault id",
            "crm-refund.json: faults[5].id: another fault rule already has id 'refund-lost-response'"
        ) {
            $0.appending("/faults", $0["faults"]?[0] ?? nil)
        },
        Corruption("duplicate row id", "crm-refund.json: data.customers[1].id: duplicate id 'C-1042' in customers") {
            $0.with("/data/customers/1/id", "C-1042")
        },
        Corruption(
            "invalid input JSON Schema: unknown keyword",
            "crm-refund.json: tools[0].input.properties.customer_id.patern: unknown keyword 'patern' (did you mean 'pattern'?)"
        ) { $0.with("/tools/0/input/properties/customer_id/patern", "^C-") },
        Corruption(
            "invalid input JSON Schema: unknown type",
            "crm-refund.json: tools[0].input.properties.customer_id.type: unknown type 'strng'; expected one of 'null', 'boolean', 'integer', 'number', 'string', 'array', 'object' (did you mean 'string'?)"
        ) { $0.with("/tools/0/input/properties/customer_id/type", "strng") },
        Corruption(
            "solution step args of the wrong type",
            #"crm-refund.json: solution[3].args.amount: expected number, got string "120""#
        ) {
            $0.with("/solution/3/args/amount", "120")
        },
        Corruption(
            "solution step args missing a required argument",
            "crm-refund.json: solution[3].args: missing required property 'charge_id'"
        ) {
            $0.without("/solution/3/args/charge_id")
        },
        Corruption(
            "order_by names an unknown field",
            "crm-refund.json: tools[4].order_by: unknown field 'created' of charges (did you mean 'created_at'?)"
        ) {
            $0.with("/tools/4/order_by", "-created")
        },
        Corruption(
            "order_by names no field",
            "crm-refund.json: tools[4].order_by: expected a field name, or '-field' for descending, found '-'"
        ) {
            $0.with("/tools/4/order_by", "-")
        },
        Corruption(
            "fields names an unknown field",
            "crm-refund.json: tools[0].fields[1]: unknown field 'emial' of customers (did you mean 'email'?)"
        ) {
            $0.with("/tools/0/fields", ["name", "emial"])
        },
        Corruption(
            "key expression with an unknown argument (no second 'missing key' message)",
            """
            crm-refund.json: tools[0].key: column 6: unknown field 'customer' of args (did you mean 'customer_id'?)
                args.customer
                     ^
            """
        ) { $0.with("/tools/0/key", "args.customer") },
        Corruption(
            "unknown op, with a suggestion (and no cascade)",
            "crm-refund.json: tools[4].op: expected one of get, list, create, update, delete, custom, recorded, found 'lst' (did you mean 'list'?)"
        ) { $0.with("/tools/4/op", "lst") },
        Corruption(
            "newer format version", "crm-refund.json: simrun: this build reads scenario format version 1, found 2"
        ) {
            $0.with("/simrun", 2)
        },
        Corruption(
            "tool name that is not an identifier",
            "crm-refund.json: tools[3].name: a tool name must be a lower-case identifier (letters, digits and '_', starting with a letter), found 'crm-delete-customer'"
        ) { $0.with("/tools/3/name", "crm-delete-customer").with("/checks/7/calls/tool", "crm-delete-customer") },
        Corruption(
            "precondition status outside 4xx",
            "crm-refund.json: tools[5].requires[0].status: expected a whole number in 400...499, found 500"
        ) {
            $0.with("/tools/5/requires/0/status", 500)
        },
        Corruption(
            "server_error fault with a status it cannot give",
            "crm-refund.json: faults[4].status: expected 500, 502 or 503, found 504"
        ) {
            $0.with("/faults/4/status", 504)
        },
    ]

    @Test("a corrupt copy of crm-refund gets exactly the expected message", arguments: corruptions)
    func corruptCopy(_ corruption: Corruption) throws {
        let document = corruption.edit(try ScenarioFixtures.document())
        #expect(ScenarioFixtures.issues(document) == corruption.expected)
    }

    @Test("the unmodified shipped scenarios load without issues", arguments: ScenarioFixtures.shippedFiles)
    func shippedScenarioLoads(_ file: String) throws {
        #expect(ScenarioFixtures.issues(try ScenarioFixtures.document(file), file: file) == [])
    }

    @Test("row ids that are canonically equivalent but differ in bytes are two ids, as in the store")
    func byteDistinctIDs() throws {
        let document = try ScenarioFixtures.document().with("/data/customers/0/id", "C-\u{E9}").with(
            "/data/customers/1/id", "C-e\u{301}")
        let issues = ScenarioFixtures.issues(document)
        #expect(!issues.contains { $0.contains("duplicate id") }, "\(issues)")
    }

    @Test("a scenario may name its JSON Schema for editors")
    func schemaReference() throws {
        let document = try ScenarioFixtures.document().with("/$schema", "./schema.json")
        #expect(ScenarioFixtures.issues(document) == [])
        #expect(try ScenarioFixtures.compiledSchema.get().validate(document, at: "").isEmpty)
    }

    @Test("three mistakes give three issues, in file order")
    func allIssuesAtOnce() throws {
        // Edited in reverse file order, so the order of issues comes from the file, not the edits.
        let document = try ScenarioFixtures.document()
            .with("/solution/3/tool", "billing_refunds")
            .with("/tools/0/service", "crn")
            .with("/task/max_steps", "40")
        #expect(
            ScenarioFixtures.issues(document) == [
                #"crm-refund.json: task.max_steps: expected a whole number, found string "40""#,
                "crm-refund.json: tools[0].service: unknown service 'crn' (did you mean 'crm'?)",
                "crm-refund.json: solution[3].tool: unknown tool 'billing_refunds' (did you mean 'billing_refund'?)",
            ])
    }

    @Test("issues follow the file even when a late key is checked before earlier children")
    func issuesInDocumentOrder() throws {
        let document = try ScenarioFixtures.document()
            .with("/tools/0/service", "crn")
            .with("/solutoin_notes", "misplaced")
            .with("/data/audit-log", [])
        #expect(
            ScenarioFixtures.issues(document) == [
                #"crm-refund.json: data["audit-log"]: a collection name must be a lower-case identifier (letters, digits and '_', starting with a letter), found 'audit-log'"#,
                "crm-refund.json: tools[0].service: unknown service 'crn' (did you mean 'crm'?)",
                "crm-refund.json: solutoin_notes: unknown key 'solutoin_notes'",
            ])
    }

    @Test("malformed JSON bytes are one issue naming the file")
    func malformedJSON() {
        #expect(throws: ScenarioLoadError.self) {
            try ScenarioLoader.load(bytes: Array("{\"simrun\": 1,".utf8), file: "broken.json")
        }
        do {
            _ = try ScenarioLoader.load(bytes: Array("{\"simrun\": 1,".utf8), file: "broken.json")
        } catch {
            #expect(error.issues.count == 1)
            #expect(error.issues.first?.description.hasPrefix("broken.json: not valid JSON: ") == true)
        }
    }

    @Test("a missing file is one issue saying so")
    func missingFile() {
        do {
            _ = try ScenarioLoader.load(contentsOf: "/nonexistent/nope.json")
            Issue.record("loaded a file that does not exist")
        } catch {
            #expect(error.description == "/nonexistent/nope.json: no such file")
        }
    }
}
