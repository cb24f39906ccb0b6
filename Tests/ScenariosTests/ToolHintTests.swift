import Scenarios
import Testing
import WorldModel

@Suite("Tool hints")
struct ToolHintTests {
    /// The inventory-sync storefront adjustment sets `available` from the row itself.
    @Test("an update computed from the row is not idempotent; a plain set is")
    func relativeUpdatesAreNotIdempotent() throws {
        var document = try ScenarioFixtures.document("inventory-sync.json")
        let relative: JSON = [
            "name": "shop_bump", "service": "storefront", "description": "Adds to the stock of a SKU.",
            "input": [
                "type": "object", "properties": ["sku": ["type": "string"]], "required": ["sku"],
                "additionalProperties": false,
            ],
            "op": "update", "collection": "storefront_inventory", "key": "args.sku",
            "set": ["available": "row.available + 1"],
        ]
        var absolute = relative
        absolute = absolute.with("/name", "shop_zero").with("/set", ["available": "0"])
        document = document.appending("/tools", relative).appending("/tools", absolute)
        let scenario = try ScenarioLoader.load(document, file: "inventory-sync.json")
        let bump = try #require(scenario.world.tool(named: "shop_bump"))
        let zero = try #require(scenario.world.tool(named: "shop_zero"))
        #expect(!bump.isIdempotent)
        #expect(bump.isDestructive)
        #expect(zero.isIdempotent)
        #expect(!zero.isReadOnly)
    }
}
