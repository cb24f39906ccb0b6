/// A number of regimes known when `BaumWelch.step` is compiled, so that its loops over regimes
/// are unrolled: one type per count that BIC chooses among, and `AnyRegimeCount` for the rest.
protocol RegimeCount {
    /// The number of regimes of `model`, a constant for the fixed counts.
    static func count(_ model: HiddenMarkovModel) -> Int
}

/// One regime.
enum OneRegime: RegimeCount {
    @inline(__always) static func count(_ model: HiddenMarkovModel) -> Int { 1 }
}

/// Two regimes.
enum TwoRegimes: RegimeCount {
    @inline(__always) static func count(_ model: HiddenMarkovModel) -> Int { 2 }
}

/// Three regimes.
enum ThreeRegimes: RegimeCount {
    @inline(__always) static func count(_ model: HiddenMarkovModel) -> Int { 3 }
}

/// Four regimes.
enum FourRegimes: RegimeCount {
    @inline(__always) static func count(_ model: HiddenMarkovModel) -> Int { 4 }
}

/// Whatever number of regimes `model` has.
enum AnyRegimeCount: RegimeCount {
    @inline(__always) static func count(_ model: HiddenMarkovModel) -> Int { model.regimeCount }
}
