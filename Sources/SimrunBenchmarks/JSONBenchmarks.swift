import Foundation
import WorldModel

/// JSON parse and canonical-serialize benchmarks, each paired with Foundation's
/// `JSONSerialization` on the same input, and SHA-256 of the 1 MB input's canonical bytes
/// against serializing them.
///
/// Inputs are generated deterministically: a ~200-byte object and a ~1 MB array of records,
/// written with keys in insertion (unsorted) order so canonical serialization has to sort.
package enum JSONBenchmarks {
    /// The `json` group: parse and serialize for both inputs (thresholds.json sets the targets:
    /// 2x for parsing and 10x for canonical serializing over `JSONSerialization`).
    package static func group() -> BenchmarkGroup {
        let inputs: [(label: String, bytes: [UInt8])] = [
            ("200 B object", smallObjectText()),
            ("1 MB records", recordsText(targetBytes: 1 << 20)),
        ]
        var benchmarks: [Benchmark] = []
        var comparisons: [BenchmarkComparison] = []
        for (label, bytes) in inputs {
            let data = Data(bytes)
            // Inputs are valid by construction; a failure here is a bug in this file.
            guard let value = try? JSON(parsing: bytes),
                let foundationValue = try? JSONSerialization.jsonObject(with: data)
            else { preconditionFailure("benchmark input \(label) does not parse") }
            let foundationBox = FoundationValue(foundationValue)
            let parseSimrun = "parse \(label) (simrun)"
            let parseFoundation = "parse \(label) (JSONSerialization)"
            let writeSimrun = "canonical \(label) (simrun)"
            let writeFoundation = "sortedKeys \(label) (JSONSerialization)"
            benchmarks += [
                Benchmark(parseSimrun) { blackHole(try? JSON(parsing: bytes)) },
                Benchmark(parseFoundation) { blackHole(try? JSONSerialization.jsonObject(with: data)) },
                Benchmark(writeSimrun) { blackHole(value.canonicalBytes) },
                Benchmark(writeFoundation) {
                    blackHole(try? JSONSerialization.data(withJSONObject: foundationBox.value, options: [.sortedKeys]))
                },
            ]
            comparisons += [
                BenchmarkComparison(
                    "parse \(label), simrun vs JSONSerialization", candidate: parseSimrun, baseline: parseFoundation),
                BenchmarkComparison(
                    "canonical serialize \(label), simrun vs JSONSerialization(.sortedKeys)", candidate: writeSimrun,
                    baseline: writeFoundation),
            ]
        }
        // SHA-256 of the canonical bytes (what a scenario's fingerprint and every row's digest
        // term hash) against writing them: hashing should cost no more than serializing.
        if let (label, bytes) = inputs.last, let value = try? JSON(parsing: bytes) {
            let canonical = value.canonicalBytes
            let hashName = "SHA-256 of \(label), canonical (\(canonical.count) bytes)"
            benchmarks.append(Benchmark(hashName) { blackHole(SHA256.hash(canonical)) })
            comparisons.append(
                BenchmarkComparison(
                    "SHA-256 vs canonical serialize of \(label)", candidate: hashName,
                    baseline: "canonical \(label) (simrun)"))
        }
        return BenchmarkGroup("json", benchmarks: benchmarks, comparisons: comparisons)
    }

    /// A customer record of about 200 bytes.
    package static func smallObjectText() -> [UInt8] {
        let value: JSON = [
            "id": "C-1042", "name": "Dana Ruiz", "email": "dana@example.com", "tier": "gold",
            "balance": 1250.75, "orders": [88, 91, 104], "active": true,
            "address": ["street": "12 rue de la Paix", "city": "Lyon", "zip": "69001"],
            "created_ms": 1_700_000_000_123, "note": nil,
        ]
        return insertionOrderBytes(value)
    }

    /// An array of order records totalling at least `targetBytes`, from a fixed seed.
    package static func recordsText(targetBytes: Int) -> [UInt8] {
        var generator = SplitMix64(state: 0x5EED_1234_ABCD_0001)
        func next() -> UInt64 { generator.next() }
        let statuses: [JSON] = ["captured", "refunded", "pending", "failed"]
        let notes: [JSON] = [
            "", "customer asked for a receipt", "Caf\u{E9} cr\u{E8}me order \"special\"\nleave at door",
            "\u{6CE8}\u{6587}\u{3067}\u{3059}", "gift \u{1F381}",
        ]
        var records: [JSON] = []
        var size = 2
        var index = 0
        while size < targetBytes {
            let items: [JSON] = (0..<Int(next() % 3 + 1)).map { _ in
                [
                    "sku": .string("SKU-\(next() % 10_000)"), "qty": .int(Int(next() % 5 + 1)),
                    "price": .double(Double(next() % 100_000) / 100),
                ]
            }
            let record: JSON = [
                "id": .string("O-\(index)"),
                "customer_id": .string("C-\(next() % 5000)"),
                "amount": .double(Double(next() % 1_000_000) / 100),
                "currency": "EUR",
                "status": statuses[Int(next() % 4)],
                "items": .array(items),
                "created_ms": .int(Int64(1_700_000_000_000 + Int64(next() % 100_000_000))),
                "flags": [.bool(next() % 2 == 0), .bool(next() % 3 == 0)],
                "geo": [
                    "lat": .double(Double(Int64(next() % 180_000_000) - 90_000_000) / 1e6),
                    "lon": .double(Double(Int64(next() % 360_000_000) - 180_000_000) / 1e6),
                ],
                "note": notes[Int(next() % UInt64(notes.count))],
            ]
            size += insertionOrderBytes(record).count + 1
            records.append(record)
            index += 1
        }
        return insertionOrderBytes(.array(records))
    }

    /// Compact JSON text with object members in insertion order (unlike the canonical form).
    static func insertionOrderBytes(_ value: JSON) -> [UInt8] {
        var output: [UInt8] = []
        writeInsertionOrder(value, into: &output)
        return output
    }

    private static func writeInsertionOrder(_ value: JSON, into output: inout [UInt8]) {
        switch value {
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeInsertionOrder(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSON.writeEscaped(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                writeInsertionOrder(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        default:
            value.writeCanonical(into: &output)
        }
    }
}

/// A Foundation JSON object graph, immutable after parsing, shared with benchmark closures.
private final class FoundationValue: @unchecked Sendable {
    let value: Any
    init(_ value: Any) { self.value = value }
}
