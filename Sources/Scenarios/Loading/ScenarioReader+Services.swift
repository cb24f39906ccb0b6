import WorldModel

extension ScenarioReader {
    static let serviceKeys = [
        "timeout_ms", "regimes", "initial", "transitions", "schedule", "rate_limit", "description",
    ]
    static let distributions = ["fixed", "uniform", "lognormal", "empirical"]

    mutating func readServices(_ value: JSON?) -> [ServiceSpec] {
        guard let value else { return [] }
        guard case .object(let services) = value else {
            report("services", "expected an object of services (name → service), found \(Self.describe(value))")
            return []
        }
        var result: [ServiceSpec] = []
        for (name, serviceValue) in services.members {
            let path = Self.join("services", name)
            let issuesBefore = issues.count
            checkIdentifier(name, path, what: "a service name")
            guard let service = object(serviceValue, path, allowed: Self.serviceKeys, required: ["regimes"]) else {
                continue
            }
            let timeout = integer(service["timeout_ms"], Self.join(path, "timeout_ms"), in: 1...86_400_000) ?? 30_000
            var regimes: [Regime] = []
            if let regimesValue = service["regimes"] {
                if case .object(let regimeObjects) = regimesValue, !regimeObjects.isEmpty {
                    for (regimeName, regimeValue) in regimeObjects.members {
                        checkIdentifier(
                            regimeName, Self.join(Self.join(path, "regimes"), regimeName), what: "a regime name")
                        if let regime = readRegime(
                            regimeName, regimeValue, Self.join(Self.join(path, "regimes"), regimeName))
                        {
                            regimes.append(regime)
                        }
                    }
                } else {
                    report(
                        Self.join(path, "regimes"),
                        "expected an object of named regimes (at least one), found \(Self.describe(regimesValue))")
                }
            }
            // Declared names: a regime with its own mistakes is still a name references may use.
            let names = Array(service["regimes"]?.objectValue?.keys ?? [])
            func regimeName(_ value: JSON?, _ path: String) -> String? {
                guard let text = string(value, path) else { return nil }
                guard names.contains(text) else {
                    report(
                        path,
                        "unknown regime '\(text)'\(Self.suggestion(text, among: names)); regimes are \(names.joined(separator: ", "))"
                    )
                    return nil
                }
                return text
            }
            let initial = service["initial"].flatMap { regimeName($0, Self.join(path, "initial")) } ?? names.first ?? ""
            var transitions: [(from: String, to: String, probability: Double)] = []
            func knownRegime(_ text: String, _ path: String) -> Bool {
                if names.contains(text) { return true }
                report(
                    path,
                    "unknown regime '\(text)'\(Self.suggestion(text, among: names)); regimes are \(names.joined(separator: ", "))"
                )
                return false
            }
            if let transitionsValue = service["transitions"],
                let rows = object(
                    transitionsValue, Self.join(path, "transitions"),
                    allowed: Array(transitionsValue.objectValue?.keys ?? []))
            {
                for (from, rowValue) in rows.members {
                    let rowPath = Self.join(Self.join(path, "transitions"), from)
                    guard knownRegime(from, rowPath) else { continue }
                    guard let row = object(rowValue, rowPath, allowed: Array(rowValue.objectValue?.keys ?? [])) else {
                        continue
                    }
                    var sum = 0.0
                    for (to, probabilityValue) in row.members where knownRegime(to, Self.join(rowPath, to)) {
                        if let probability = probability(probabilityValue, Self.join(rowPath, to)) {
                            transitions.append((from, to, probability))
                            sum += probability
                        }
                    }
                    if sum > 1 + 1e-9 {
                        report(
                            rowPath,
                            "transition probabilities must sum to at most 1 (the rest is the chance to stay), found \(sum.formatted)"
                        )
                    }
                }
            }
            var schedules: [(fromMs: Int64, toMs: Int64, regime: String)] = []
            for (index, windowValue) in (array(service["schedule"], Self.join(path, "schedule")) ?? []).enumerated() {
                let windowPath = Self.join(Self.join(path, "schedule"), index)
                guard
                    let window = object(
                        windowValue, windowPath, allowed: ["from_ms", "to_ms", "regime"],
                        required: ["from_ms", "to_ms", "regime"])
                else { continue }
                let from = integer(window["from_ms"], Self.join(windowPath, "from_ms"), in: 0...Int64(1) << 50)
                let to = integer(window["to_ms"], Self.join(windowPath, "to_ms"), in: 0...Int64(1) << 50)
                let regime = regimeName(window["regime"], Self.join(windowPath, "regime"))
                if let from, let to, let regime {
                    if to <= from {
                        report(Self.join(windowPath, "to_ms"), "expected a time after from_ms (\(from)), found \(to)")
                    } else {
                        schedules.append((from, to, regime))
                    }
                }
            }
            var bucket: TokenBucket?
            if let limit = object(
                service["rate_limit"], Self.join(path, "rate_limit"), allowed: ["capacity", "refill_per_s"],
                required: ["capacity", "refill_per_s"])
            {
                let capacity = integer(
                    limit["capacity"], Self.join(Self.join(path, "rate_limit"), "capacity"), in: 1...1_000_000)
                let refill = number(
                    limit["refill_per_s"], Self.join(Self.join(path, "rate_limit"), "refill_per_s"), minimum: 0.001,
                    maximum: 1_000_000)
                if let capacity, let refill {
                    do throws(ServiceModelError) {
                        bucket = try TokenBucket(capacity: capacity, refillPerSecond: refill)
                    } catch {
                        report(error, under: path)
                    }
                }
            }
            // A service with its own mistakes is not built: the chain would only repeat them.
            guard !regimes.isEmpty, issues.count == issuesBefore else { continue }
            do throws(ServiceModelError) {
                let chain = try RegimeChain(
                    regimes: regimes, initial: initial, transitions: transitions, schedules: schedules)
                result.append(ServiceSpec(name: name, timeoutMs: timeout, regimes: chain, rateLimit: bucket))
            } catch {
                report(error, under: path)
            }
        }
        return result
    }

