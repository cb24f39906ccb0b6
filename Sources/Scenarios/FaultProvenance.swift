/// Where a loaded scenario's fault rules came from: its own `faults`, an overlay file (with the
/// overlay's content hash), or none at all.
///
/// `ScenarioLoader` records it on every scenario it loads or changes with a `FaultSelection`,
/// so whatever plays the scenario (an `Episode`, a run, a trace header) takes it from the
/// scenario and never has to read the overlay again.
public struct FaultProvenance: Sendable, Hashable {
    /// How the rules were chosen; `.overlay` carries the overlay's path as it was given.
    public var selection: FaultSelection
    /// SHA-256 (64 lowercase hex digits) of the overlay's canonical JSON, when `selection` is
    /// `.overlay`; `nil` otherwise.
    public var overlaySHA256: String?

    /// Creates a provenance record; the default is the scenario's own rules.
    public init(selection: FaultSelection = .scenario, overlaySHA256: String? = nil) {
        self.selection = selection
        self.overlaySHA256 = overlaySHA256
    }

    /// The overlay file, when `selection` is `.overlay`.
    public var overlayPath: String? {
        if case .overlay(let path) = selection { path } else { nil }
    }
}

/// Which fault rules an episode uses; the one name for the fault mode in options, scenarios and
/// trace headers (`"scenario"`, `"overlay"`, `"none"`).
public enum FaultSelection: Sendable, Hashable {
    /// The scenario's own rules.
    case scenario
    /// The scenario's rules changed by an overlay file (`--faults FILE`).
    case overlay(path: String)
    /// No fault rules at all (`--no-faults`); regimes still behave as written.
    case none

    /// The mode names, as trace headers spell them.
    public static let modeNames = ["scenario", "overlay", "none"]

    /// The mode's name: `scenario`, `overlay` or `none`.
    public var modeName: String {
        switch self {
        case .scenario: "scenario"
        case .overlay: "overlay"
        case .none: "none"
        }
    }

    /// The selection a mode name and overlay path describe; `nil` when the name is not one of
    /// `modeNames`, when `overlay` has no path, or when another mode has one.
    public init?(modeName: String, overlayPath: String?) {
        switch (modeName, overlayPath) {
        case ("scenario", nil): self = .scenario
        case ("none", nil): self = .none
        case ("overlay", let path?): self = .overlay(path: path)
        default: return nil
        }
    }
}
