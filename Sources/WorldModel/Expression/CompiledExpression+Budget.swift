extension CompiledExpression {
    /// The most steps an evaluation's budget grows to, however large the world: enough for a
    /// few passes over millions of rows, while a loop nested in a loop over such a collection
    /// still fails instead of running for hours.
    package static let maximumBudget = 1_000_000_000

    /// The evaluation budget against a world holding `rows` rows in all: `defaultBudget`, or,
    /// when that is more, two passes of the whole expression over every row (each loop charges
    /// its body per row, and the bodies of loops that are not nested cost at most the whole
    /// expression together), at most `maximumBudget`. So a scan costs what the data it may touch
    /// allows, and a loop nested in a scan still fails on a large world.
    package func budget(forRows rows: Int) -> Int {
        let (perPass, overflow) = staticCost.multipliedReportingOverflow(by: max(0, rows))
        guard !overflow, perPass <= Self.maximumBudget / 2 else { return Self.maximumBudget }
        return max(Self.defaultBudget, 2 * perPass)
    }
}
