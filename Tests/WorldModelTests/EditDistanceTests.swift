import Testing
import WorldModel

@Suite("Edit distance")
struct EditDistanceTests {
    @Test("edits, including adjacent transpositions, cost one each")
    func distances() {
        #expect(editDistance("amout", "amount") == 1)
        #expect(editDistance("opne", "open") == 1)
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("", "abc") == 3)
        #expect(editDistance("same", "same") == 0)
    }

    @Test("the closest plausible candidate is suggested, far ones are not")
    func suggestions() {
        #expect(closestMatch(to: "amout", among: ["charge_id", "amount"]) == "amount")
        #expect(closestMatch(to: "Amount", among: ["amount"]) == "amount")
        #expect(closestMatch(to: "desciption", among: ["title", "description"]) == "description")
        #expect(closestMatch(to: "xyz", among: ["amount", "charge_id"]) == nil)
        #expect(closestMatch(to: "ab", among: [String]()) == nil)
        #expect(closestMatch(to: "median", among: ["p99_ms", "median_ms"]) == "median_ms")
        #expect(closestMatch(to: "id", among: ["identifier"]) == nil)
    }

    @Test("ties go to the first candidate")
    func ties() {
        #expect(closestMatch(to: "cat", among: ["bat", "cut"]) == "bat")
        #expect(closestMatch(to: "cat", among: ["cut", "bat"]) == "cut")
    }
}