    mutating func readRegime(_ name: String, _ value: JSON, _ path: String) -> Regime? {
        guard let regime = object(value, path, allowed: ["latency", "errors", "description"], required: ["latency"])
        else { return nil }
        let latency = readLatency(regime["latency"], Self.join(path, "latency"))
        var errors = ServiceErrorRates()
        if let errorObject = object(
            regime["errors"], Self.join(path, "errors"), allowed: ServiceError.allCases.map(\.rawValue))
        {
            var sum = 0.0
            for kind in ServiceError.allCases {
                if let p = probability(errorObject[kind.rawValue], Self.join(Self.join(path, "errors"), kind.rawValue))
                {
                    errors[kind] = p
                    sum += p
                }
            }
            if sum > 1 + 1e-9 {
                report(Self.join(path, "errors"), "error probabilities must sum to at most 1, found \(sum.formatted)")
            }
        }
        guard let latency else { return nil }
        return Regime(name: name, latency: latency, errors: errors)
    }

    mutating func readLatency(_ value: JSON?, _ path: String) -> LatencyDistribution? {
        guard let value else { return nil }
        guard case .object(let object) = value, let kind = object["dist"] else {
            _ = self.object(value, path, allowed: ["dist"], required: ["dist"])
            return nil
        }
        guard let dist = choice(kind, Self.join(path, "dist"), Self.distributions) else { return nil }
        let distribution: LatencyDistribution?
        switch dist {
        case "fixed":
            _ = self.object(value, path, allowed: ["dist", "ms"], required: ["ms"])
            distribution = integer(object["ms"], Self.join(path, "ms"), in: 0...86_400_000).map { .fixed(ms: $0) }
        case "uniform":
            _ = self.object(value, path, allowed: ["dist", "min_ms", "max_ms"], required: ["min_ms", "max_ms"])
            let low = integer(object["min_ms"], Self.join(path, "min_ms"), in: 0...86_400_000)
            let high = integer(object["max_ms"], Self.join(path, "max_ms"), in: 0...86_400_000)
            distribution = low.flatMap { low in high.map { .uniform(min: low, max: $0) } }
        case "lognormal":
            _ = self.object(value, path, allowed: ["dist", "median_ms", "p99_ms"], required: ["median_ms", "p99_ms"])
            let median = number(object["median_ms"], Self.join(path, "median_ms"), minimum: 0.001)
            let p99 = number(object["p99_ms"], Self.join(path, "p99_ms"), minimum: 0.001)
            distribution = median.flatMap { median in p99.map { .lognormal(median: median, p99: $0) } }
        default:
            _ = self.object(value, path, allowed: ["dist", "quantiles"], required: ["quantiles"])
            var quantiles: [LatencyQuantile] = []
            for (index, pair) in (array(object["quantiles"], Self.join(path, "quantiles")) ?? []).enumerated() {
                let pairPath = Self.join(Self.join(path, "quantiles"), index)
                guard let elements = array(pair, pairPath), elements.count == 2 else {
                    report(pairPath, "expected a [probability, milliseconds] pair")
                    continue
                }
                if let p = probability(elements[0], Self.join(pairPath, 0)),
                    let ms = number(elements[1], Self.join(pairPath, 1), minimum: 0)
                {
                    quantiles.append(LatencyQuantile(probability: p, milliseconds: ms))
                }
            }
            distribution = .empirical(quantiles: quantiles)
        }
        guard let distribution else { return nil }
        do throws(ServiceModelError) {
            try distribution.validate()
        } catch {
            report(error, under: path, latencyAlone: true)
            return nil
        }
        return distribution
    }
}
