import Testing
import WorldModel

@testable import Sandbox

@Suite("ResponseSchema and response-fault inference")
struct ResponseSchemaTests {
    func json(_ text: String) throws -> JSON { try JSON(parsing: text) }

    /// A successful call of `tool` answering `body` (parsed as the readers do).
    func answer(_ body: String, tool: String = "get_item", status: Int = 200) -> RecordedCall {
        RecordedCall(
            atMs: 0, tool: tool, arguments: [:], outcome: OutcomeClass(status: status), status: status, latencyMs: 10,
            body: body, structured: RecordedTraffic.structured(body))
    }

    @Test("fields, nested paths and types come from the bodies; a body matches when its required fields are there")
    func schemaOfRows() throws {
        let bodies = try (0..<10).map { n in
            try json(#"{"id": "I-\#(n)", "name": "n\#(n)", "price": \#(n).5, "address": {"zip": "0\#(n)"}}"#)
        }
        let schema = ResponseSchema(bodies: bodies)
        #expect(!schema.isList)
        #expect(schema.rows == 10)
        #expect(schema.fields.map(\.name) == ["id", "name", "price", "address", "address.zip"])
        #expect(schema.fields.map(\.type) == [.string, .string, .number, .object, .string])
        #expect(schema.fields.allSatisfy { $0.required && !$0.nullable })
        #expect(schema.matches(bodies[3]))
        #expect(schema.matches(try json(#"{"id": "I-9", "name": "x", "price": 1, "address": {"zip": "1"}, "new": 1}"#)))
        let damaged = try json(#"{"id": "I-9", "price": null, "address": {"zip": 7}}"#)
        #expect(
            schema.deviations(of: damaged).map(\.description) == [
                "field 'name' is missing", "field 'price' is null", "field 'address.zip' has another type",
            ])
        // A list, an error body and text are not of this shape.
        #expect(!schema.matches(try json(#"[{"id": "I-1"}]"#)))
        #expect(!schema.matches(try json(#"{"error": {"code": "x"}}"#)))
        #expect(!schema.matches(.string("hello")))
    }

    @Test("the keys of a map (seen in fewer than 1 % of the rows) are not fields")
    func mapKeys() throws {
        let bodies = try (0..<300).map { n in try json(#"{"id": "R", "counts": {"file-\#(n)": 1}}"#) }
        let schema = ResponseSchema(bodies: bodies)
        #expect(schema.fields.map(\.name) == ["id", "counts"])
        #expect(schema.matches(bodies[7]))
    }

    @Test(
        "list answers: rows are the items; fields present or null in more than half the rows are optional or nullable")
    func schemaOfLists() throws {
        let bodies = try (0..<4).map { n in
            try json(
                #"{"items": [{"id": "a", "closed_at": null}, {"id": "b", "closed_at": null}, "#
                    + #"{"id": "c", "closed_at": "2024"}, {"id": "d\#(n)", "closed_at": null, "note": "x"}], "next_cursor": null}"#
            )
        }
        let schema = ResponseSchema(bodies: bodies)
        #expect(schema.isList)
        #expect(schema.rows == 16)
        let closed = try #require(schema.fields.first { $0.name == "closed_at" })
        #expect(closed.type == .string && closed.required && closed.nullable)
        let note = try #require(schema.fields.first { $0.name == "note" })
        #expect(!note.required)
        #expect(schema.matches(bodies[0]))
        #expect(!schema.matches(try json(#"{"id": "a"}"#)))
    }

    @Test("missing, null and retyped fields become rules with their conditional shares")
    func fieldFaults() throws {
        var calls: [RecordedCall] = []
        for n in 0..<100 {
            let id = "I-\(n % 5)"
            let name = n % 10 == 0 ? "" : #""name": "item", "#
            let price = n % 4 == 1 ? "null" : "12.5"
            let stock = n % 7 == 2 ? #""7""# : "7"
            let tier = [3: "", 6: #", "tier": null"#, 7: #", "tier": null"#][n % 10] ?? #", "tier": "gold""#
            calls.append(answer(#"{"id": "\#(id)", \#(name)"price": \#(price), "stock": \#(stock)\#(tier)}"#))
        }
        let inferred = ResponseFaultInference(tool: "get_item", calls: calls)
        let rules = inferred.rules.map { "\($0.kind.rawValue) \($0.field ?? "") \($0.p) \($0.count)/\($0.of)" }
        #expect(
            rules == [
                // Fields in the order first seen (the first answer has no name).
                "null_field price 0.25 25/100",
                "wrong_type stock 0.14 14/100",
                // Null over the answers that have the field.
                "null_field tier 0.2222 20/90",
                "missing_field tier 0.1 10/100",
                "missing_field name 0.1 10/100",
            ])
        var ids: Set<String> = []
        let scenario = inferred.scenarioRules(toolID: "get_item", ids: &ids)
        #expect(scenario.count == 5)
        #expect(
            scenario[0].canonicalText
                == #"{"field":"price","id":"get_item.null_field.price","kind":"null_field","p":0.25,"tool":"get_item"}"#
        )
    }

    @Test("a departure every sighting of a row shares is that row's data; a share above one half is the data's shape")
    func notFaults() throws {
        var calls: [RecordedCall] = []
        for n in 0..<60 {
            // Row R-0 never has an email (its data); every row has a nickname only a quarter of the time.
            let email = n % 3 == 0 ? "" : #", "email": "e@x""#
            let nickname = n % 4 == 1 ? #", "nickname": "nick""# : ""
            calls.append(answer(#"{"id": "R-\#(n % 3)"\#(email)\#(nickname)}"#))
        }
        let inferred = ResponseFaultInference(tool: "get_item", calls: calls)
        #expect(inferred.rules.isEmpty, "\(inferred.rules)")
        #expect(
            inferred.notes.contains { $0.hasPrefix("field email: absent, null or of another type only on rows never") })
        #expect(
            inferred.notes.contains { $0.hasPrefix("field nickname: ") && $0.contains("more than half the answers") })
        #expect(ResponseFaultInference.names(["a", "b"]) == "fields a and b")
        #expect(ResponseFaultInference.names((1...8).map { "f\($0)" }) == "fields f1, f2, f3, f4, f5, f6 and 2 more")
    }

    @Test("cut-short bodies, error bodies with 200 and HTML 5xx pages; text tools are not malformed")
    func bodyFaults() throws {
        var calls: [RecordedCall] = []
        for n in 0..<100 {
            switch n % 10 {
            case 0: calls.append(answer(#"{"id": "I-1", "na"#))
            case 1: calls.append(answer(#"{"error": {"code": "upstream_error"}}"#))
            case 2: calls.append(answer("<!DOCTYPE html><html><body>503</body></html>", status: 503))
            case 3: calls.append(answer(#"{"error": {"code": "server_error"}}"#, status: 500))
            default: calls.append(answer(#"{"id": "I-1", "name": "x"}"#))
            }
        }
        let inferred = ResponseFaultInference(tool: "get_item", calls: calls)
        let rules = inferred.rules.map {
            "\($0.kind.rawValue) \($0.status.map(String.init) ?? "") \($0.count)/\($0.of)"
        }
        // Pages over the calls answered or paged (not the JSON 500s); error bodies over the parsed answers.
        #expect(rules == ["server_error 503 10/90", "malformed_json  10/80", "error_in_ok  10/70"])
        #expect(ResponseFaultInference.isHTMLPage(calls[2]))
        #expect(!ResponseFaultInference.isHTMLPage(calls[3]))
        #expect(ResponseFaultInference.forDynamics(calls[2]).outcome == .ok)
        #expect(ResponseFaultInference.forDynamics(calls[3]).outcome == .serverError)
        #expect(ResponseFaultInference.isDamaged(calls[0]) && ResponseFaultInference.isDamaged(calls[1]))
        #expect(!ResponseFaultInference.isDamaged(calls[4]))

        let text = (0..<40).map { n in answer(n == 0 ? "[WARN] cut" : "On branch main, nothing to commit") }
        let textTool = ResponseFaultInference(tool: "git_status", calls: text)
        #expect(textTool.rules.isEmpty)
        #expect(textTool.notes.contains { $0.contains("are text, so they are not read as malformed_json") })
    }

    @Test("too few answers: no rule, and a note that says how many were needed")
    func tooFew() throws {
        let calls = (0..<8).map { n in answer(n == 0 ? #"{"id": "I-1"}"# : #"{"id": "I-1", "name": "x"}"#) }
        let inferred = ResponseFaultInference(tool: "get_item", calls: calls)
        #expect(inferred.rules.isEmpty)
        #expect(inferred.notes == ["8 JSON answers: 20 needed to infer missing, null or retyped fields"])
    }

    @Test("a sweep archive splits into episodes at header lines; a header inside arguments is not one")
    func archiveSplit() throws {
        let header = #"{"format":"simrun-trace","version":2}"#
        let step = #"{"type":"step","args":{"format":"simrun-trace"}}"#
        let text = [header, step, step, header, step, header].joined(separator: "\n") + "\n"
        let ranges = RecordedTraffic.episodeRanges(Array(text.utf8))
        #expect(ranges.map(\.firstLine) == [1, 4, 6])
        #expect(ranges.last?.bytes.upperBound == text.utf8.count)
    }
}
