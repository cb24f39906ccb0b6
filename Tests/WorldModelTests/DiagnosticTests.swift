import Testing
import WorldModel

@Suite("Diagnostic: one shape, rendered in one place")
struct DiagnosticTests {
    @Test("a mismatch renders file, dotted path, expected, found and the suggestion")
    func mismatch() {
        let diagnostic = Diagnostic(
            file: "billing-outage.json", at: JSONPath([.key("tools"), .index(2), .key("op")]),
            expected: "one of get, list", found: "string \"lst\"", suggestion: "\"list\"")
        #expect(
            diagnostic.description
                == #"billing-outage.json: tools[2].op: expected one of get, list, found string "lst" (did you mean "list"?)"#
        )
        #expect(diagnostic.path == "tools[2].op")
        #expect(diagnostic.expected == "one of get, list")
        #expect(diagnostic.found == "string \"lst\"")
    }

    @Test("a stated problem has no expected or found; empty parts are left out")
    func stated() {
        let diagnostic = Diagnostic(at: .root, "regime 'degraded' is declared twice")
        #expect(diagnostic.description == "regime 'degraded' is declared twice")
        #expect(diagnostic.expected == nil && diagnostic.found == nil)
        #expect(Diagnostic(file: "a.json", at: .root, "empty").description == "a.json: empty")
    }

    @Test("a file name with a line break stays on one line")
    func printableFile() {
        let diagnostic = Diagnostic(file: "bad\nname.json", at: JSONPath([.key("name")]), "too long")
        #expect(diagnostic.description == "bad\\nname.json: name: too long")
    }

    @Test("a path is placed under a root for a document read inside another")
    func underRoot() {
        let diagnostic = Diagnostic(
            at: JSONPath([.key("properties"), .key("x")]), expected: "a schema", found: "integer 7")
        #expect(
            diagnostic.rendered(under: "tools[2].input")
                == "tools[2].input.properties.x: expected a schema, found integer 7")
    }

    @Test(
        "a dotted path reads back as the path it renders",
        arguments: ["", "tools[2].effects[0].set.status", #"data["order id"][3].x"#, "[0].name", #"a["b.c"]["\"q\""]"#])
    func roundTrip(_ text: String) {
        let path = JSONPath(rendered: text)
        #expect(JSONPath.Component.render(path.components, under: "") == text)
    }

    @Test("a dotted path's components are keys and indices")
    func components() {
        #expect(
            JSONPath(rendered: #"data["order id"][3].x"#).components == [
                .key("data"), .key("order id"), .index(3), .key("x"),
            ])
    }
}
