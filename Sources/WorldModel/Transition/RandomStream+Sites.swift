extension RandomStream {
    /// The stream `seed, site, name, number` (e.g. `"latency", "billing", 7`), derived without
    /// allocating: the same stream as `RandomStream(seed:key:)` with those parts.
    @inline(__always)
    static func site(_ seed: UInt64, _ site: String, _ name: String, _ number: Int) -> RandomStream {
        var key = KeyBuilder(seed: seed)
        key.append(site)
        key.append(name)
        key.append(Int64(number))
        return key.stream
    }

    /// `site(seed, site, name, number)` with `site, name` encoded once (`EncodedParts(site, name)`).
    @inline(__always)
    static func site(_ seed: UInt64, _ siteAndName: EncodedParts, _ number: Int) -> RandomStream {
        var key = KeyBuilder(seed: seed)
        key.append(siteAndName)
        key.append(Int64(number))
        return key.stream
    }

    /// The stream `seed, "fault", rule, tool, call`, which decides whether a fault rule fires.
    @inline(__always)
    static func fault(_ seed: UInt64, rule: String, tool: String, call: Int) -> RandomStream {
        var key = KeyBuilder(seed: seed)
        key.append("fault")
        key.append(rule)
        key.append(tool)
        key.append(Int64(call))
        return key.stream
    }
}
