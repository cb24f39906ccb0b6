import WorldModel

/// A field of a tool's response schema that appears as the schema expects in a different share of
/// the recorded rows than of the simulated ones, by more than a tolerance at the interval's
/// confidence: the `response schema` figure's test per field, beside its test of whole answers.
///
/// Whole answers alone have little power for a tool whose answers already depart from their
/// schema often: crm-refund's `crm_get_customer` (`email` missing from half its answers, `phone`
/// null in 30 %) matches in about a third of its answers, so a field the real system now drops
/// from 30 % of them moves that share by only 0.3 × ⅓ = 0.1, which 150 recorded answers cannot
/// tell from chance. Per field, the same drift is 0.3 of the rows against none. A row *could
/// have* a field when its parent object is there (`ResponseSchema.observe`); it appears *as
/// expected* when present with the field's type (or null for a field never anything else).
/// Missing, null and retyped count against it whether or not the schema calls the field
/// required or nullable: the comparison is of the two sides' shares, not of either with a rule.
package struct SchemaFieldDrift: Sendable, Hashable, CustomStringConvertible {
    /// The field's dotted name.
    package var field: String
    /// The share of rows with the field as expected: recorded, simulated, and the difference's
    /// interval.
    package var difference: ProportionDifference

    /// Of the fields of `schema` (in its order), the one whose share of rows with it as expected
    /// differs most between `recorded` and `simulated` bodies with the whole interval beyond
    /// ±`tolerance` at the normal quantile `z`; nil when none does. Fields with no row on a side
    /// that could have them are not compared.
    package static func largest(
        schema: ResponseSchema, recorded: [JSON], simulated: [JSON], z: Double, tolerance: Double
    ) -> SchemaFieldDrift? {
        let counts = { (bodies: [JSON]) -> [(expected: Int, rows: Int)] in
            var counts = Array(repeating: (expected: 0, rows: 0), count: schema.fields.count)
            for body in bodies {
                for row in schema.rowsOf(body) {
                    for (index, field) in schema.fields.enumerated() {
                        guard let appearance = schema.observe(field, in: row) else { continue }
                        counts[index].rows += 1
                        if appearance == .expected { counts[index].expected += 1 }
                    }
                }
            }
            return counts
        }
        let left = counts(recorded)
        let right = counts(simulated)
        var largest: SchemaFieldDrift?
        for (index, field) in schema.fields.enumerated() where left[index].rows > 0 && right[index].rows > 0 {
            let difference = ProportionDifference(
                recordedCount: left[index].expected, recordedTotal: left[index].rows,
                simulatedCount: right[index].expected, simulatedTotal: right[index].rows, z: z)
            guard difference.exceeds(tolerance: tolerance) else { continue }
            if largest.map({ abs(difference.difference) > abs($0.difference.difference) }) ?? true {
                largest = SchemaFieldDrift(field: field.name, difference: difference)
            }
        }
        return largest
    }

    /// `field 'tier' as expected in 0.6933 of 150 recorded rows, 1.0000 of 450 simulated: +0.3067 [+0.2316, +0.3818]`.
    package var description: String {
        let d = difference
        let text = { (value: Double) in FidelityReport.fixed(value, 4) }
        let signed = { (value: Double) in FidelityReport.signed(value, 4) }
        return "field '\(field)' as expected in \(text(d.recordedShare)) of \(d.recordedTotal) recorded rows, "
            + "\(text(d.simulatedShare)) of \(d.simulatedTotal) simulated: \(signed(d.difference)) "
            + "[\(signed(d.low)), \(signed(d.high))]"
    }
}
