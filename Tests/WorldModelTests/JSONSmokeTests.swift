import Testing
import WorldModel

@Test("a document parses and prints canonically with sorted keys")
func canonicalRoundTrip() throws {
    let value = try JSON(parsing: #"{"b": [1, 2.5, "x\n"], "a": null, "c": {"z": true, "y": -0.1}}"#)
    #expect(value.canonicalText == #"{"a":null,"b":[1,2.5,"x\n"],"c":{"y":-0.1,"z":true}}"#)
}
